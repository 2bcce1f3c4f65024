-- Staff accounts, sessions, one-time links, school profile details, audit log.

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    -- Sign-in name, stored lower-case.
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    -- Argon2id in PHC string form.
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('district_officer', 'accountant', 'teacher')),
    district_id   INTEGER NOT NULL REFERENCES district(id),
    -- NULL for district officers; the one school of an accountant or teacher.
    school_id     INTEGER REFERENCES school(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    CHECK ((role = 'district_officer') = (school_id IS NULL))
);

-- Homeroom teachers and their classes.
CREATE TABLE class_teacher (
    class_id    INTEGER NOT NULL REFERENCES class(id),
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    PRIMARY KEY (class_id, staff_id)
);

CREATE TABLE staff_session (
    -- SHA-256 of the cookie's secret: a stolen database does not hold live sessions.
    token_hash  TEXT PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX staff_session_staff ON staff_session(staff_id);

-- One-time links: invitations to a new account and password resets.
CREATE TABLE one_time_link (
    token_hash  TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    -- invite: the role and place of the account to create; reset: the account.
    role        TEXT,
    district_id INTEGER REFERENCES district(id),
    school_id   INTEGER REFERENCES school(id),
    staff_id    INTEGER REFERENCES staff(id),
    created_by  INTEGER NOT NULL REFERENCES staff(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

-- Which payment methods a school accepts.
CREATE TABLE school_method (
    school_id   INTEGER NOT NULL REFERENCES school(id),
    method      TEXT NOT NULL CHECK (method IN ('qr_transfer', 'website', 'mobile_money', 'card_pos', 'cash')),
    PRIMARY KEY (school_id, method)
);

-- The people parents can call about paying.
CREATE TABLE school_contact (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES school(id),
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    zalo        TEXT,
    position    INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE school ADD COLUMN logo BLOB;
ALTER TABLE student ADD COLUMN left_on TEXT;

-- Append-only: who changed what, when, before and after (JSON).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          BIGINT NOT NULL,
    staff_id    INTEGER REFERENCES staff(id),
    district_id INTEGER REFERENCES district(id),
    school_id   INTEGER REFERENCES school(id),
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_school ON audit_log(school_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
