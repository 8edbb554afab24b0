-- 0015_duplicates.sql -- finding an appeal's likely duplicates (text/sketch.h): the MinHash
-- bands of each appeal's text, so that only appeals sharing a band are compared exactly, and
-- indexes for the same caller and the same address within a window of days. The bands are
-- derived from the appeals: the service fills them for appeals made before this migration
-- and rebuilds them with `shishi reindex`; a copy of the site leaves them out. The table
-- itself is each engine's part (0015_duplicates.*.sql).
CREATE INDEX IF NOT EXISTS appeals_phone ON appeals (phone, received_at);
CREATE INDEX IF NOT EXISTS appeals_address ON appeals (address, received_at);
