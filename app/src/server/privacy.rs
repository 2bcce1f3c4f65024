//! Children's personal data (the Law on Personal Data Protection, 91/2025/QH15): anonymising a student, on a
//! parent's request or when the school's period after they left has passed.
//! What accounting rules require is kept as it is: invoices, payments (as the
//! bank reported them) and signed receipts, which cannot be altered anyway.

use crate::error::AppError;
use crate::server::database::Engine;
use crate::server::state::Db;

/// Replaces a student's personal data with a placeholder, in the caller's
/// transaction: name, code, date of birth, exemption grounds, family links,
/// complaint texts and photos, and the code in events kept for the school's
/// software.
pub async fn anonymise(
    conn: &mut sqlx::AnyConnection,
    student_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let before: Option<(String, i64)> =
        sqlx::query_as("SELECT code, school_id FROM student WHERE id = $1 AND erased_at IS NULL")
            .bind(student_id)
            .fetch_optional(&mut *conn)
            .await?;
    let done = sqlx::query(
        "UPDATE student SET full_name = 'Học sinh đã ẩn danh', code = 'AN-' || id, \
         date_of_birth = '1900-01-01', erased_at = $2 WHERE id = $1 AND erased_at IS NULL",
    )
    .bind(student_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    if let Some((code, school_id)) = before {
        // Events carry the code as the database's JSON functions wrote it:
        // `"student_code":"<code>"` (SQLite) or `"student_code": "<code>"` (PostgreSQL).
        for gap in ["", " "] {
            sqlx::query(
                "UPDATE api_event SET payload = replace(payload, $1, $2) \
                 WHERE school_id = $3 AND payload LIKE '%' || $1 || '%'",
            )
            .bind(format!("\"student_code\":{gap}\"{code}\""))
            .bind(format!("\"student_code\":{gap}\"AN-{student_id}\""))
            .bind(school_id)
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query("DELETE FROM student_exemption WHERE student_id = $1")
        .bind(student_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE student_link SET revoked_at = COALESCE(revoked_at, $2) WHERE student_id = $1",
    )
    .bind(student_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE complaint SET description = '[đã xoá]', photo = NULL, photo_type = NULL WHERE student_id = $1",
    )
    .bind(student_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE complaint_message SET body = '[đã xoá]' \
         WHERE complaint_id IN (SELECT id FROM complaint WHERE student_id = $1)",
    )
    .bind(student_id)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Anonymises every student who left longer ago than their school's period.
/// Runs daily (and at start); returns how many were anonymised.
pub async fn sweep(db: &Db, now: i64, today: &str) -> Result<u64, AppError> {
    // Dates are ISO text on both engines; each does its own day arithmetic.
    let cutoff = match Engine::of(db) {
        Engine::Sqlite => "date($1, '-' || sc.anonymise_after_days || ' days')",
        Engine::Postgres => {
            "to_char(CAST($1 AS date) - CAST(sc.anonymise_after_days AS integer), 'YYYY-MM-DD')"
        }
    };
    let due: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT st.id, st.school_id, sc.office_id FROM student st JOIN school sc ON sc.id = st.school_id \
         WHERE st.erased_at IS NULL AND st.left_on IS NOT NULL AND st.left_on <= {cutoff}"
    ))
    .bind(today)
    .fetch_all(db)
    .await?;
    let mut count = 0;
    for (student_id, school_id, office_id) in due {
        let mut tx = db.begin().await?;
        if anonymise(&mut tx, student_id, now).await? {
            crate::server::audit::record(
                &mut tx,
                now,
                None,
                office_id,
                crate::server::audit::Entry::at_school(
                    school_id,
                    "anonymise",
                    "student",
                    student_id,
                )
                .after(serde_json::json!({"why": "left longer ago than the school's period"})),
            )
            .await?;
            count += 1;
        }
        tx.commit().await?;
    }
    // Tokens a parent ended ("forget this phone") are kept only until they
    // would have expired anyway.
    sqlx::query("DELETE FROM child_token_revoked WHERE expires_at < $1")
        .bind(now)
        .execute(db)
        .await?;
    Ok(count)
}
