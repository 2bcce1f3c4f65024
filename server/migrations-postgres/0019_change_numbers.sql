-- PostgreSQL twin of migrations/0019_change_numbers.sql: the same schema, its triggers in PL/pgSQL.
-- Lists for school software page by a change number, not by the second of the change: one counter
-- for the whole database, bumped by the triggers that mark a change, so every change gets a number
-- larger than any before it. SQLite commits writes one at a time, so numbers are committed in order
-- and a sync that resumes after the last number it saw can never miss a change (two changes in the
-- same second, or a clock set back, could slip past a cursor made of seconds).
CREATE TABLE change_counter (
    id BIGINT PRIMARY KEY CHECK (id = 1),
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
    UNION ALL SELECT COUNT(*) FROM payment UNION ALL SELECT COUNT(*) FROM receipt) AS counts));

CREATE INDEX student_school_change ON student (school_id, change_no);
CREATE INDEX invoice_school_change ON invoice (school_id, change_no);
CREATE INDEX payment_school_change ON payment (school_id, change_no);
CREATE INDEX receipt_school_change ON receipt (school_id, change_no);

-- The touches of 0016 and 0017, now also numbering the change.

-- The next change number. The counter's row stays locked until the transaction ends, so numbers
-- are committed in order on PostgreSQL too (writers that change these tables take turns, as they
-- do on SQLite).
CREATE FUNCTION next_change() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    UPDATE change_counter SET n = n + 1 WHERE id = 1 RETURNING n
$$;

-- A row that changed carries the time and number of its change (set before it is written,
-- where SQLite updates it again after).
CREATE FUNCTION touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := epoch_now();
    NEW.change_no := next_change();
    RETURN NEW;
END $$;
CREATE TRIGGER student_touch_insert BEFORE INSERT ON student
    FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TRIGGER student_touch_update BEFORE UPDATE OF code, full_name, date_of_birth, left_on, erased_at ON student
    FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TRIGGER invoice_touch_insert BEFORE INSERT ON invoice
    FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TRIGGER invoice_touch_update BEFORE UPDATE OF total, voided_at, due_on ON invoice
    FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TRIGGER payment_touch_insert BEFORE INSERT ON payment
    FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TRIGGER payment_touch_update BEFORE UPDATE OF method, outcome ON payment
    FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TRIGGER receipt_touch_insert BEFORE INSERT ON receipt
    FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TRIGGER receipt_touch_cancel BEFORE UPDATE OF cancelled_at, replaced_by ON receipt
    FOR EACH ROW EXECUTE FUNCTION touch_row();

-- A class change is a change of the student.
CREATE FUNCTION enrolment_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE student SET updated_at = epoch_now(), change_no = next_change() WHERE id = NEW.student_id;
    RETURN NULL;
END $$;
CREATE TRIGGER enrolment_touch AFTER INSERT ON enrolment
    FOR EACH ROW EXECUTE FUNCTION enrolment_touch();
CREATE TRIGGER enrolment_touch_move AFTER UPDATE OF class_id ON enrolment
    FOR EACH ROW EXECUTE FUNCTION enrolment_touch();

-- What was paid on an invoice changes both the invoice and the payment, under one number.
CREATE FUNCTION allocation_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed payment_allocation := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    n bigint := next_change();
BEGIN
    UPDATE invoice SET updated_at = epoch_now(), change_no = n WHERE id = changed.invoice_id;
    UPDATE payment SET updated_at = epoch_now(), change_no = n WHERE id = changed.payment_id;
    RETURN NULL;
END $$;
CREATE TRIGGER allocation_touch_insert AFTER INSERT ON payment_allocation
    FOR EACH ROW EXECUTE FUNCTION allocation_touch();
CREATE TRIGGER allocation_touch_delete AFTER DELETE ON payment_allocation
    FOR EACH ROW EXECUTE FUNCTION allocation_touch();
