-- E-mail: a message a sender holds is `sending`; one whose delivery cannot be confirmed (the server
-- answered after the timeout, or the sender stopped mid-send) is `unconfirmed` and waits for an
-- administrator's resend instead of going out twice. The outbox page lists an organization's
-- messages newest first.
ALTER TABLE email_outbox DROP CONSTRAINT IF EXISTS email_outbox_status_check;
ALTER TABLE email_outbox ALTER COLUMN status TYPE VARCHAR(12);
ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unconfirmed'));
CREATE INDEX idx_email_outbox_org ON email_outbox (organization_id, id);

-- Integrations may reach loopback, link-local and private addresses only where the organization
-- allows it (a provider inside its own network).
ALTER TABLE organizations ADD COLUMN allow_private_providers BOOLEAN NOT NULL DEFAULT FALSE;
