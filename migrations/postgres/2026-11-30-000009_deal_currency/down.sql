CREATE OR REPLACE FUNCTION organization_stats_payments() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'verified' THEN
        UPDATE organization_stats SET verified_revenue_minor = verified_revenue_minor
            - (OLD.amount_minor * OLD.exchange_rate_e4 + 5000) / 10000
        WHERE organization_id = OLD.organization_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'verified' THEN
        UPDATE organization_stats SET verified_revenue_minor = verified_revenue_minor
            + (NEW.amount_minor * NEW.exchange_rate_e4 + 5000) / 10000
        WHERE organization_id = NEW.organization_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER payments_stats ON payments;
CREATE TRIGGER payments_stats
    AFTER INSERT OR DELETE OR UPDATE OF status, amount_minor, exchange_rate_e4 ON payments
    FOR EACH ROW EXECUTE FUNCTION organization_stats_payments();
DROP INDEX idx_deals_org_creator_amount;
DROP INDEX idx_deals_org_amount;
CREATE INDEX idx_deals_org_amount ON deals (organization_id, amount_minor, id);
CREATE INDEX idx_deals_org_creator_amount ON deals (organization_id, created_by_id, amount_minor, id);
ALTER TABLE payments DROP COLUMN counted_org_minor;
ALTER TABLE deals DROP COLUMN paid_org_minor;
ALTER TABLE deals DROP COLUMN amount_org_minor;
ALTER TABLE deals DROP COLUMN exchange_rate_e4;
