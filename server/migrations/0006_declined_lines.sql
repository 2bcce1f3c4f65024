-- Voluntary fees a parent declined before paying: kept on the invoice, not in its total.
ALTER TABLE invoice_line ADD COLUMN declined INTEGER NOT NULL DEFAULT 0;
