-- 0017_disclosures.sql -- every time someone entitled to an appeal's personal data asks to see
-- it in full (查看完整号码): who, when, which fields. Written once and sealed onto the hash
-- chain as subject "disclosure" (service/subject.c), so `audit verify` holds the record.
CREATE TABLE disclosures (
    id        INTEGER PRIMARY KEY,
    appeal_id INTEGER NOT NULL REFERENCES appeals(id),
    user_id   INTEGER,
    username  TEXT NOT NULL,
    fields    TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX disclosures_appeal ON disclosures (appeal_id, at);
CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
BEGIN SELECT RAISE(ABORT, 'disclosure records are never changed'); END;
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN SELECT RAISE(ABORT, 'disclosure records are never changed'); END;
