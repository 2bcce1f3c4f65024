-- Payments and receipts the ledger writes come with their change numbers and
-- time (`change_numbers::take`, a batch's numbers in one statement); the insert
-- triggers number only the rows that come without (change_no still 0). Each
-- trigger run cost two more writes a row, the counter's and the row's own:
-- about 1 s of a 100,000-line statement.
DROP TRIGGER payment_touch_insert;
CREATE TRIGGER payment_touch_insert AFTER INSERT ON payment WHEN NEW.change_no = 0
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
DROP TRIGGER receipt_touch_insert;
CREATE TRIGGER receipt_touch_insert AFTER INSERT ON receipt WHEN NEW.change_no = 0
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE receipt SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
