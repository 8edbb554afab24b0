-- 0001_init.sqlite.sql -- SQLite's part of 0001_init.sql. Events are never updated or
-- deleted through the program; these triggers make an accidental UPDATE or DELETE fail loudly
-- (a determined editor of the file can drop them, which the hash chain then catches).
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
