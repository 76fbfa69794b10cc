-- An invoice takes its number when it is issued (its payment verified), not when its payment is
-- recorded: a pending payment can be deleted and a rejected one is never billed, so numbering at
-- recording left holes in the sequence. Until it is issued an invoice is a draft without a number.
-- Drafts already numbered keep their numbers.
ALTER TABLE invoices ALTER COLUMN invoice_number DROP NOT NULL;
