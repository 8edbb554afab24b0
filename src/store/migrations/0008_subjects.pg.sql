-- 0008_subjects.pg.sql -- PostgreSQL's part of 0008_subjects.sql: events in place.
ALTER TABLE events ALTER COLUMN appeal_id DROP NOT NULL;
ALTER TABLE events ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN subject_id BIGINT;
ALTER TABLE events ADD CONSTRAINT events_subject_appeal CHECK ((subject = '') = (appeal_id IS NOT NULL));
ALTER TABLE events ADD CONSTRAINT events_subject_id CHECK ((subject = '') = (subject_id IS NULL));
CREATE UNIQUE INDEX events_subject ON events (subject, subject_id, seq) WHERE subject <> '';
