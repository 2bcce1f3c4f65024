-- Integrations, part two: when invoices, payments and receipts last changed (for "what changed
-- since"), and signed events pushed to the URLs a school registers.

ALTER TABLE invoice ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE invoice SET updated_at = issued_at;
CREATE INDEX invoice_school_updated ON invoice (school_id, updated_at, id);
ALTER TABLE payment ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE payment SET updated_at = received_at;
CREATE INDEX payment_school_updated ON payment (school_id, updated_at, id);
ALTER TABLE receipt ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE receipt SET updated_at = COALESCE(cancelled_at, issued_at);
CREATE INDEX receipt_school_updated ON receipt (school_id, updated_at, id);

CREATE TRIGGER invoice_touch_insert AFTER INSERT ON invoice
BEGIN
    UPDATE invoice SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER invoice_touch_update AFTER UPDATE OF total, voided_at, due_on ON invoice
BEGIN
    UPDATE invoice SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER payment_touch_insert AFTER INSERT ON payment
BEGIN
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER payment_touch_update AFTER UPDATE OF method, outcome ON payment
BEGIN
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
-- What was paid on an invoice changes both the invoice and the payment.
CREATE TRIGGER allocation_touch_insert AFTER INSERT ON payment_allocation
BEGIN
    UPDATE invoice SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.invoice_id;
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.payment_id;
END;
CREATE TRIGGER allocation_touch_delete AFTER DELETE ON payment_allocation
BEGIN
    UPDATE invoice SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = OLD.invoice_id;
    UPDATE payment SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = OLD.payment_id;
END;
CREATE TRIGGER receipt_touch_insert AFTER INSERT ON receipt
BEGIN
    UPDATE receipt SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER receipt_touch_cancel AFTER UPDATE OF cancelled_at, replaced_by ON receipt
BEGIN
    UPDATE receipt SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;

-- Where a school wants its events: an HTTPS address and the secret that signs them (sealed by the
-- master key, shown once).
CREATE TABLE webhook (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES school(id),
    url           TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES staff(id),
    disabled_at   BIGINT
);
CREATE INDEX webhook_school ON webhook (school_id);

-- The outbox: written by triggers in the very transaction that made the change, so an event
-- exists exactly when its change was committed, whichever code path made it. Only schools with an
-- active webhook get events.
CREATE TABLE api_event (
    id          INTEGER PRIMARY KEY,
    -- What receivers de-duplicate on.
    event_id    TEXT NOT NULL UNIQUE,
    school_id   INTEGER NOT NULL REFERENCES school(id),
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- One delivery per event and webhook: attempts, backoff, and what the receiver answered.
CREATE TABLE event_delivery (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES api_event(id),
    webhook_id      INTEGER NOT NULL REFERENCES webhook(id),
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- 0: due now. Set from the server's clock after a failed attempt.
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    -- A sender holds the delivery until then, so two servers never send it at once.
    lease_until     BIGINT NOT NULL DEFAULT 0,
    last_attempt_at BIGINT,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    BIGINT,
    gave_up_at      BIGINT,
    UNIQUE (event_id, webhook_id)
);
CREATE INDEX event_delivery_pending ON event_delivery (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX event_delivery_webhook ON event_delivery (webhook_id, id);

CREATE TRIGGER api_event_fan_out AFTER INSERT ON api_event
BEGIN
    INSERT INTO event_delivery (event_id, webhook_id)
        SELECT NEW.id, w.id FROM webhook w WHERE w.school_id = NEW.school_id AND w.disabled_at IS NULL;
END;

CREATE TRIGGER event_invoice_issued AFTER INSERT ON invoice
    WHEN EXISTS (SELECT 1 FROM webhook w WHERE w.school_id = NEW.school_id AND w.disabled_at IS NULL)
BEGIN
    INSERT INTO api_event (event_id, school_id, kind, payload, created_at) VALUES (
        'evt_' || lower(hex(randomblob(12))), NEW.school_id, 'invoice.issued',
        json_object('invoice', json_object('code', NEW.code,
            'student_code', (SELECT code FROM student WHERE id = NEW.student_id),
            'period', NEW.period, 'title', NEW.title, 'total', NEW.total, 'due_on', NEW.due_on)),
        CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER event_invoice_voided AFTER UPDATE OF voided_at ON invoice
    WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM webhook w WHERE w.school_id = NEW.school_id AND w.disabled_at IS NULL)
BEGIN
    INSERT INTO api_event (event_id, school_id, kind, payload, created_at) VALUES (
        'evt_' || lower(hex(randomblob(12))), NEW.school_id, 'invoice.voided',
        json_object('invoice', json_object('code', NEW.code,
            'student_code', (SELECT code FROM student WHERE id = NEW.student_id),
            'period', NEW.period, 'total', NEW.total, 'reason', NEW.void_reason)),
        CAST(strftime('%s', 'now') AS INTEGER));
END;

-- A payment settles an invoice (or part of it) when it is allocated to it, by the bank's
-- notification, the gateway, the office, or the accountant's hand.
CREATE TRIGGER event_payment_settled AFTER INSERT ON payment_allocation
    WHEN EXISTS (SELECT 1 FROM webhook w JOIN invoice i ON i.school_id = w.school_id
                 WHERE i.id = NEW.invoice_id AND w.disabled_at IS NULL)
BEGIN
    INSERT INTO api_event (event_id, school_id, kind, payload, created_at)
    SELECT 'evt_' || lower(hex(randomblob(12))), i.school_id, 'payment.settled',
        json_object('invoice_code', i.code, 'student_code', s.code, 'amount', NEW.amount,
            'invoice_total', i.total,
            'invoice_paid', (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.invoice_id = i.id),
            'payment', json_object('id', p.id, 'method', p.method, 'reference', p.external_id,
                'amount', p.amount, 'received_at', p.received_at)),
        CAST(strftime('%s', 'now') AS INTEGER)
    FROM invoice i JOIN student s ON s.id = i.student_id JOIN payment p ON p.id = NEW.payment_id
    WHERE i.id = NEW.invoice_id;
END;

CREATE TRIGGER event_payment_reversed AFTER DELETE ON payment_allocation
    WHEN EXISTS (SELECT 1 FROM webhook w JOIN invoice i ON i.school_id = w.school_id
                 WHERE i.id = OLD.invoice_id AND w.disabled_at IS NULL)
BEGIN
    INSERT INTO api_event (event_id, school_id, kind, payload, created_at)
    SELECT 'evt_' || lower(hex(randomblob(12))), i.school_id, 'payment.reversed',
        json_object('invoice_code', i.code, 'student_code', s.code, 'amount', OLD.amount,
            'invoice_total', i.total,
            'invoice_paid', (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.invoice_id = i.id),
            'payment', json_object('id', p.id, 'method', p.method, 'reference', p.external_id,
                'amount', p.amount, 'received_at', p.received_at)),
        CAST(strftime('%s', 'now') AS INTEGER)
    FROM invoice i JOIN student s ON s.id = i.student_id JOIN payment p ON p.id = OLD.payment_id
    WHERE i.id = OLD.invoice_id;
END;

CREATE TRIGGER event_receipt_issued AFTER INSERT ON receipt
    WHEN EXISTS (SELECT 1 FROM webhook w WHERE w.school_id = NEW.school_id AND w.disabled_at IS NULL)
BEGIN
    INSERT INTO api_event (event_id, school_id, kind, payload, created_at) VALUES (
        'evt_' || lower(hex(randomblob(12))), NEW.school_id, 'receipt.issued',
        json_object('receipt', json_object('code', NEW.public_code, 'series', NEW.series, 'year', NEW.year,
            'number', NEW.number, 'invoice_code', (SELECT code FROM invoice WHERE id = NEW.invoice_id),
            'payment_id', NEW.payment_id, 'total', NEW.total, 'issued_at', NEW.issued_at,
            'key_id', NEW.key_id, 'digest', NEW.digest, 'signature', NEW.signature,
            'verification_path', '/r/' || NEW.public_code || '#' || NEW.key_id || '.' || NEW.digest || '.' || NEW.signature)),
        CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER event_receipt_cancelled AFTER UPDATE OF cancelled_at ON receipt
    WHEN OLD.cancelled_at IS NULL AND NEW.cancelled_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM webhook w WHERE w.school_id = NEW.school_id AND w.disabled_at IS NULL)
BEGIN
    INSERT INTO api_event (event_id, school_id, kind, payload, created_at) VALUES (
        'evt_' || lower(hex(randomblob(12))), NEW.school_id, 'receipt.cancelled',
        json_object('receipt', json_object('code', NEW.public_code, 'series', NEW.series, 'year', NEW.year,
            'number', NEW.number, 'invoice_code', (SELECT code FROM invoice WHERE id = NEW.invoice_id),
            'cancelled_at', NEW.cancelled_at, 'reason', NEW.cancel_reason)),
        CAST(strftime('%s', 'now') AS INTEGER));
END;
