DROP INDEX idx_invoices_org_id;
