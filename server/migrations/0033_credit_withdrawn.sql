-- When a credit given by mistake was withdrawn (its rest set to nothing).
-- Voiding an invoice gives back what it took off credits, but never to a
-- withdrawn one: without this mark, "used up" and "withdrawn" both read as
-- nothing left, and a withdrawn credit came back.
ALTER TABLE credit ADD COLUMN withdrawn_at BIGINT;
