ALTER TABLE organizations DROP COLUMN allow_private_providers;
CREATE TABLE email_outbox_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    to_address VARCHAR(254) NOT NULL,
    subject VARCHAR(200) NOT NULL,
    body TEXT NOT NULL,
    status VARCHAR(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at TEXT,
    next_attempt_at TIMESTAMP
);
INSERT INTO email_outbox_old (id, organization_id, to_address, subject, body, status, attempts,
    last_error, created_at, sent_at, next_attempt_at)
SELECT id, organization_id, to_address, subject, body,
    CASE status WHEN 'sending' THEN 'pending' WHEN 'unconfirmed' THEN 'failed' ELSE status END,
    attempts, last_error, created_at, sent_at, next_attempt_at FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_old RENAME TO email_outbox;
CREATE INDEX idx_email_outbox_status ON email_outbox (status, id);
