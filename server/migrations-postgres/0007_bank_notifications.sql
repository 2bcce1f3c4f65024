-- PostgreSQL twin of migrations/0007_bank_notifications.sql: the same schema, its triggers in PL/pgSQL.
-- Bank notifications: a per-school signing secret, and each payment's matching outcome.
CREATE TABLE bank_secret (
    school_id   BIGINT PRIMARY KEY REFERENCES school(id),
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- matched, partly_paid, overpaid (the excess became a credit), duplicate (the invoice was already paid),
-- unmatched (no code found: waits in the accountant's queue).
ALTER TABLE payment ADD COLUMN outcome TEXT NOT NULL DEFAULT 'matched';
-- The bank account that received it, as the bank reported it.
ALTER TABLE payment ADD COLUMN account TEXT;
