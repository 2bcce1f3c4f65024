-- Signed receipts: a key pair per school (private key sealed with the server's master key),
-- a gapless yearly counter per series, and receipts that are never edited or deleted.

CREATE TABLE signing_key (
    id                  INTEGER PRIMARY KEY,
    school_id           INTEGER NOT NULL REFERENCES school(id),
    -- First 16 hex digits of SHA-256 of the raw public key.
    key_id              TEXT NOT NULL UNIQUE,
    -- Raw 32-byte Ed25519 public key, base64url: published.
    public_key          TEXT NOT NULL,
    -- The private key sealed (XChaCha20-Poly1305) with the master key kept outside the database.
    sealed_private_key  TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    -- A retired key signs nothing new; it stays published so old receipts still verify.
    retired_at          BIGINT
);
CREATE UNIQUE INDEX signing_key_current ON signing_key(school_id) WHERE retired_at IS NULL;

-- The last number used per school, series and calendar year: taken in the transaction that
-- issues the receipt, so a rolled-back settlement leaves no gap.
CREATE TABLE receipt_counter (
    school_id   INTEGER NOT NULL REFERENCES school(id),
    series      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (school_id, series, year)
);

CREATE TABLE receipt (
    id                INTEGER PRIMARY KEY,
    -- Unguessable: the receipt's link is a capability, like a student link.
    public_code       TEXT NOT NULL UNIQUE,
    school_id         INTEGER NOT NULL REFERENCES school(id),
    payment_id        INTEGER NOT NULL REFERENCES payment(id),
    invoice_id        INTEGER NOT NULL REFERENCES invoice(id),
    student_id        INTEGER NOT NULL REFERENCES student(id),
    series            TEXT NOT NULL,
    year              INTEGER NOT NULL,
    number            INTEGER NOT NULL,
    total             BIGINT NOT NULL,
    issued_at         BIGINT NOT NULL,
    -- The canonical JSON that was signed, its SHA-256 and the signature (base64url).
    content           TEXT NOT NULL,
    digest            TEXT NOT NULL,
    signature         TEXT NOT NULL,
    key_id            TEXT NOT NULL REFERENCES signing_key(key_id),
    cancelled_at      BIGINT,
    cancel_reason     TEXT,
    cancel_signature  TEXT,
    cancelled_by      INTEGER REFERENCES staff(id),
    replaced_by       INTEGER REFERENCES receipt(id),
    UNIQUE (school_id, series, year, number)
);
CREATE INDEX receipt_payment ON receipt(payment_id);
CREATE INDEX receipt_student ON receipt(student_id);

-- What was signed never changes, and no receipt is deleted.
CREATE TRIGGER receipt_content_fixed BEFORE UPDATE OF content, digest, signature, key_id, number, series, year, total ON receipt
BEGIN
    SELECT RAISE(ABORT, 'a receipt''s signed content never changes');
END;
CREATE TRIGGER receipt_never_deleted BEFORE DELETE ON receipt
BEGIN
    SELECT RAISE(ABORT, 'receipts are cancelled, never deleted');
END;
