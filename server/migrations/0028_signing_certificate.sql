-- A school's own digital-signature certificate (chữ ký số): the PKCS#12 file a licensed CA issued
-- it, and the file's password, each sealed with the master key (a database copy alone signs
-- nothing). What people are shown (whose, which CA, valid when) is kept in clear. A certificate is
-- retired, never deleted; at most one is in use per school.
CREATE TABLE signing_certificate (
    id              INTEGER PRIMARY KEY,
    school_id       INTEGER NOT NULL REFERENCES school(id),
    sealed_p12      TEXT NOT NULL,
    sealed_password TEXT NOT NULL,
    owner           TEXT NOT NULL,
    organization    TEXT,
    issuer          TEXT NOT NULL,
    serial_hex      TEXT NOT NULL,
    not_before      BIGINT NOT NULL,
    not_after       BIGINT NOT NULL,
    added_at        BIGINT NOT NULL,
    added_by        INTEGER NOT NULL REFERENCES staff(id),
    retired_at      BIGINT,
    retired_by      INTEGER REFERENCES staff(id),
    retire_reason   TEXT
);
CREATE UNIQUE INDEX signing_certificate_in_use ON signing_certificate(school_id) WHERE retired_at IS NULL;
