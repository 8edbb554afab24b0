-- 0002_settings.sql -- site settings (name, zone, code prefix) and the index the
-- per-appeal history reads by.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('site_name', '永定区'), ('code_prefix', 'YD');
CREATE INDEX events_appeal ON events (appeal_id, seq);
