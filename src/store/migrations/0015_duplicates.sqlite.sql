-- 0015_duplicates.sqlite.sql -- SQLite's part of 0015_duplicates.sql: the bands are their
-- own index (WITHOUT ROWID), so a registration writes one B-tree for them, not two.
CREATE TABLE IF NOT EXISTS appeal_bands (
    band        INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    appeal_id   INTEGER NOT NULL,
    PRIMARY KEY (band, received_at, appeal_id)
) WITHOUT ROWID;
