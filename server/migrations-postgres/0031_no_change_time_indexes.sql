-- SQLite drops its three (school, updated_at) indexes here: its planner never
-- used them. PostgreSQL keeps them: knowing the values, it uses them for the
-- first page of a "changed since" list (0.7 ms instead of 80 ms for a school of
-- 200,000 invoices). Nothing changes; the number keeps both lists in step.
SELECT 1;
