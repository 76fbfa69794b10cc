-- E-mail: a message a sender holds is `sending`; one whose delivery cannot be confirmed (the server
-- answered after the timeout, or the sender stopped mid-send) is `unconfirmed` and waits for an
-- administrator's resend instead of going out twice. SQLite changes a CHECK by rebuilding the
-- table. The outbox page lists an organization's messages newest first.
CREATE TABLE email_outbox_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    to_address VARCHAR(254) NOT NULL,
    subject VARCHAR(200) NOT NULL,
    body TEXT NOT NULL,
    status VARCHAR(12) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unconfirmed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at TEXT,
    next_attempt_at TIMESTAMP
);
INSERT INTO email_outbox_new (id, organization_id, to_address, subject, body, status, attempts,
    last_error, created_at, sent_at, next_attempt_at)
SELECT id, organization_id, to_address, subject, body, status, attempts, last_error, created_at,
    sent_at, next_attempt_at FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_new RENAME TO email_outbox;
CREATE INDEX idx_email_outbox_status ON email_outbox (status, id);
CREATE INDEX idx_email_outbox_org ON email_outbox (organization_id, id);

-- Integrations may reach loopback, link-local and private addresses only where the organization
-- allows it (a provider inside its own network).
ALTER TABLE organizations ADD COLUMN allow_private_providers BOOLEAN NOT NULL DEFAULT 0;
