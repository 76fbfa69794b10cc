DROP TABLE partner_org_days;
DELETE FROM partner_counts WHERE kind = 'contract';
ALTER TABLE partner_counts DROP CONSTRAINT partner_counts_kind_check;
ALTER TABLE partner_counts ADD CONSTRAINT partner_counts_kind_check CHECK (kind IN ('lead', 'order'));
