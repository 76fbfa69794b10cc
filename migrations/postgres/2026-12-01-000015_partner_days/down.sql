DROP TABLE partner_counts;
DROP INDEX idx_webhook_events_org_received;
DROP INDEX idx_webhook_events_due;
ALTER TABLE webhook_events DROP COLUMN provider_config_id;
ALTER TABLE webhook_events DROP COLUMN next_attempt_at;
ALTER TABLE webhook_events DROP COLUMN attempts;
DROP TABLE partner_days;
DROP INDEX idx_contracts_org_status_expiration;
