-- 0010_lists.pg.sql -- PostgreSQL's part of 0010_lists.sql: visit records are never changed.
CREATE FUNCTION visits_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'visit records are never changed'; END $$;
CREATE TRIGGER visits_no_change BEFORE UPDATE OR DELETE ON visits
FOR EACH ROW EXECUTE FUNCTION visits_immutable();
