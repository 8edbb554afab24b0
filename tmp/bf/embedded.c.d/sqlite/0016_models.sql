-- 0016_models.sql -- the suggestion models `shishi learn` trains from the ledger's own
-- dispatched appeals (text/classify.h): one row per model ("unit", "area"), its text form, when
-- it was trained and from how many appeals. Derived data: `shishi copy` learns it again on the
-- copy from the same appeals.
CREATE TABLE IF NOT EXISTS models (
    name       TEXT PRIMARY KEY,
    trained_at INTEGER NOT NULL,
    examples   INTEGER NOT NULL,
    data       TEXT NOT NULL
);
