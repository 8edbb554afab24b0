-- 0014_files.sql -- evidence files (photos, PDFs) attached to replies and close-outs, stored
-- content-addressed: the key is the SHA-256 of the bytes, which the event that cites the file
-- carries in its details ("sha256:<hex>.<ext>"), so the hash chain seals the file too and
-- `audit verify` checks it. The bytes are kept as base64 text, the same in both backends.
CREATE TABLE IF NOT EXISTS files (
    sha256     TEXT PRIMARY KEY,
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    data       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
