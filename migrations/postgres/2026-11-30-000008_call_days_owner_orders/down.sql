DROP INDEX idx_deals_org_creator_date;
DROP INDEX idx_deals_org_creator_amount;
DROP TABLE call_days;
