-- What the admin and platform areas need beyond the core schema: per-organization figures kept
-- by triggers (so the platform page never counts whole tables), the audit chain's verification
-- checkpoint, and an index for filtering the audit log by entity type in id order.

CREATE TABLE organization_stats (
    organization_id BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    users_total BIGINT NOT NULL DEFAULT 0,
    users_active BIGINT NOT NULL DEFAULT 0,
    deals_total BIGINT NOT NULL DEFAULT 0,
    -- verified payments converted to the organization currency, minor units
    verified_revenue_minor BIGINT NOT NULL DEFAULT 0,
    calls_total BIGINT NOT NULL DEFAULT 0,
    calls_completed BIGINT NOT NULL DEFAULT 0,
    calls_no_show BIGINT NOT NULL DEFAULT 0,
    calls_won BIGINT NOT NULL DEFAULT 0
);

INSERT INTO organization_stats (organization_id, users_total, users_active, deals_total,
    verified_revenue_minor, calls_total, calls_completed, calls_no_show, calls_won)
SELECT o.id,
    (SELECT COUNT(*) FROM users u WHERE u.organization_id = o.id),
    (SELECT COUNT(*) FROM users u WHERE u.organization_id = o.id AND u.is_active),
    (SELECT COUNT(*) FROM deals d WHERE d.organization_id = o.id),
    (SELECT COALESCE(SUM((p.amount_minor * p.exchange_rate_e4 + 5000) / 10000), 0)
        FROM payments p WHERE p.organization_id = o.id AND p.status = 'verified'),
    (SELECT COUNT(*) FROM calls c WHERE c.organization_id = o.id),
    (SELECT COUNT(*) FROM calls c WHERE c.organization_id = o.id AND c.status = 'completed'),
    (SELECT COUNT(*) FROM calls c WHERE c.organization_id = o.id AND c.status = 'no_show'),
    (SELECT COUNT(*) FROM calls c WHERE c.organization_id = o.id AND c.outcome = 'won')
FROM organizations o;

CREATE TRIGGER organizations_stats AFTER INSERT ON organizations BEGIN
    INSERT INTO organization_stats (organization_id) VALUES (NEW.id);
END;

CREATE TRIGGER users_stats_insert AFTER INSERT ON users WHEN NEW.organization_id IS NOT NULL BEGIN
    UPDATE organization_stats SET users_total = users_total + 1,
        users_active = users_active + (CASE WHEN NEW.is_active THEN 1 ELSE 0 END)
    WHERE organization_id = NEW.organization_id;
END;
CREATE TRIGGER users_stats_delete AFTER DELETE ON users WHEN OLD.organization_id IS NOT NULL BEGIN
    UPDATE organization_stats SET users_total = users_total - 1,
        users_active = users_active - (CASE WHEN OLD.is_active THEN 1 ELSE 0 END)
    WHERE organization_id = OLD.organization_id;
END;
CREATE TRIGGER users_stats_update AFTER UPDATE OF organization_id, is_active ON users BEGIN
    UPDATE organization_stats SET users_total = users_total - 1,
        users_active = users_active - (CASE WHEN OLD.is_active THEN 1 ELSE 0 END)
    WHERE organization_id = OLD.organization_id;
    UPDATE organization_stats SET users_total = users_total + 1,
        users_active = users_active + (CASE WHEN NEW.is_active THEN 1 ELSE 0 END)
    WHERE organization_id = NEW.organization_id;
END;

CREATE TRIGGER deals_stats_insert AFTER INSERT ON deals BEGIN
    UPDATE organization_stats SET deals_total = deals_total + 1
    WHERE organization_id = NEW.organization_id;
END;
CREATE TRIGGER deals_stats_delete AFTER DELETE ON deals BEGIN
    UPDATE organization_stats SET deals_total = deals_total - 1
    WHERE organization_id = OLD.organization_id;
END;

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

CREATE TRIGGER calls_stats_insert AFTER INSERT ON calls BEGIN
    UPDATE organization_stats SET calls_total = calls_total + 1,
        calls_completed = calls_completed + (NEW.status = 'completed'),
        calls_no_show = calls_no_show + (NEW.status = 'no_show'),
        calls_won = calls_won + (COALESCE(NEW.outcome, '') = 'won')
    WHERE organization_id = NEW.organization_id;
END;
CREATE TRIGGER calls_stats_delete AFTER DELETE ON calls BEGIN
    UPDATE organization_stats SET calls_total = calls_total - 1,
        calls_completed = calls_completed - (OLD.status = 'completed'),
        calls_no_show = calls_no_show - (OLD.status = 'no_show'),
        calls_won = calls_won - (COALESCE(OLD.outcome, '') = 'won')
    WHERE organization_id = OLD.organization_id;
END;
CREATE TRIGGER calls_stats_update AFTER UPDATE OF status, outcome ON calls BEGIN
    UPDATE organization_stats SET
        calls_completed = calls_completed - (OLD.status = 'completed') + (NEW.status = 'completed'),
        calls_no_show = calls_no_show - (OLD.status = 'no_show') + (NEW.status = 'no_show'),
        calls_won = calls_won - (COALESCE(OLD.outcome, '') = 'won')
            + (COALESCE(NEW.outcome, '') = 'won')
    WHERE organization_id = NEW.organization_id;
END;

-- How far each audit chain has been verified: later checks continue from here instead of
-- re-reading the whole chain on every visit of the audit page.
CREATE TABLE audit_verifications (
    chain_key BIGINT PRIMARY KEY,
    verified_through_id BIGINT NOT NULL DEFAULT 0,
    verified_hash CHAR(64) NOT NULL,
    verified_entries BIGINT NOT NULL DEFAULT 0,
    -- the first row whose link or content did not match; NULL while the chain is intact
    broken_at_id BIGINT,
    head_mismatch BOOLEAN NOT NULL DEFAULT FALSE,
    last_full_check_at TEXT,
    checked_at TEXT NOT NULL
);

CREATE INDEX idx_audit_org_entity_type_id ON audit_log (organization_id, entity_type, id);
CREATE INDEX idx_loss_reasons_org_active ON loss_reasons (organization_id, is_active, name);
CREATE INDEX idx_users_org_email ON users (organization_id, email);
CREATE INDEX idx_users_org_created ON users (organization_id, created_at, id);
CREATE INDEX idx_users_org_name_id ON users (organization_id, last_name, first_name, id);
