-- 0017_disclosures.sqlite.sql -- SQLite's part of 0017_disclosures.sql: disclosure records
-- are never changed.
CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
BEGIN SELECT RAISE(ABORT, 'disclosure records are never changed'); END;
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN SELECT RAISE(ABORT, 'disclosure records are never changed'); END;
