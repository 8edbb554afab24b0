-- 0015_duplicates.sql -- finding an appeal's likely duplicates (text/sketch.h): the MinHash
-- bands of each appeal's text, so that only appeals sharing a band are compared exactly, and
-- indexes for the same caller and the same address within a window of days. The bands are
-- derived from the appeals: the service fills them for appeals made before this migration
-- and rebuilds them with `shishi reindex`; a copy of the site leaves them out. The table
-- itself is each engine's part (0015_duplicates.*.sql).
CREATE INDEX IF NOT EXISTS appeals_phone ON appeals (phone, received_at);
CREATE INDEX IF NOT EXISTS appeals_address ON appeals (address, received_at);
-- An appeal that had a likely duplicate (疑似重复, a score of 0.5 or more by dup_score()) when
-- it was registered through an interface: the best one and its score in thousandths. The
-- dispatcher's workbench lists these while they wait for dispatch.
CREATE TABLE IF NOT EXISTS appeal_suspects (
    appeal_id INTEGER PRIMARY KEY,
    other_id  INTEGER NOT NULL,
    score     INTEGER NOT NULL
);

-- 0015_duplicates.sqlite.sql -- SQLite's part of 0015_duplicates.sql: the bands are their
-- own index (WITHOUT ROWID), so a registration writes one B-tree for them, not two.
CREATE TABLE IF NOT EXISTS appeal_bands (
    band        INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    appeal_id   INTEGER NOT NULL,
    PRIMARY KEY (band, received_at, appeal_id)
) WITHOUT ROWID;
