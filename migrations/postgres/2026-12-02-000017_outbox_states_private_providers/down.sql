ALTER TABLE organizations DROP COLUMN allow_private_providers;
DROP INDEX idx_email_outbox_org;
UPDATE email_outbox SET status = 'pending' WHERE status = 'sending';
UPDATE email_outbox SET status = 'failed' WHERE status = 'unconfirmed';
ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_status_check;
ALTER TABLE email_outbox ALTER COLUMN status TYPE VARCHAR(10);
ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed'));
