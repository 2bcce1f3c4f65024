-- Reconciliation: bank transactions are unique by bank and transaction id, reviewed by hand when
-- the memo names no invoice, refunded when paid twice; statements import with a saved column mapping.

-- A bank transfer's external_id becomes "<bank BIN>:<bank reference>", so the same transaction is
-- recorded once whether it arrives by notification, by SePay or in a statement, and two banks'
-- references never collide.
UPDATE payment SET external_id = COALESCE(
    (SELECT b.bin FROM beneficiary_account b WHERE b.school_id = payment.school_id
        AND (b.account_number = payment.account OR (payment.account IS NULL AND b.is_default = 1))
        ORDER BY b.is_default DESC LIMIT 1), 'unknown') || ':' || external_id
WHERE source = 'bank_transfer';
ALTER TABLE payment ADD COLUMN bank_bin TEXT;
-- How it reached hocphi first: notification, sepay, statement, demo.
ALTER TABLE payment ADD COLUMN arrived_via TEXT NOT NULL DEFAULT 'notification';

-- A credit made from an overpayment remembers the payment, so undoing the match takes it back.
ALTER TABLE credit ADD COLUMN payment_id INTEGER REFERENCES payment(id);

-- Every hand decision on a payment: match, split, not_fee, undo, refund. The audit log has them too;
-- this is the payment's own history, shown next to it.
CREATE TABLE payment_review (
    id          INTEGER PRIMARY KEY,
    payment_id  INTEGER NOT NULL REFERENCES payment(id),
    action      TEXT NOT NULL CHECK (action IN ('match', 'not_fee', 'undo', 'refund')),
    detail      TEXT NOT NULL,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    at          BIGINT NOT NULL
);
CREATE INDEX payment_review_payment ON payment_review(payment_id);

-- Money sent back to a family (a double payment, an overpayment): recorded, never netted silently.
CREATE TABLE refund (
    id          INTEGER PRIMARY KEY,
    payment_id  INTEGER NOT NULL REFERENCES payment(id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    reference   TEXT NOT NULL,
    refunded_on TEXT NOT NULL,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX refund_payment ON refund(payment_id);

-- The column mapping a school's last statement import used, offered again next time.
CREATE TABLE statement_mapping (
    school_id   INTEGER PRIMARY KEY REFERENCES school(id),
    mapping     TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE INDEX payment_school_outcome ON payment(school_id, outcome);
