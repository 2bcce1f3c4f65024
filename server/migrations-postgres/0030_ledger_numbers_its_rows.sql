-- Payments and receipts the ledger writes come with their change numbers and
-- time (`change_numbers::take`, a batch's numbers in one statement); the insert
-- triggers number only the rows that come without (change_no still 0): one
-- counter update a row fewer.
DROP TRIGGER payment_touch_insert ON payment;
CREATE TRIGGER payment_touch_insert BEFORE INSERT ON payment
    FOR EACH ROW WHEN (NEW.change_no = 0) EXECUTE FUNCTION touch_row();
DROP TRIGGER receipt_touch_insert ON receipt;
CREATE TRIGGER receipt_touch_insert BEFORE INSERT ON receipt
    FOR EACH ROW WHEN (NEW.change_no = 0) EXECUTE FUNCTION touch_row();
