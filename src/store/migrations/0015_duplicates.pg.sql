-- 0015_duplicates.pg.sql -- PostgreSQL's part of 0015_duplicates.sql: the bands, keyed by
-- band and time for the lookup of a window (no WITHOUT ROWID here: heap and key are two).
CREATE TABLE IF NOT EXISTS appeal_bands (
    band        BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    appeal_id   BIGINT NOT NULL,
    PRIMARY KEY (band, received_at, appeal_id)
);
