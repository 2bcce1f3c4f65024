-- A parent's device holds a signed token for a child, good for 180 days. Tokens issued at or
-- before `revoked_before` no longer open the child: set when the school revokes the child's
-- private links or corrects the birth date or code the lookup was made with (an access earned
-- with wrong details, or a forwarded link, must not outlive the correction).
CREATE TABLE child_access_revoked (
    student_id     INTEGER PRIMARY KEY REFERENCES student(id),
    revoked_before BIGINT NOT NULL
);
