-- A payment changes what its invoices show as paid, so the REST list of
-- invoices shows them again. The ledger used to number each such invoice as
-- changed (its row rewritten, its change index moved): random writes all over
-- the invoice table, about 1.3 s of a 100,000-line statement. Each allocation
-- now carries its own change number and time instead, written with the row
-- (appended, in order), and the list reads an invoice's changes from both
-- (`invoices::changes`). The school is copied from the invoice so that the
-- list pages by (school, change number) here too; no REFERENCES, since SQLite
-- adds no referencing column with a default. Allocations made before keep 0:
-- their invoices were numbered as changed then.
ALTER TABLE payment_allocation ADD COLUMN school_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_allocation ADD COLUMN change_no BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_allocation ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE payment_allocation SET school_id = (SELECT school_id FROM invoice WHERE invoice.id = payment_allocation.invoice_id);
CREATE INDEX payment_allocation_school_change ON payment_allocation (school_id, change_no);
-- The list asks, for each invoice it passes, whether a later allocation
-- exists: answered from the index alone when it holds the change number.
DROP INDEX payment_allocation_invoice;
CREATE INDEX payment_allocation_invoice ON payment_allocation (invoice_id, change_no);
