-- The invoices list walks an organization's invoices newest first.
CREATE INDEX idx_invoices_org_id ON invoices (organization_id, id);
