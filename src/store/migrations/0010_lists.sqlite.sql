-- 0010_lists.sqlite.sql -- SQLite's part of 0010_lists.sql: visit records are never changed.
CREATE TRIGGER visits_no_update BEFORE UPDATE ON visits
BEGIN SELECT RAISE(ABORT, 'visit records are never changed'); END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits
BEGIN SELECT RAISE(ABORT, 'visit records are never changed'); END;
