-- When a pending message may next be tried: NULL at once; after a failed attempt, later and later;
-- while a sender holds it, the end of its lease.
ALTER TABLE email_outbox ADD COLUMN next_attempt_at TIMESTAMP;
