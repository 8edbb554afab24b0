-- 0017_disclosures.sql -- every time someone entitled to an appeal's personal data asks to see
-- it in full (查看完整号码): who, when, which fields. Written once and sealed onto the hash
-- chain as subject "disclosure" (service/subject.c), so `audit verify` holds the record. The
-- engines' parts (0017_disclosures.*.sql) keep the rows from ever changing.
CREATE TABLE disclosures (
    id        INTEGER PRIMARY KEY,
    appeal_id INTEGER NOT NULL REFERENCES appeals(id),
    user_id   INTEGER,
    username  TEXT NOT NULL,
    fields    TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX disclosures_appeal ON disclosures (appeal_id, at);

-- 0017_disclosures.sqlite.sql -- SQLite's part of 0017_disclosures.sql: disclosure records
-- are never changed.
CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
BEGIN SELECT RAISE(ABORT, 'disclosure records are never changed'); END;
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN SELECT RAISE(ABORT, 'disclosure records are never changed'); END;
