DROP INDEX idx_commissions_org_user;
DROP INDEX idx_commissions_org_created;
CREATE INDEX idx_commissions_org_user ON commissions (organization_id, user_id, created_at);
CREATE INDEX idx_commissions_org_created ON commissions (organization_id, created_at);
DROP INDEX idx_clients_org_creator_purchase;
DROP INDEX idx_payments_org_owner;
ALTER TABLE payments DROP COLUMN owner_id;
