-- 0017_disclosures.pg.sql -- PostgreSQL's part of 0017_disclosures.sql: disclosure records
-- are never changed.
CREATE FUNCTION disclosures_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'disclosure records are never changed'; END $$;
CREATE TRIGGER disclosures_no_change BEFORE UPDATE OR DELETE ON disclosures
FOR EACH ROW EXECUTE FUNCTION disclosures_immutable();
