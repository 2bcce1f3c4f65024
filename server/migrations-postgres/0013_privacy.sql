-- PostgreSQL twin of migrations/0013_privacy.sql: the same schema, its triggers in PL/pgSQL.
-- Children's data (Decree 13/2023): a student's personal data can be erased on a parent's request, and
-- is anonymised a period after the student left (each school sets it). What accounting rules require
-- stays: invoices, payments and signed receipts.
ALTER TABLE student ADD COLUMN erased_at BIGINT;
ALTER TABLE school ADD COLUMN anonymise_after_days BIGINT NOT NULL DEFAULT 365
    CHECK (anonymise_after_days BETWEEN 30 AND 3650);
