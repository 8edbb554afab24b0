-- 0008_subjects.sql -- the one hash chain now records more than appeals: a project's
-- progress, a task item's close-out and a vote's ballots are events too. An event names
-- either an appeal (appeal_id) or another subject (subject 'project' | 'task' | 'vote' and
-- subject_id): 0008_subjects.sqlite.sql and 0008_subjects.pg.sql change events, each in
-- its engine's way, after this text.

-- Batches of assignment (分批交办): projects and list items name the batch they came in.
CREATE TABLE batches (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL CHECK (number > 0),
    name        TEXT NOT NULL DEFAULT '',
    assigned_on INTEGER NOT NULL,
    UNIQUE (year, number)
);

-- 0008_subjects.sqlite.sql -- SQLite's part of 0008_subjects.sql: appeal_id loses NOT NULL,
-- which SQLite can only do by rebuilding the table; ids, hashes and the chain head are copied
-- untouched, so every old event still verifies.
DROP TRIGGER events_no_update;
DROP TRIGGER events_no_delete;
CREATE TABLE events_new (
    id         INTEGER PRIMARY KEY,
    appeal_id  INTEGER REFERENCES appeals(id),
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state INTEGER NOT NULL,
    to_state   INTEGER NOT NULL,
    details    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    row_digest TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL DEFAULT '',
    subject_id INTEGER,
    UNIQUE (appeal_id, seq),
    CHECK ((subject = '') = (appeal_id IS NOT NULL)),
    CHECK ((subject = '') = (subject_id IS NULL))
);
INSERT INTO events_new (id, appeal_id, seq, at, actor_id, actor, action, from_state, to_state,
                        details, prev_hash, hash, row_digest)
    SELECT id, appeal_id, seq, at, actor_id, actor, action, from_state, to_state, details,
           prev_hash, hash, row_digest FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_appeal ON events (appeal_id, seq);
CREATE UNIQUE INDEX events_subject ON events (subject, subject_id, seq) WHERE subject <> '';
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
