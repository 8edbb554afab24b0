-- 0012_visit_seal.sql -- visits (走访) become subjects of the hash chain: each is sealed by
-- one event of subject 'visit' with the digest of the visit and its problems. The schema does
-- not change; opening a database that crosses this migration seals the visits it already
-- holds (service/lists_svc.c, svc_seal_old_visits). Leaders' visits by month are read often.
CREATE INDEX IF NOT EXISTS visits_enterprise ON visits (enterprise_id, visited_on);
