-- Fee catalogue scope, exemption policies, carried-over credits, invoice line kinds.

ALTER TABLE fee_item ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
-- The grades a fee applies to, comma-separated ("1,2"); empty: the whole school.
ALTER TABLE fee_item ADD COLUMN grades TEXT NOT NULL DEFAULT '';

CREATE TABLE exemption_policy (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES school(id),
    name        TEXT NOT NULL,
    UNIQUE (school_id, name)
);

CREATE TABLE exemption_rate (
    policy_id   INTEGER NOT NULL REFERENCES exemption_policy(id),
    fee_item_id INTEGER NOT NULL REFERENCES fee_item(id),
    percent     INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    PRIMARY KEY (policy_id, fee_item_id)
);

-- A student's exemption, with the grounds (e.g. the decision or certificate number).
CREATE TABLE student_exemption (
    student_id  INTEGER NOT NULL REFERENCES student(id),
    policy_id   INTEGER NOT NULL REFERENCES exemption_policy(id),
    note        TEXT NOT NULL,
    granted_at  BIGINT NOT NULL,
    PRIMARY KEY (student_id, policy_id)
);

-- Money owed back to a family, taken off their next invoices.
CREATE TABLE credit (
    id          INTEGER PRIMARY KEY,
    student_id  INTEGER NOT NULL REFERENCES student(id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    remaining   BIGINT NOT NULL CHECK (remaining >= 0),
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE credit_use (
    credit_id   INTEGER NOT NULL REFERENCES credit(id),
    invoice_id  INTEGER NOT NULL REFERENCES invoice(id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (credit_id, invoice_id)
);

ALTER TABLE invoice_line ADD COLUMN kind TEXT NOT NULL DEFAULT 'fee'
    CHECK (kind IN ('fee', 'reduction', 'credit'));

-- One live invoice per student and period: running a period again creates no duplicates.
CREATE UNIQUE INDEX invoice_one_per_period ON invoice (student_id, period) WHERE voided_at IS NULL;
