DROP TABLE sales_owner_stats;
DROP TABLE sales_days;
DROP INDEX idx_payments_org_date;
ALTER TABLE payments DROP COLUMN counted_minor;
DROP INDEX idx_payments_org_deal_status;
DROP INDEX idx_clients_org_balance;
ALTER TABLE clients DROP COLUMN balance_status;
ALTER TABLE clients DROP COLUMN outstanding_minor;
