-- Complaints from parents: filed from an invoice or a receipt, followed with a tracking code (stored
-- hashed: the code is the parent's only key, and reveals nothing to anyone without it), answered by the
-- school's accountant before a due date, every step in the audit log.
CREATE TABLE complaint (
    id             INTEGER PRIMARY KEY,
    school_id      INTEGER NOT NULL REFERENCES school(id),
    student_id     INTEGER NOT NULL REFERENCES student(id),
    invoice_id     INTEGER REFERENCES invoice(id),
    receipt_code   TEXT,
    tracking_hash  TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('paid_not_shown', 'wrong_amount', 'paid_twice', 'wrong_child', 'other')),
    bank_reference TEXT,
    description    TEXT NOT NULL,
    photo          BLOB,
    photo_type     TEXT CHECK (photo_type IS NULL OR photo_type IN ('image/jpeg', 'image/png', 'image/webp')),
    status         TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in_review', 'resolved', 'rejected')),
    created_at     BIGINT NOT NULL,
    due_at         BIGINT NOT NULL,
    closed_at      BIGINT
);
CREATE INDEX complaint_school_status ON complaint (school_id, status, due_at);

-- The conversation: the parent's words and the school's answers, each with the status it set.
CREATE TABLE complaint_message (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaint(id),
    author       TEXT NOT NULL CHECK (author IN ('parent', 'school')),
    staff_id     INTEGER REFERENCES staff(id),
    body         TEXT NOT NULL,
    status       TEXT,
    at           BIGINT NOT NULL
);
CREATE INDEX complaint_message_complaint ON complaint_message (complaint_id, at);
