-- Whether the amounts an organization records include tax is its explicit choice, by default they
-- do: an invoice for money received takes the tax out of it rather than adding tax on top. Each
-- invoice keeps the rule it was made under, so changing the setting never rewrites an issued one;
-- invoices made before this choice existed added tax on top, and say so.
ALTER TABLE organizations ADD COLUMN prices_include_tax BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE invoices ADD COLUMN tax_included BOOLEAN NOT NULL DEFAULT 0;
