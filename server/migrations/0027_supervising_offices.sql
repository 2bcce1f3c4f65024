-- Two tiers of local government since 1 July 2025: there is no district office any more. A school is
-- supervised by an office with a level and a parent: a commune/ward People's Committee (preschools,
-- primary, lower-secondary) under its province's Department of Education, which itself supervises
-- upper-secondary schools and sees the whole province. The office's name is data ("UBND phường Hồng
-- Gai", "Sở GD&ĐT Quảng Ninh").
--
-- Migrating: each district becomes a commune-level office under a new Department of its province, so
-- its officers keep exactly the schools they had, except upper-secondary schools, which move to the
-- Department as the reform says. An operator then renames or splits offices with `hocphi office`.
--
-- SQLite cannot change a CHECK constraint in place, so `office` and `staff` are rebuilt: each is
-- copied aside, dropped and made again under the same name, its rows put back. The migration runs in
-- one transaction, where foreign keys cannot be turned off; deferred instead, the rows a drop orphans
-- count as violations until the same ids are back, and the commit fails if any is still missing.
PRAGMA defer_foreign_keys = ON;

-- Renaming first rewrites every REFERENCES district(id) to office(id).
ALTER TABLE district RENAME TO office;
ALTER TABLE office ADD COLUMN level TEXT;
ALTER TABLE office ADD COLUMN parent_id INTEGER;
UPDATE office SET level = 'commune';
INSERT INTO office (name, province, level)
    SELECT DISTINCT 'Sở GD&ĐT ' || province, province, 'department' FROM office;
UPDATE office SET parent_id = (SELECT d.id FROM office d WHERE d.level = 'department' AND d.province = office.province)
    WHERE level = 'commune';

CREATE TABLE office_copy AS SELECT id, name, province, level, parent_id FROM office;
DROP TABLE office;
CREATE TABLE office (
    id          INTEGER PRIMARY KEY,
    -- As the office calls itself: "UBND phường Hồng Gai", "Sở GD&ĐT Quảng Ninh".
    name        TEXT NOT NULL,
    province    TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('department', 'commune')),
    -- A commune's Department; a Department has none.
    parent_id   INTEGER REFERENCES office(id),
    CHECK ((level = 'department') = (parent_id IS NULL))
);
INSERT INTO office (id, name, province, level, parent_id)
    SELECT id, name, province, level, parent_id FROM office_copy;
DROP TABLE office_copy;

ALTER TABLE school RENAME COLUMN district_id TO office_id;
UPDATE school SET office_id = (SELECT o.parent_id FROM office o WHERE o.id = school.office_id)
    WHERE level = 'upper_secondary'
      AND (SELECT o.parent_id FROM office o WHERE o.id = school.office_id) IS NOT NULL;

CREATE TABLE staff_copy AS SELECT * FROM staff;
DROP TABLE staff;
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    -- Sign-in name, stored lower-case.
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    -- Argon2id in PHC string form.
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'accountant', 'teacher')),
    -- An officer's office; for a school's staff, their school's office.
    office_id     INTEGER NOT NULL REFERENCES office(id),
    -- NULL for officers; the one school of an accountant or teacher.
    school_id     INTEGER REFERENCES school(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    CHECK ((role = 'officer') = (school_id IS NULL))
);
INSERT INTO staff (id, username, display_name, password_hash, role, office_id, school_id, active, created_at)
    SELECT id, username, display_name, password_hash,
           CASE role WHEN 'district_officer' THEN 'officer' ELSE role END,
           COALESCE((SELECT sc.office_id FROM school sc WHERE sc.id = staff_copy.school_id), district_id),
           school_id, active, created_at
    FROM staff_copy;
DROP TABLE staff_copy;

ALTER TABLE one_time_link RENAME COLUMN district_id TO office_id;
UPDATE one_time_link SET role = 'officer' WHERE role = 'district_officer';
ALTER TABLE audit_log RENAME COLUMN district_id TO office_id;
ALTER TABLE report_deadline RENAME COLUMN district_id TO office_id;

-- Which offices see a school: its own, and the Department above a commune. Every officer's scope
-- check reads this one view.
CREATE VIEW office_school AS
    SELECT sc.office_id AS office_id, sc.id AS school_id FROM school sc
    UNION ALL
    SELECT o.parent_id AS office_id, sc.id AS school_id
        FROM school sc JOIN office o ON o.id = sc.office_id
        WHERE o.parent_id IS NOT NULL;
CREATE INDEX school_office ON school(office_id);
CREATE INDEX office_parent ON office(parent_id);

