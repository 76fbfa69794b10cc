-- The dashboard reads contracts per status from partner_counts like leads and orders, instead of
-- counting every active contract of the scope per request. SQLite cannot change a CHECK, so the
-- table is rebuilt with the wider one.
CREATE TABLE partner_counts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    partner_id BIGINT NOT NULL DEFAULT 0,
    distributor_id BIGINT NOT NULL DEFAULT 0,
    kind VARCHAR(10) NOT NULL CHECK (kind IN ('lead', 'order', 'contract')),
    status VARCHAR(20) NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, partner_id, distributor_id, kind, status)
);
INSERT INTO partner_counts_new (id, organization_id, partner_id, distributor_id, kind, status, total)
SELECT id, organization_id, partner_id, distributor_id, kind, status, total FROM partner_counts;
DROP TABLE partner_counts;
ALTER TABLE partner_counts_new RENAME TO partner_counts;
INSERT INTO partner_counts (organization_id, partner_id, distributor_id, kind, status, total)
SELECT organization_id, COALESCE(partner_id, 0), COALESCE(distributor_id, 0), 'contract', status, COUNT(*)
FROM contracts GROUP BY organization_id, COALESCE(partner_id, 0), COALESCE(distributor_id, 0), status;

-- Fulfilled orders per day of the whole organization, for staff, who see every partner: a year
-- against the year before is 731 rows instead of every partner's and distributor's days.
CREATE TABLE partner_org_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    orders BIGINT NOT NULL DEFAULT 0,
    revenue_minor BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, day)
);
INSERT INTO partner_org_days (organization_id, day, orders, revenue_minor)
SELECT organization_id, day, SUM(orders), SUM(revenue_minor)
FROM partner_days GROUP BY organization_id, day;
