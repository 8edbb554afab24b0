-- 0011_votes.sql -- the deputies' vote on livelihood projects (人大票决制). A session
-- changes only with an event of subject 'vote' (each ballot is one); ballots are never
-- changed or deleted, and a deputy has one ballot per candidate.
CREATE TABLE vote_sessions (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    year       INTEGER NOT NULL,
    state      INTEGER NOT NULL,
    rule       TEXT NOT NULL DEFAULT 'majority_of_all',
    max_select INTEGER NOT NULL DEFAULT 0,     -- 0: no limit
    quorum     INTEGER NOT NULL DEFAULT 0,     -- deputies who must vote; 0: more than half
    turnout    INTEGER NOT NULL DEFAULT 0,     -- counted at close: deputies with a ballot
    outcome    TEXT NOT NULL DEFAULT '',  -- counted at close: the result in words
    adopted_at INTEGER NOT NULL DEFAULT 0,
    opened_at  INTEGER NOT NULL DEFAULT 0,
    closed_at  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    last_seq   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE deputies (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES vote_sessions(id),
    name       TEXT NOT NULL,
    UNIQUE (session_id, name)
);

CREATE TABLE vote_candidates (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES vote_sessions(id),
    seq          INTEGER NOT NULL,
    title        TEXT NOT NULL,
    area_id      INTEGER REFERENCES areas(id),
    lead_unit_id INTEGER REFERENCES units(id),
    measure      TEXT NOT NULL DEFAULT '',
    target_x100  INTEGER NOT NULL DEFAULT 0,
    budget_x100  INTEGER NOT NULL DEFAULT 0,
    yes          INTEGER NOT NULL DEFAULT 0,   -- counted when the session closes
    no           INTEGER NOT NULL DEFAULT 0,
    abstain      INTEGER NOT NULL DEFAULT 0,
    passed       INTEGER NOT NULL DEFAULT 0,
    rank         INTEGER NOT NULL DEFAULT 0,   -- among the passed, by yes votes (1, 2, 2, 4)
    tied         INTEGER NOT NULL DEFAULT 0,   -- tied across the max_select cut-off
    chosen       INTEGER NOT NULL DEFAULT 0,
    project_id   INTEGER REFERENCES projects(id),
    UNIQUE (session_id, seq)
);

CREATE TABLE ballots (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES vote_sessions(id),
    deputy_id    INTEGER NOT NULL REFERENCES deputies(id),
    candidate_id INTEGER NOT NULL REFERENCES vote_candidates(id),
    choice       INTEGER NOT NULL CHECK (choice IN (1, 2, 3)), -- 赞成 反对 弃权
    cast_at      INTEGER NOT NULL,
    UNIQUE (deputy_id, candidate_id)
);

-- 0011_votes.sqlite.sql -- SQLite's part of 0011_votes.sql: ballots are never changed.
CREATE TRIGGER ballots_no_update BEFORE UPDATE ON ballots
BEGIN SELECT RAISE(ABORT, 'ballots are never changed'); END;
CREATE TRIGGER ballots_no_delete BEFORE DELETE ON ballots
BEGIN SELECT RAISE(ABORT, 'ballots are never changed'); END;
