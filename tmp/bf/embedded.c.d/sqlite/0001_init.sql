-- 0001_init.sql -- the organisation, reference lists, time limits, calendar, appeals and
-- their event chain. Times are UTC seconds since the epoch; dates are day numbers.
-- One text for both engines, in PostgreSQL's spelling: for SQLite, cmake/embed.cmake spells
-- INTEGER as INTEGER, so an identity key becomes a rowid alias and events take the id their
-- caller sealed them with. What only one engine runs is in 0001_init.sqlite.sql and
-- 0001_init.pg.sql, run after this text in the same transaction.

CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL UNIQUE,
    kind      INTEGER NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    active    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          INTEGER NOT NULL,
    unit_id       INTEGER REFERENCES units(id),
    phone         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE areas (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    name   TEXT NOT NULL UNIQUE,
    sort   INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE channels (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    name   TEXT NOT NULL UNIQUE,
    sort   INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);

INSERT INTO areas (code, name, sort) VALUES
    ('study', '就学', 1), ('medical', '就医', 2), ('employment', '就业', 3),
    ('dining', '就餐', 4), ('living', '宜居', 5), ('business', '宜业', 6),
    ('travel', '宜游', 7), ('transport', '宜行', 8), ('weak', '扶弱', 9),
    ('hardship', '帮困', 10);

INSERT INTO channels (code, name, sort) VALUES
    ('wechat', '微信群', 1), ('hotline', '12345热线', 2), ('visit', '来访', 3),
    ('web', '网站/H5', 4), ('enterprise', '企业走访', 5), ('letter', '信件', 6);

-- Handling and signing limits by kind (1..5) and urgency (0..2); kind 0 is the default.
CREATE TABLE time_limits (
    scope   TEXT NOT NULL,            -- 'handle', 'sign', 'complex', 'extension'
    kind    INTEGER NOT NULL,
    urgency INTEGER NOT NULL,
    amount  INTEGER NOT NULL CHECK (amount > 0),
    unit    INTEGER NOT NULL,         -- 1 working days, 2 hours
    PRIMARY KEY (scope, kind, urgency)
);

-- Site calendar entries on top of the embedded holiday notices.
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    mode INTEGER NOT NULL             -- 2 weekends-only
);
CREATE TABLE calendar_days (
    date INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('H', 'W')),
    name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE appeals (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    content            TEXT NOT NULL,
    channel_id         INTEGER NOT NULL REFERENCES channels(id),
    area_id            INTEGER REFERENCES areas(id),
    kind               INTEGER NOT NULL,
    urgency            INTEGER NOT NULL DEFAULT 0,
    complex            INTEGER NOT NULL DEFAULT 0,
    citizen_name       TEXT,
    phone              TEXT,
    id_number          TEXT,
    address            TEXT,
    state              INTEGER NOT NULL,
    lead_unit_id       INTEGER REFERENCES units(id),
    received_at        INTEGER NOT NULL,
    dispatched_at      INTEGER NOT NULL DEFAULT 0,
    sign_deadline      INTEGER NOT NULL DEFAULT 0,
    accepted_at        INTEGER NOT NULL DEFAULT 0,
    deadline           INTEGER NOT NULL DEFAULT 0,
    replied_at         INTEGER NOT NULL DEFAULT 0,
    visited_at         INTEGER NOT NULL DEFAULT 0,
    closed_at          INTEGER NOT NULL DEFAULT 0,
    ext_requested      INTEGER NOT NULL DEFAULT 0,
    ext_count          INTEGER NOT NULL DEFAULT 0,
    urge_count         INTEGER NOT NULL DEFAULT 0,
    supervise_level    INTEGER NOT NULL DEFAULT 0,
    redo_count         INTEGER NOT NULL DEFAULT 0,
    return_count       INTEGER NOT NULL DEFAULT 0,
    merged_into        INTEGER REFERENCES appeals(id),
    reply_text         TEXT,
    visit_solved       INTEGER NOT NULL DEFAULT 0,
    visit_satisfaction INTEGER NOT NULL DEFAULT 0,
    evidence_count     INTEGER NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL,
    last_seq           INTEGER NOT NULL
);
CREATE INDEX appeals_received ON appeals (received_at);
CREATE INDEX appeals_state ON appeals (state, deadline);
CREATE INDEX appeals_lead ON appeals (lead_unit_id, received_at);

CREATE TABLE appeal_units (
    appeal_id INTEGER NOT NULL REFERENCES appeals(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    role      TEXT NOT NULL CHECK (role IN ('lead', 'assist')),
    PRIMARY KEY (appeal_id, unit_id)
);
CREATE INDEX appeal_units_unit ON appeal_units (unit_id);

-- The append-only history. Each row is sealed: hash = SHA-256(prev_hash ‖ row).
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    appeal_id  INTEGER NOT NULL REFERENCES appeals(id),
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
    UNIQUE (appeal_id, seq)
);

-- Where the chain ends, so removing events from its end is noticed. Appenders lock this
-- row (store/ops_events.c), which keeps the chain single under concurrent writers.
CREATE TABLE chain_head (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id INTEGER NOT NULL,
    hash    TEXT NOT NULL,
    count   INTEGER NOT NULL
);
INSERT INTO chain_head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

-- 0001_init.sqlite.sql -- SQLite's part of 0001_init.sql. Events are never updated or
-- deleted through the program; these triggers make an accidental UPDATE or DELETE fail loudly
-- (a determined editor of the file can drop them, which the hash chain then catches).
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
