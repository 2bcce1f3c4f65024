-- Keys for school management software calling the REST API: named, scoped read or read-write,
-- revocable, stored as SHA-256 only (shown once when made).
CREATE TABLE api_key (
    id           INTEGER PRIMARY KEY,
    school_id    INTEGER NOT NULL REFERENCES school(id),
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'read_write')),
    -- The key's first characters, to tell keys apart in lists.
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES staff(id),
    last_used_at BIGINT,
    revoked_at   BIGINT
);

-- A POST's answer kept under its Idempotency-Key: a repeat gets the same answer and writes nothing;
-- the same key with another body is refused.
CREATE TABLE api_idempotency (
    key_id          INTEGER NOT NULL REFERENCES api_key(id),
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status          INTEGER NOT NULL,
    response        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (key_id, idempotency_key)
);

-- When a student's record last changed, for integrations that fetch what changed since.
ALTER TABLE student ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX student_school_updated ON student (school_id, updated_at, id);
CREATE TRIGGER student_touch_insert AFTER INSERT ON student
BEGIN
    UPDATE student SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER student_touch_update AFTER UPDATE OF code, full_name, date_of_birth, left_on, erased_at ON student
BEGIN
    UPDATE student SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER enrolment_touch AFTER INSERT ON enrolment
BEGIN
    UPDATE student SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.student_id;
END;
CREATE TRIGGER enrolment_touch_move AFTER UPDATE OF class_id ON enrolment
BEGIN
    UPDATE student SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.student_id;
END;
