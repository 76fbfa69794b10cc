DROP INDEX idx_invoices_org_status_id;
DROP INDEX idx_invoices_org_id;
