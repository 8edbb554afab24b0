-- 0015_duplicates.pg.sql -- PostgreSQL's part of 0015_duplicates.sql: the bands, keyed by
-- band for the lookup (PostgreSQL has no WITHOUT ROWID; its heap and key are two anyway).
CREATE TABLE IF NOT EXISTS appeal_bands (
    band      BIGINT NOT NULL,
    appeal_id BIGINT NOT NULL,
    PRIMARY KEY (band, appeal_id)
);
