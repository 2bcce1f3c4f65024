-- PostgreSQL twin of migrations/0006_declined_lines.sql: the same schema, its triggers in PL/pgSQL.
-- Voluntary fees a parent declined before paying: kept on the invoice, not in its total.
ALTER TABLE invoice_line ADD COLUMN declined BIGINT NOT NULL DEFAULT 0;
