-- The office's reporting calendar: the periods its schools report on, and by when. A school's
-- report status is read against it, whatever range the dashboard shows.
CREATE TABLE report_deadline (
    id           INTEGER PRIMARY KEY,
    district_id  INTEGER NOT NULL REFERENCES district(id),
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    -- The last day to submit, ISO (2026-12-05).
    due_on       TEXT NOT NULL,
    set_at       BIGINT NOT NULL,
    set_by       INTEGER NOT NULL REFERENCES staff(id),
    UNIQUE (district_id, period_from, period_to)
);
