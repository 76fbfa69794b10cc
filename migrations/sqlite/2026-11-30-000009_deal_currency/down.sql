DROP TRIGGER payments_stats_insert;
DROP TRIGGER payments_stats_delete;
DROP TRIGGER payments_stats_update;
CREATE TRIGGER payments_stats_insert AFTER INSERT ON payments WHEN NEW.status = 'verified' BEGIN
    UPDATE organization_stats SET verified_revenue_minor = verified_revenue_minor
        + (NEW.amount_minor * NEW.exchange_rate_e4 + 5000) / 10000
    WHERE organization_id = NEW.organization_id;
END;
CREATE TRIGGER payments_stats_delete AFTER DELETE ON payments WHEN OLD.status = 'verified' BEGIN
    UPDATE organization_stats SET verified_revenue_minor = verified_revenue_minor
        - (OLD.amount_minor * OLD.exchange_rate_e4 + 5000) / 10000
    WHERE organization_id = OLD.organization_id;
END;
CREATE TRIGGER payments_stats_update
    AFTER UPDATE OF status, amount_minor, exchange_rate_e4 ON payments BEGIN
    UPDATE organization_stats SET verified_revenue_minor = verified_revenue_minor
        - (CASE WHEN OLD.status = 'verified'
            THEN (OLD.amount_minor * OLD.exchange_rate_e4 + 5000) / 10000 ELSE 0 END)
        + (CASE WHEN NEW.status = 'verified'
            THEN (NEW.amount_minor * NEW.exchange_rate_e4 + 5000) / 10000 ELSE 0 END)
    WHERE organization_id = NEW.organization_id;
END;
DROP INDEX idx_deals_org_creator_amount;
DROP INDEX idx_deals_org_amount;
CREATE INDEX idx_deals_org_amount ON deals (organization_id, amount_minor, id);
CREATE INDEX idx_deals_org_creator_amount ON deals (organization_id, created_by_id, amount_minor, id);
ALTER TABLE payments DROP COLUMN counted_org_minor;
ALTER TABLE deals DROP COLUMN paid_org_minor;
ALTER TABLE deals DROP COLUMN amount_org_minor;
ALTER TABLE deals DROP COLUMN exchange_rate_e4;
