-- Separation of duties on a school's receiving accounts: the person who adds an account (or renames
-- it, which needs confirming again) cannot confirm it; the school or its office can suspend one
-- (a pending one: reject), which takes it off every QR at once until the school saves it again and
-- someone else confirms it. Accounts from before this migration have no known adder.
ALTER TABLE beneficiary_account ADD COLUMN added_by BIGINT REFERENCES staff(id);
ALTER TABLE beneficiary_account ADD COLUMN suspended_at BIGINT;
ALTER TABLE beneficiary_account ADD COLUMN suspended_by BIGINT REFERENCES staff(id);
ALTER TABLE beneficiary_account ADD COLUMN suspend_reason TEXT;
