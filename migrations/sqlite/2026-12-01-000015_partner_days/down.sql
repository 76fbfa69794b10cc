DROP TABLE partner_days;
DROP INDEX idx_contracts_org_status_expiration;
