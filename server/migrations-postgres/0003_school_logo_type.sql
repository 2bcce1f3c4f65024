-- PostgreSQL twin of migrations/0003_school_logo_type.sql: the same schema, its triggers in PL/pgSQL.
-- The logo's media type (image/png, image/jpeg or image/webp), set with the logo.
ALTER TABLE school ADD COLUMN logo_type TEXT;
