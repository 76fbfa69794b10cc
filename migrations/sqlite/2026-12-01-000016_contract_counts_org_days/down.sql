DROP TABLE partner_org_days;
CREATE TABLE partner_counts_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    partner_id BIGINT NOT NULL DEFAULT 0,
    distributor_id BIGINT NOT NULL DEFAULT 0,
    kind VARCHAR(10) NOT NULL CHECK (kind IN ('lead', 'order')),
    status VARCHAR(20) NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, partner_id, distributor_id, kind, status)
);
INSERT INTO partner_counts_old (id, organization_id, partner_id, distributor_id, kind, status, total)
SELECT id, organization_id, partner_id, distributor_id, kind, status, total FROM partner_counts
WHERE kind <> 'contract';
DROP TABLE partner_counts;
ALTER TABLE partner_counts_old RENAME TO partner_counts;
