-- hocphi's core schema. Kept to portable SQL (SQLite now, PostgreSQL later):
-- money is BIGINT đồng, dates are ISO-8601 TEXT in Vietnam time, timestamps are
-- Unix seconds, booleans are INTEGER 0/1.

CREATE TABLE district (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    province    TEXT NOT NULL
);

CREATE TABLE school (
    id          INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES district(id),
    -- Public, stable, used in the school's link for parents.
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    legal_name  TEXT NOT NULL,
    address     TEXT NOT NULL,
    tax_code    TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('preschool', 'primary', 'lower_secondary', 'upper_secondary'))
);

CREATE TABLE beneficiary_account (
    id             INTEGER PRIMARY KEY,
    school_id      INTEGER NOT NULL REFERENCES school(id),
    bin            TEXT NOT NULL,
    account_number TEXT NOT NULL,
    -- Exactly as the bank holds it: parents compare it with what their app shows.
    account_name   TEXT NOT NULL,
    is_default     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (school_id, bin, account_number)
);

CREATE TABLE school_year (
    id          INTEGER PRIMARY KEY,
    label       TEXT NOT NULL UNIQUE,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL
);

CREATE TABLE class (
    id             INTEGER PRIMARY KEY,
    school_id      INTEGER NOT NULL REFERENCES school(id),
    school_year_id INTEGER NOT NULL REFERENCES school_year(id),
    name           TEXT NOT NULL,
    grade          INTEGER NOT NULL,
    UNIQUE (school_id, school_year_id, name)
);

CREATE TABLE student (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES school(id),
    -- The school's student code, stored upper-case; unique within the school.
    code          TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    UNIQUE (school_id, code)
);

CREATE TABLE enrolment (
    student_id     INTEGER NOT NULL REFERENCES student(id),
    class_id       INTEGER NOT NULL REFERENCES class(id),
    school_year_id INTEGER NOT NULL REFERENCES school_year(id),
    PRIMARY KEY (student_id, school_year_id)
);

CREATE TABLE fee_item (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES school(id),
    name        TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    unit        TEXT NOT NULL CHECK (unit IN ('month', 'semester', 'year', 'once', 'meal_day')),
    mandatory   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE invoice (
    id          INTEGER PRIMARY KEY,
    -- Short code with a check character, unique across the whole deployment.
    code        TEXT NOT NULL UNIQUE,
    school_id   INTEGER NOT NULL REFERENCES school(id),
    student_id  INTEGER NOT NULL REFERENCES student(id),
    class_id    INTEGER NOT NULL REFERENCES class(id),
    period      TEXT NOT NULL,
    title       TEXT NOT NULL,
    total       BIGINT NOT NULL CHECK (total >= 0),
    due_on      TEXT NOT NULL,
    issued_at   BIGINT NOT NULL,
    voided_at   BIGINT,
    void_reason TEXT
);
CREATE INDEX invoice_student ON invoice(student_id);

CREATE TABLE invoice_line (
    id          INTEGER PRIMARY KEY,
    invoice_id  INTEGER NOT NULL REFERENCES invoice(id),
    position    INTEGER NOT NULL,
    fee_item_id INTEGER REFERENCES fee_item(id),
    description TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit_amount BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    UNIQUE (invoice_id, position)
);

CREATE TABLE payment (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES school(id),
    -- Where the money came from: bank_transfer, gateway, pos, cash.
    source      TEXT NOT NULL,
    -- The bank's or gateway's own transaction id: a replayed notification is a no-op.
    external_id TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    received_at BIGINT NOT NULL,
    payer_name  TEXT,
    memo        TEXT,
    UNIQUE (source, external_id)
);

CREATE TABLE payment_allocation (
    payment_id  INTEGER NOT NULL REFERENCES payment(id),
    invoice_id  INTEGER NOT NULL REFERENCES invoice(id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (payment_id, invoice_id)
);
CREATE INDEX payment_allocation_invoice ON payment_allocation(invoice_id);

-- Server-side secrets generated on first start (e.g. the key signing parents' access tokens).
CREATE TABLE app_secret (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
