-- A payment changes what its invoices show as paid, so the REST list of
-- invoices shows them again. The ledger used to number each such invoice as
-- changed (its row rewritten, its change index moved); each allocation now
-- carries its own change number and time instead, written with the row, and
-- the list reads an invoice's changes from both (`invoices::changes`). The
-- school is copied from the invoice so that the list pages by (school, change
-- number) here too, and by (school, time) for a first "changed since" page, as
-- the invoices' own (0031). Allocations made before keep 0: their invoices
-- were numbered as changed then.
ALTER TABLE payment_allocation ADD COLUMN school_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_allocation ADD COLUMN change_no BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_allocation ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE payment_allocation a SET school_id = i.school_id FROM invoice i WHERE i.id = a.invoice_id;
CREATE INDEX payment_allocation_school_change ON payment_allocation (school_id, change_no);
CREATE INDEX payment_allocation_school_updated ON payment_allocation (school_id, updated_at);
-- The list asks, for each invoice it passes, whether a later allocation
-- exists: answered from the index alone when it holds the change number.
DROP INDEX payment_allocation_invoice;
CREATE INDEX payment_allocation_invoice ON payment_allocation (invoice_id, change_no);
