-- 0001_init.pg.sql -- PostgreSQL's part of 0001_init.sql: the append-only triggers of events
-- (as in 0001_init.sqlite.sql), and the always-generated rowid that stands in for SQLite's
-- implicit one, so the assisting units of appeal_units keep the order given.
ALTER TABLE appeal_units ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
