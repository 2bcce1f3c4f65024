-- Failed lookups, sign-ins and API calls counted in the database, not in one process's memory, so
-- the limits hold however many hocphi processes share the database. Rows older than a day are swept.
CREATE TABLE rate_failure (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX rate_failure_key_at ON rate_failure (key, at);
CREATE INDEX rate_failure_at ON rate_failure (at);
