DROP INDEX idx_clients_org_creator_purchase;
DROP INDEX idx_payments_org_owner;
ALTER TABLE payments DROP COLUMN owner_id;
