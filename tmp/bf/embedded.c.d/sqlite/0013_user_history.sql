-- 0013_user_history.sql -- users become a subject of the hash chain: every change an admin
-- makes (password, disable/enable, unit, role) is an event of subject 'user', sealed with the
-- digest of the row as it then stands. last_seq counts those events; 0 is a user as it was
-- added, with no change yet.
ALTER TABLE users ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
