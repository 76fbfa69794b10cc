ALTER TABLE invoices DROP COLUMN tax_included;
ALTER TABLE organizations DROP COLUMN prices_include_tax;
