-- 0006_rule_sets.sqlite.sql -- SQLite's part of 0006_rule_sets.sql: a version is never changed.
CREATE TRIGGER rule_sets_no_update BEFORE UPDATE ON rule_sets
BEGIN SELECT RAISE(ABORT, 'rule sets are immutable: add a new version'); END;
