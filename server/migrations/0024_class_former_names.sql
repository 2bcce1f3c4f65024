-- A class's names before it was renamed: class links already sent to parents'
-- groups (/s/<school>/<class>) keep opening the class under its new name.
CREATE TABLE class_former_name (
    class_id   INTEGER NOT NULL REFERENCES class(id),
    name       TEXT NOT NULL,
    renamed_at BIGINT NOT NULL,
    PRIMARY KEY (class_id, name)
);
CREATE INDEX class_former_name_by_name ON class_former_name (name);
