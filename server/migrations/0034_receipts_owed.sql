-- Payments of a long batch (a bank statement) whose receipts are still to be
-- issued. A row is written in the transaction that records its payment and
-- deleted in the one that stores the payment's receipts, so that a stop
-- between the two loses neither: the next start issues what is owed. The
-- payments themselves (and what they settle) do not wait for the signing.
CREATE TABLE receipt_owed (
    payment_id  INTEGER PRIMARY KEY REFERENCES payment(id),
    -- The payment's school: each school's owed receipts are issued apart, so
    -- that one school's trouble (a signing key that cannot be opened) holds
    -- up no other.
    school_id   INTEGER NOT NULL REFERENCES school(id),
    -- Who took the money, as its receipts name it (none: the school's account).
    collector   TEXT
);
CREATE INDEX receipt_owed_school ON receipt_owed(school_id, payment_id);
