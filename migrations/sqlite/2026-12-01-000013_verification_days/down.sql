DROP TABLE decision_waits;
DROP TABLE verification_days;
DROP INDEX idx_payments_org_verified;
