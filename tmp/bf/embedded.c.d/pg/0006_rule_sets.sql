-- 0006_rule_sets.sql -- assessment rule sets as versioned data. A version is added, never
-- changed: any past period can be recomputed under any version. Version 1 is the district's
-- default (ruleset_default() in src/core/ruleset.c; a unit test keeps the two equal).
-- Only `shishi copy` deletes rows here (to replace the destination's seeded version 1).
-- The trigger that refuses changes is each engine's (0006_rule_sets.sqlite.sql, .pg.sql).
CREATE TABLE rule_sets (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,             -- the rule set as JSON (docs/metrics.md)
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);

INSERT INTO rule_sets (version, name, body, created_at, created_by) VALUES (1, '默认考核规则',
'{"name":"默认考核规则","weights":{"reply_rate":0,"timely_rate":0,"response_rate":30,"resolution_rate":35,"satisfaction_rate":35},"basic_satisfied_share":100,"partly_solved_share":0,"exclude":["rejected","merged"],"min_volume":5,"response_needs_contact":true,"time_limits":{"handle":{"default":["5 workdays","24 hours","2 hours"],"consult":["3 workdays","24 hours","2 hours"],"help":["5 workdays","24 hours","2 hours"],"complaint":["7 workdays","24 hours","2 hours"],"report":["7 workdays","24 hours","2 hours"],"suggest":["10 workdays","24 hours","2 hours"]},"complex":"15 workdays","sign":["1 workdays","2 hours","1 hours"],"max_extension_workdays":10,"max_extensions":2}}',
1609430400, 'migration');

-- 0006_rule_sets.pg.sql -- PostgreSQL's part of 0006_rule_sets.sql: a version is never changed.
CREATE FUNCTION rule_sets_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'rule sets are immutable: add a new version'; END $$;
CREATE TRIGGER rule_sets_no_change BEFORE UPDATE ON rule_sets
FOR EACH ROW EXECUTE FUNCTION rule_sets_immutable();
