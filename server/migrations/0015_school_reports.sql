-- A school's report to the district office: a frozen snapshot of the period's figures with the
-- accountant's note. The office reads it and may send it back with a comment; the school then
-- submits again (a new row: every version is kept).
CREATE TABLE school_report (
    id              INTEGER PRIMARY KEY,
    school_id       INTEGER NOT NULL REFERENCES school(id),
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    figures_json    TEXT NOT NULL,
    note            TEXT NOT NULL,
    submitted_at    BIGINT NOT NULL,
    submitted_by    INTEGER NOT NULL REFERENCES staff(id),
    status          TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'returned')),
    returned_at     BIGINT,
    returned_by     INTEGER REFERENCES staff(id),
    return_comment  TEXT
);
CREATE INDEX school_report_period ON school_report (period_from, period_to, school_id);
