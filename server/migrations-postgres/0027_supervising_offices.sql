-- PostgreSQL twin of migrations/0027_supervising_offices.sql: the district becomes a supervising
-- office with a level and a parent (two tiers of local government since 1 July 2025). PostgreSQL
-- changes constraints in place, so nothing is rebuilt; foreign keys follow the renamed table.
ALTER TABLE district RENAME TO office;
ALTER SEQUENCE district_id_seq RENAME TO office_id_seq;
ALTER TABLE office RENAME CONSTRAINT district_pkey TO office_pkey;
-- Rows written with their own ids (a restore, a hand fix) leave the sequence behind: catch it up
-- before the Departments are added.
SELECT setval('office_id_seq', COALESCE((SELECT MAX(id) FROM office), 0) + 1, false);
ALTER TABLE office ADD COLUMN level TEXT NOT NULL DEFAULT 'commune' CHECK (level IN ('department', 'commune'));
ALTER TABLE office ALTER COLUMN level DROP DEFAULT;
ALTER TABLE office ADD COLUMN parent_id BIGINT REFERENCES office(id);
INSERT INTO office (name, province, level)
    SELECT DISTINCT 'Sở GD&ĐT ' || province, province, 'department' FROM office;
UPDATE office SET parent_id = (SELECT d.id FROM office d WHERE d.level = 'department' AND d.province = office.province)
    WHERE level = 'commune';
ALTER TABLE office ADD CONSTRAINT office_parent_by_level CHECK ((level = 'department') = (parent_id IS NULL));

ALTER TABLE school RENAME COLUMN district_id TO office_id;
UPDATE school SET office_id = (SELECT o.parent_id FROM office o WHERE o.id = school.office_id)
    WHERE level = 'upper_secondary'
      AND (SELECT o.parent_id FROM office o WHERE o.id = school.office_id) IS NOT NULL;

ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff DROP CONSTRAINT staff_check;
ALTER TABLE staff RENAME COLUMN district_id TO office_id;
UPDATE staff SET role = 'officer' WHERE role = 'district_officer';
UPDATE staff SET office_id = (SELECT sc.office_id FROM school sc WHERE sc.id = staff.school_id)
    WHERE school_id IS NOT NULL;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('officer', 'accountant', 'teacher'));
ALTER TABLE staff ADD CONSTRAINT staff_check CHECK ((role = 'officer') = (school_id IS NULL));

ALTER TABLE one_time_link RENAME COLUMN district_id TO office_id;
UPDATE one_time_link SET role = 'officer' WHERE role = 'district_officer';
ALTER TABLE audit_log RENAME COLUMN district_id TO office_id;
ALTER TABLE report_deadline RENAME COLUMN district_id TO office_id;

-- Which offices see a school: its own, and the Department above a commune.
CREATE VIEW office_school AS
    SELECT sc.office_id AS office_id, sc.id AS school_id FROM school sc
    UNION ALL
    SELECT o.parent_id AS office_id, sc.id AS school_id
        FROM school sc JOIN office o ON o.id = sc.office_id
        WHERE o.parent_id IS NOT NULL;
CREATE INDEX school_office ON school(office_id);
CREATE INDEX office_parent ON office(parent_id);
