CREATE TABLE invoices_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    payment_id BIGINT NOT NULL UNIQUE REFERENCES payments(id) ON DELETE CASCADE,
    invoice_number VARCHAR(30) NOT NULL,
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
INSERT INTO invoices_old SELECT id, public_id, organization_id, payment_id,
    COALESCE(invoice_number, 'DRAFT-' || id), amount_minor, tax_rate_bp, tax_minor, total_minor,
    currency, status, file_path, issued_at, created_at, updated_at FROM invoices;
DROP TABLE invoices;
ALTER TABLE invoices_old RENAME TO invoices;
CREATE INDEX idx_invoices_org_status ON invoices (organization_id, status, created_at);
CREATE INDEX idx_invoices_org_id ON invoices (organization_id, id);
CREATE INDEX idx_invoices_org_status_id ON invoices (organization_id, status, id);
