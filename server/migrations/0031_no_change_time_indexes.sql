-- Lists of changes page by (school, change number) since 0019, and SQLite's
-- planner (no statistics of values) picks that index for them even with a
-- "changed since" time; these three served no query and only cost the ledger
-- writes: each payment, each receipt and each invoice a payment touches
-- updated one of them. PostgreSQL keeps them (its 0031).
DROP INDEX invoice_school_updated;
DROP INDEX payment_school_updated;
DROP INDEX receipt_school_updated;
