-- 0006_rule_sets.pg.sql -- PostgreSQL's part of 0006_rule_sets.sql: a version is never changed.
CREATE FUNCTION rule_sets_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'rule sets are immutable: add a new version'; END $$;
CREATE TRIGGER rule_sets_no_change BEFORE UPDATE ON rule_sets
FOR EACH ROW EXECUTE FUNCTION rule_sets_immutable();
