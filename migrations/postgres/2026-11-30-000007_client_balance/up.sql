-- A client's balance over its open deals, kept by the one recomputation (src/sales/balance.rs)
-- in the transaction of every payment or deal change, so lists filter and sort on it without
-- adding up deals per row.
ALTER TABLE clients ADD COLUMN outstanding_minor BIGINT NOT NULL DEFAULT 0
    CHECK (outstanding_minor >= 0);
ALTER TABLE clients ADD COLUMN balance_status VARCHAR(20) NOT NULL DEFAULT 'clear'
    CHECK (balance_status IN ('clear', 'pending', 'bad_debt'));
UPDATE clients SET outstanding_minor = COALESCE((
    SELECT SUM(d.amount_minor - d.paid_minor) FROM deals d
    WHERE d.client_id = clients.id AND d.status <> 'cancelled'), 0);
UPDATE clients SET balance_status = 'pending' WHERE outstanding_minor > 0;
CREATE INDEX idx_clients_org_balance ON clients (organization_id, balance_status, name);
CREATE INDEX idx_payments_org_deal_status ON payments (organization_id, deal_id, status);
