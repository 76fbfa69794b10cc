-- Balances and rollups kept by the one recomputation (src/sales/balance) in the transaction of
-- every payment or deal change, so lists filter on them and dashboards read a few rows instead
-- of adding up deals and payments per request. First, a client's outstanding balance.
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

-- What each payment counts for on its deal, in the deal's currency (its amount, or the amount
-- received, converted at its rate): kept by the recomputation, so sums need no conversion.
ALTER TABLE payments ADD COLUMN counted_minor BIGINT NOT NULL DEFAULT 0 CHECK (counted_minor >= 0);
UPDATE payments SET counted_minor = COALESCE(received_amount_minor, amount_minor);
CREATE INDEX idx_payments_org_date ON payments (organization_id, payment_date);

-- Payments per deal owner and payment date, by status: the sales dashboard's figures and chart
-- read these few rows instead of the payments. Kept by the recomputation.
CREATE TABLE sales_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    verified_count BIGINT NOT NULL DEFAULT 0,
    verified_minor BIGINT NOT NULL DEFAULT 0,
    pending_count BIGINT NOT NULL DEFAULT 0,
    pending_minor BIGINT NOT NULL DEFAULT 0,
    rejected_count BIGINT NOT NULL DEFAULT 0,
    rejected_minor BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, user_id, day)
);
CREATE INDEX idx_sales_days_org_day ON sales_days (organization_id, day);
INSERT INTO sales_days (organization_id, user_id, day, verified_count, verified_minor,
    pending_count, pending_minor, rejected_count, rejected_minor)
SELECT p.organization_id, d.created_by_id, p.payment_date,
    SUM(CASE WHEN p.status = 'verified' THEN 1 ELSE 0 END),
    SUM(CASE WHEN p.status = 'verified' THEN p.counted_minor ELSE 0 END),
    SUM(CASE WHEN p.status = 'pending' THEN 1 ELSE 0 END),
    SUM(CASE WHEN p.status = 'pending' THEN p.counted_minor ELSE 0 END),
    SUM(CASE WHEN p.status = 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN p.status = 'rejected' THEN p.counted_minor ELSE 0 END)
FROM payments p JOIN deals d ON d.id = p.deal_id
GROUP BY p.organization_id, d.created_by_id, p.payment_date;

-- Each deal owner's open deals and payments waiting for a verifier, right now.
CREATE TABLE sales_owner_stats (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    open_deals BIGINT NOT NULL DEFAULT 0,
    outstanding_minor BIGINT NOT NULL DEFAULT 0,
    pending_payments BIGINT NOT NULL DEFAULT 0,
    pending_minor BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, user_id)
);
INSERT INTO sales_owner_stats (organization_id, user_id, open_deals, outstanding_minor)
SELECT d.organization_id, d.created_by_id, COUNT(*), SUM(d.amount_minor - d.paid_minor)
FROM deals d WHERE d.status IN ('pending', 'in_progress')
GROUP BY d.organization_id, d.created_by_id;

-- The deals list's other orders (amount, deal date) walk an index from the cursor, as the
-- newest-first order does; the call metrics read only an index.
CREATE INDEX idx_deals_org_amount ON deals (organization_id, amount_minor, id);
CREATE INDEX idx_deals_org_date ON deals (organization_id, deal_date, id);
CREATE INDEX idx_calls_org_metrics ON calls (organization_id, completed_at, user_id, status, outcome);
