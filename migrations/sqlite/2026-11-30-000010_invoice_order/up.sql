-- The invoices list walks an organization's invoices newest first, all of them or those of one
-- status.
CREATE INDEX idx_invoices_org_id ON invoices (organization_id, id);
CREATE INDEX idx_invoices_org_status_id ON invoices (organization_id, status, id);
