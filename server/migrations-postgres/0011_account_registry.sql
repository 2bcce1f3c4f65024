-- PostgreSQL twin of migrations/0011_account_registry.sql: the same schema, its triggers in PL/pgSQL.
-- The registry of official accounts: the district office confirms each receiving account of a school
-- (who and when) before any QR shows it to parents. A changed account name voids the confirmation.
-- Accounts that existed before the registry start unconfirmed: the office confirms them once.
ALTER TABLE beneficiary_account ADD COLUMN confirmed_at BIGINT;
ALTER TABLE beneficiary_account ADD COLUMN confirmed_by BIGINT REFERENCES staff(id);
