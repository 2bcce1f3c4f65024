-- Lists for school software page by a change number, not by the second of the change: one counter
-- for the whole database, bumped by the triggers that mark a change, so every change gets a number
-- larger than any before it. SQLite commits writes one at a time, so numbers are committed in order
-- and a sync that resumes after the last number it saw can never miss a change (two changes in the
-- same second, or a clock set back, could slip past a cursor made of seconds).
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);

ALTER TABLE student ADD COLUMN change_no BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoice ADD COLUMN change_no BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment ADD COLUMN change_no BIGINT NOT NULL DEFAULT 0;
ALTER TABLE receipt ADD COLUMN change_no BIGINT NOT NULL DEFAULT 0;

-- Existing rows, numbered in the order they last changed.
UPDATE student SET change_no = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY updated_at, id) AS n FROM student) r WHERE r.id = student.id;
UPDATE invoice SET change_no = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY updated_at, id) AS n FROM invoice) r WHERE r.id = invoice.id;
UPDATE payment SET change_no = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY updated_at, id) AS n FROM payment) r WHERE r.id = payment.id;
UPDATE receipt SET change_no = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY updated_at, id) AS n FROM receipt) r WHERE r.id = receipt.id;
INSERT INTO change_counter (id, n) VALUES (1, (SELECT MAX(m) FROM (
    SELECT COUNT(*) AS m FROM student UNION ALL SELECT COUNT(*) FROM invoice
    UNION ALL SELECT COUNT(*) FROM payment UNION ALL SELECT COUNT(*) FROM receipt)));

CREATE INDEX student_school_change ON student (school_id, change_no);
CREATE INDEX invoice_school_change ON invoice (school_id, change_no);
CREATE INDEX payment_school_change ON payment (school_id, change_no);
CREATE INDEX receipt_school_change ON receipt (school_id, change_no);

-- The touches of 0016 and 0017, now also numbering the change.
DROP TRIGGER student_touch_insert;
DROP TRIGGER student_touch_update;
DROP TRIGGER enrolment_touch;
DROP TRIGGER enrolment_touch_move;
DROP TRIGGER invoice_touch_insert;
DROP TRIGGER invoice_touch_update;
DROP TRIGGER payment_touch_insert;
DROP TRIGGER payment_touch_update;
DROP TRIGGER allocation_touch_insert;
DROP TRIGGER allocation_touch_delete;
DROP TRIGGER receipt_touch_insert;
DROP TRIGGER receipt_touch_cancel;

CREATE TRIGGER student_touch_insert AFTER INSERT ON student
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE student SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER student_touch_update AFTER UPDATE OF code, full_name, date_of_birth, left_on, erased_at ON student
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE student SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER enrolment_touch AFTER INSERT ON enrolment
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE student SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.student_id;
END;
CREATE TRIGGER enrolment_touch_move AFTER UPDATE OF class_id ON enrolment
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE student SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.student_id;
END;
CREATE TRIGGER invoice_touch_insert AFTER INSERT ON invoice
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE invoice SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER invoice_touch_update AFTER UPDATE OF total, voided_at, due_on ON invoice
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE invoice SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER payment_touch_insert AFTER INSERT ON payment
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER payment_touch_update AFTER UPDATE OF method, outcome ON payment
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER allocation_touch_insert AFTER INSERT ON payment_allocation
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE invoice SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.invoice_id;
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.payment_id;
END;
CREATE TRIGGER allocation_touch_delete AFTER DELETE ON payment_allocation
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE invoice SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = OLD.invoice_id;
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = OLD.payment_id;
END;
CREATE TRIGGER receipt_touch_insert AFTER INSERT ON receipt
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE receipt SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER receipt_touch_cancel AFTER UPDATE OF cancelled_at, replaced_by ON receipt
BEGIN
    UPDATE change_counter SET n = n + 1 WHERE id = 1;
    UPDATE receipt SET updated_at = CAST(strftime('%s', 'now') AS INTEGER),
        change_no = (SELECT n FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
