UPDATE invoices SET invoice_number = 'DRAFT-' || id WHERE invoice_number IS NULL;
ALTER TABLE invoices ALTER COLUMN invoice_number SET NOT NULL;
