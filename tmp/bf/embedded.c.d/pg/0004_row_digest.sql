-- 0004_row_digest.sql -- each event records the digest of the appeal row it produced, so
-- the audit can hold every field of the row (not only its state) against the history; and
-- each appeal remembers when its last event happened, so no action is dated before it.
-- Events written before this migration have an empty digest and are sealed without it;
-- from the first event after it, a digest is required (settings.row_digest_from).
ALTER TABLE events ADD COLUMN row_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE appeals SET updated_at = coalesce((SELECT max(at) FROM events
                                           WHERE events.appeal_id = appeals.id), received_at);
INSERT INTO settings (key, value) SELECT 'row_digest_from', CAST(last_id + 1 AS TEXT) FROM chain_head;
