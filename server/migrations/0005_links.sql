-- Private per-student links a teacher hands to one family: unguessable, expiring, revocable.
CREATE TABLE student_link (
    token_hash  TEXT PRIMARY KEY,
    student_id  INTEGER NOT NULL REFERENCES student(id),
    created_by  INTEGER NOT NULL REFERENCES staff(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX student_link_student ON student_link(student_id);

-- One code for several invoices of one school, paid with one transfer.
CREATE TABLE payment_group (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    school_id   INTEGER NOT NULL REFERENCES school(id),
    total       BIGINT NOT NULL CHECK (total > 0),
    created_at  BIGINT NOT NULL
);
CREATE TABLE payment_group_invoice (
    group_id    INTEGER NOT NULL REFERENCES payment_group(id),
    invoice_id  INTEGER NOT NULL REFERENCES invoice(id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (group_id, invoice_id)
);
