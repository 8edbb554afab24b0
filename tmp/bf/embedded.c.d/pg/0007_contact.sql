-- 0007_contact.sql -- when the lead unit first reached the caller (联系群众) since it was
-- dispatched: with signing in time, what the response rate (响应率) judges.
ALTER TABLE appeals ADD COLUMN contacted_at BIGINT NOT NULL DEFAULT 0;
