-- All four cashless methods, and cash on record.

-- How the money came, as reports count it: bank_transfer (VietQR), mobile_money (a wallet's VietQR),
-- gateway (website payment), card (POS), cash (not cashless).
ALTER TABLE payment ADD COLUMN method TEXT NOT NULL DEFAULT 'bank_transfer';
-- A card payment keeps the terminal, the approval code and the card's last 4 digits: never more.
ALTER TABLE payment ADD COLUMN card_terminal TEXT;
ALTER TABLE payment ADD COLUMN card_approval TEXT;
ALTER TABLE payment ADD COLUMN card_last4 TEXT CHECK (card_last4 IS NULL OR length(card_last4) = 4);
-- Who recorded a payment taken at the school office.
ALTER TABLE payment ADD COLUMN recorded_by INTEGER REFERENCES staff(id);

-- A school's merchant account at a payment gateway (VNPay protocol). The secret is sealed with the
-- master key and never shown back.
CREATE TABLE gateway_config (
    school_id      INTEGER PRIMARY KEY REFERENCES school(id),
    provider       TEXT NOT NULL DEFAULT 'vnpay',
    tmn_code       TEXT NOT NULL,
    sealed_secret  TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    -- The first successful payment confirmed through it: the method is tested.
    confirmed_at   BIGINT
);

-- One attempt to pay online: the gateway's order reference, what it pays, and what the gateway said.
CREATE TABLE gateway_order (
    id              INTEGER PRIMARY KEY,
    school_id       INTEGER NOT NULL REFERENCES school(id),
    txn_ref         TEXT NOT NULL UNIQUE,
    -- The invoice or payment-group code it pays.
    code            TEXT NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount > 0),
    created_at      BIGINT NOT NULL,
    -- pending, paid, failed
    status          TEXT NOT NULL DEFAULT 'pending',
    response_code   TEXT,
    transaction_no  TEXT,
    payment_id      INTEGER REFERENCES payment(id),
    updated_at      BIGINT NOT NULL
);
CREATE INDEX gateway_order_school ON gateway_order(school_id, created_at);
CREATE INDEX payment_school_method ON payment(school_id, method);
