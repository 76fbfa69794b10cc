-- Orders the lists offer by clicking a column: each walks an index from the cursor (keyset), so
-- a deep page costs what the first does. A salesperson's payments by date and amount; the
-- verifier's queue (a status) by date and amount.
CREATE INDEX idx_payments_org_creator_date ON payments (organization_id, created_by_id, payment_date, id);
CREATE INDEX idx_payments_org_creator_amount ON payments (organization_id, created_by_id, amount_minor, id);
CREATE INDEX idx_payments_org_status_date ON payments (organization_id, status, payment_date, id);
CREATE INDEX idx_payments_org_status_amount ON payments (organization_id, status, amount_minor, id);
-- A search matches a payment's reference whole: an index each, so that a search is index
-- lookups joined by OR, not a pass over the payments.
CREATE INDEX idx_payments_org_bank_reference ON payments (organization_id, bank_reference);
CREATE INDEX idx_payments_org_cheque ON payments (organization_id, cheque_number);
