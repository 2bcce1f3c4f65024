-- Payments of a long batch (a bank statement) whose receipts are still to be
-- issued. A row is written in the transaction that records its payment and
-- deleted in the one that stores the payment's receipts, so that a stop
-- between the two loses neither: the next start issues what is owed. The
-- payments themselves (and what they settle) do not wait for the signing.
CREATE TABLE receipt_owed (
    payment_id  INTEGER PRIMARY KEY REFERENCES payment(id),
    -- Who took the money, as its receipts name it (none: the school's account).
    collector   TEXT
);
