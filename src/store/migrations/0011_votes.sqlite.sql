-- 0011_votes.sqlite.sql -- SQLite's part of 0011_votes.sql: ballots are never changed.
CREATE TRIGGER ballots_no_update BEFORE UPDATE ON ballots
BEGIN SELECT RAISE(ABORT, 'ballots are never changed'); END;
CREATE TRIGGER ballots_no_delete BEFORE DELETE ON ballots
BEGIN SELECT RAISE(ABORT, 'ballots are never changed'); END;
