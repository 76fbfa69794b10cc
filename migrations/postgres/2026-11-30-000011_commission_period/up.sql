-- A period's commissions (the sales dashboard's commission so far, statements) walk the
-- organization's commissions by creation time.
CREATE INDEX idx_commissions_org_created ON commissions (organization_id, created_at);
