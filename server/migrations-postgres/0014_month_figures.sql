-- PostgreSQL twin of migrations/0014_month_figures.sql: the same schema, its triggers in PL/pgSQL.
-- A running monthly sum per school, kept by triggers on every write path (billing, payments from any
-- channel, hand matching, undo, voiding, a declined voluntary fee), so the district dashboard reads a
-- few thousand rows instead of millions of invoices. `method` '' carries the invoices issued and due;
-- a payment method's row carries what was paid that way towards the month's invoices (counted per
-- allocation: a transfer split across two invoices counts twice). Voided invoices count nowhere.
CREATE TABLE month_figure (
    school_id  BIGINT NOT NULL REFERENCES school(id),
    period     TEXT NOT NULL,
    method     TEXT NOT NULL,
    invoices   BIGINT NOT NULL DEFAULT 0,
    due        BIGINT NOT NULL DEFAULT 0,
    payments   BIGINT NOT NULL DEFAULT 0,
    paid       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (school_id, period, method)
);

INSERT INTO month_figure (school_id, period, method, invoices, due)
    SELECT school_id, period, '', COUNT(*), SUM(total) FROM invoice WHERE voided_at IS NULL GROUP BY school_id, period;
INSERT INTO month_figure (school_id, period, method, payments, paid)
    SELECT i.school_id, i.period, p.method, COUNT(*), SUM(a.amount)
    FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id JOIN payment p ON p.id = a.payment_id
    WHERE i.voided_at IS NULL GROUP BY i.school_id, i.period, p.method;



-- Voiding takes the invoice and everything paid towards it out of the month.




-- A payment recorded one way and corrected to another moves its sums with it.

CREATE FUNCTION month_figure_invoice_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO month_figure (school_id, period, method) VALUES (NEW.school_id, NEW.period, '') ON CONFLICT DO NOTHING;
    UPDATE month_figure SET invoices = invoices + 1, due = due + NEW.total
        WHERE school_id = NEW.school_id AND period = NEW.period AND method = '';
    RETURN NULL;
END $$;
CREATE TRIGGER month_figure_invoice_insert AFTER INSERT ON invoice
    FOR EACH ROW WHEN (NEW.voided_at IS NULL) EXECUTE FUNCTION month_figure_invoice_insert();

CREATE FUNCTION month_figure_invoice_total() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE month_figure SET due = due + NEW.total - OLD.total
        WHERE school_id = NEW.school_id AND period = NEW.period AND method = '';
    RETURN NULL;
END $$;
CREATE TRIGGER month_figure_invoice_total AFTER UPDATE OF total ON invoice
    FOR EACH ROW WHEN (NEW.voided_at IS NULL) EXECUTE FUNCTION month_figure_invoice_total();

-- Voiding takes the invoice and everything paid towards it out of the month.
CREATE FUNCTION month_figure_invoice_void() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE month_figure SET invoices = invoices - 1, due = due - OLD.total
        WHERE school_id = OLD.school_id AND period = OLD.period AND method = '';
    UPDATE month_figure SET
        payments = payments - (SELECT COUNT(*) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                               WHERE a.invoice_id = OLD.id AND p.method = month_figure.method),
        paid = paid - (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                       WHERE a.invoice_id = OLD.id AND p.method = month_figure.method)
        WHERE school_id = OLD.school_id AND period = OLD.period AND method <> '';
    RETURN NULL;
END $$;
CREATE TRIGGER month_figure_invoice_void AFTER UPDATE OF voided_at ON invoice
    FOR EACH ROW WHEN (OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL) EXECUTE FUNCTION month_figure_invoice_void();

CREATE FUNCTION month_figure_invoice_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE month_figure SET invoices = invoices - 1, due = due - OLD.total
        WHERE school_id = OLD.school_id AND period = OLD.period AND method = '';
    RETURN NULL;
END $$;
CREATE TRIGGER month_figure_invoice_delete AFTER DELETE ON invoice
    FOR EACH ROW WHEN (OLD.voided_at IS NULL) EXECUTE FUNCTION month_figure_invoice_delete();

-- (A trigger's WHEN cannot hold a subquery in PostgreSQL: the voided check is in the body.)
CREATE FUNCTION month_figure_allocation_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT voided_at FROM invoice WHERE id = NEW.invoice_id) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO month_figure (school_id, period, method)
        SELECT i.school_id, i.period, p.method FROM invoice i, payment p WHERE i.id = NEW.invoice_id AND p.id = NEW.payment_id
        ON CONFLICT DO NOTHING;
    UPDATE month_figure SET payments = payments + 1, paid = paid + NEW.amount
        WHERE (school_id, period) = (SELECT school_id, period FROM invoice WHERE id = NEW.invoice_id)
          AND method = (SELECT method FROM payment WHERE id = NEW.payment_id);
    RETURN NULL;
END $$;
CREATE TRIGGER month_figure_allocation_insert AFTER INSERT ON payment_allocation
    FOR EACH ROW EXECUTE FUNCTION month_figure_allocation_insert();

CREATE FUNCTION month_figure_allocation_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT voided_at FROM invoice WHERE id = OLD.invoice_id) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    UPDATE month_figure SET payments = payments - 1, paid = paid - OLD.amount
        WHERE (school_id, period) = (SELECT school_id, period FROM invoice WHERE id = OLD.invoice_id)
          AND method = (SELECT method FROM payment WHERE id = OLD.payment_id);
    RETURN NULL;
END $$;
CREATE TRIGGER month_figure_allocation_delete AFTER DELETE ON payment_allocation
    FOR EACH ROW EXECUTE FUNCTION month_figure_allocation_delete();

-- A payment recorded one way and corrected to another moves its sums with it.
CREATE FUNCTION month_figure_payment_method() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO month_figure (school_id, period, method)
        SELECT DISTINCT i.school_id, i.period, NEW.method FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
        WHERE a.payment_id = NEW.id AND i.voided_at IS NULL
        ON CONFLICT DO NOTHING;
    UPDATE month_figure SET
        payments = payments + (SELECT COUNT(*) FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
            WHERE a.payment_id = NEW.id AND i.voided_at IS NULL AND i.school_id = month_figure.school_id AND i.period = month_figure.period)
            * (CASE WHEN method = NEW.method THEN 1 ELSE -1 END),
        paid = paid + (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
            WHERE a.payment_id = NEW.id AND i.voided_at IS NULL AND i.school_id = month_figure.school_id AND i.period = month_figure.period)
            * (CASE WHEN method = NEW.method THEN 1 ELSE -1 END)
        WHERE method IN (OLD.method, NEW.method);
    RETURN NULL;
END $$;
CREATE TRIGGER month_figure_payment_method AFTER UPDATE OF method ON payment
    FOR EACH ROW WHEN (OLD.method <> NEW.method) EXECUTE FUNCTION month_figure_payment_method();
