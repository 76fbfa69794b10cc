-- A payment is seen by whoever sees its deal, that is by its deal's owner (a deal never changes
-- owner). Kept on the payment, the owner lets a salesperson's latest payments walk one index in
-- order instead of every payment of their deals.
ALTER TABLE payments ADD COLUMN owner_id BIGINT NOT NULL DEFAULT 0;
UPDATE payments SET owner_id = (SELECT deals.created_by_id FROM deals WHERE deals.id = payments.deal_id);
CREATE INDEX idx_payments_org_owner ON payments (organization_id, owner_id, id);

-- A salesperson's top clients: their clients by purchase total, read in order.
CREATE INDEX idx_clients_org_creator_purchase ON clients (organization_id, created_by_id, purchase_total_minor);

-- A period's commissions add up by status from the index alone (the sales dashboard's
-- commission so far, the statements' totals): the organization's, and one person's.
DROP INDEX idx_commissions_org_created;
DROP INDEX idx_commissions_org_user;
CREATE INDEX idx_commissions_org_created ON commissions (organization_id, created_at, user_id,
    status, converted_minor, bonus_minor, penalty_minor, final_minor);
CREATE INDEX idx_commissions_org_user ON commissions (organization_id, user_id, created_at,
    status, converted_minor, bonus_minor, penalty_minor, final_minor);
