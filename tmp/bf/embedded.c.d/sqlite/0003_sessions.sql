-- 0003_sessions.sql -- login sessions (tokens stored hashed) and failed-login throttling,
-- kept in the database so that several servers on one database share them.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,           -- SHA-256 of the bearer token, hex
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,              -- the CSRF token cookie clients must echo
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,         -- 'user:NAME' or 'addr:IP'
    failures     INTEGER NOT NULL,
    last_at      INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0
);

-- Public submissions per address and minute window, for rate limiting. WINDOW is a
-- reserved word in PostgreSQL, so the column is quoted wherever it is named.
CREATE TABLE rate_windows (
    key      TEXT NOT NULL,
    "window" INTEGER NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (key, "window")
);
