-- An invoice takes its number when it is issued (its payment verified), not when its payment is
-- recorded: a pending payment can be deleted and a rejected one is never billed, so numbering at
-- recording left holes in the sequence. Until it is issued an invoice is a draft without a number.
-- Drafts already numbered keep their numbers. SQLite drops a NOT NULL by rebuilding the table.
CREATE TABLE invoices_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    payment_id BIGINT NOT NULL UNIQUE REFERENCES payments(id) ON DELETE CASCADE,
    invoice_number VARCHAR(30),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_minor BIGINT NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor BIGINT NOT NULL CHECK (total_minor >= 0),
    currency CHAR(3) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'issued', 'rejected', 'refunded', 'void')),
    file_path VARCHAR(200),
    issued_at TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, invoice_number)
);
INSERT INTO invoices_new SELECT * FROM invoices;
DROP TABLE invoices;
ALTER TABLE invoices_new RENAME TO invoices;
CREATE INDEX idx_invoices_org_status ON invoices (organization_id, status, created_at);
CREATE INDEX idx_invoices_org_id ON invoices (organization_id, id);
CREATE INDEX idx_invoices_org_status_id ON invoices (organization_id, status, id);
