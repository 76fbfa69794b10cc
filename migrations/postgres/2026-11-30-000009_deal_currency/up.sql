-- A deal may be in another currency than the organization's, at a rate to it (× 10⁴). What a
-- deal and each payment count for in the organization's currency is kept beside them by the
-- recomputation (src/sales/balance), rounded once there, so that balances, rollups, the
-- platform's revenue and the amount order add up one currency and never convert in SQL.
ALTER TABLE deals ADD COLUMN exchange_rate_e4 BIGINT NOT NULL DEFAULT 10000
    CHECK (exchange_rate_e4 > 0);
ALTER TABLE deals ADD COLUMN amount_org_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deals ADD COLUMN paid_org_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN counted_org_minor BIGINT NOT NULL DEFAULT 0;
UPDATE deals SET amount_org_minor = amount_minor, paid_org_minor = paid_minor;
UPDATE payments SET counted_org_minor = counted_minor;

DROP INDEX idx_deals_org_amount;
DROP INDEX idx_deals_org_creator_amount;
CREATE INDEX idx_deals_org_amount ON deals (organization_id, amount_org_minor, id);
CREATE INDEX idx_deals_org_creator_amount ON deals (organization_id, created_by_id, amount_org_minor, id);

-- The platform's verified revenue: what verified payments count for in their organization's
-- currency.
CREATE OR REPLACE FUNCTION organization_stats_payments() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'verified' THEN
        UPDATE organization_stats SET verified_revenue_minor = verified_revenue_minor
            - OLD.counted_org_minor
        WHERE organization_id = OLD.organization_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'verified' THEN
        UPDATE organization_stats SET verified_revenue_minor = verified_revenue_minor
            + NEW.counted_org_minor
        WHERE organization_id = NEW.organization_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER payments_stats ON payments;
CREATE TRIGGER payments_stats
    AFTER INSERT OR DELETE OR UPDATE OF status, counted_org_minor ON payments
    FOR EACH ROW EXECUTE FUNCTION organization_stats_payments();
UPDATE organization_stats SET verified_revenue_minor = COALESCE((
    SELECT SUM(p.counted_org_minor) FROM payments p
    WHERE p.organization_id = organization_stats.organization_id AND p.status = 'verified'), 0);
