-- 0011_votes.pg.sql -- PostgreSQL's part of 0011_votes.sql: ballots are never changed.
CREATE FUNCTION ballots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'ballots are never changed'; END $$;
CREATE TRIGGER ballots_no_change BEFORE UPDATE OR DELETE ON ballots
FOR EACH ROW EXECUTE FUNCTION ballots_immutable();
