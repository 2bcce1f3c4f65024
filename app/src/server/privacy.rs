//! Children's personal data (the Law on Personal Data Protection, 91/2025/QH15): anonymising a student, on a
//! parent's request or when the school's period after they left has passed.
//! What accounting rules require is kept as it is: invoices, payments (as the
//! bank reported them) and signed receipts, which cannot be altered anyway.
//! Also the parent's copy of everything about a student (the export) and the
//! school's period before anonymising; the server functions in `api::privacy`
//! check who asks and write the audit lines.

use crate::domain::ids::{SchoolId, StudentId};
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::database::Engine;
use crate::server::state::Db;

/// Replaces a student's personal data with a placeholder, in the caller's
/// transaction: name, code, date of birth, exemption grounds, family links
/// and phones' access, complaint texts and photos, and the code in events kept for the school's
/// software.
pub async fn anonymise(
    conn: &mut sqlx::AnyConnection,
    student_id: StudentId,
    now: UnixTime,
) -> Result<bool, AppError> {
    let before: Option<(String, SchoolId)> =
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
    // And every phone's access: a kept token could still decline a fee or
    // file a complaint (a name, a photo) against the child.
    crate::server::parent::end_child_access(conn, student_id, now).await?;
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

/// A student due for anonymising, with where the audit line goes.
#[derive(sqlx::FromRow)]
struct DueRecord {
    student_id: StudentId,
    school_id: SchoolId,
    office_id: i64,
}

/// Anonymises every student who left longer ago than their school's period,
/// but for one with a statement's receipts still owed (a receipt shows the
/// name it was paid under): the next day's sweep, after they are issued.
/// Runs daily (and at start); returns how many were anonymised.
pub async fn sweep(db: &Db, now: UnixTime, today: &str) -> Result<u64, AppError> {
    // Dates are ISO text on both engines; each does its own day arithmetic.
    let cutoff = match Engine::of(db) {
        Engine::Sqlite => "date($1, '-' || sc.anonymise_after_days || ' days')",
        Engine::Postgres => {
            "to_char(CAST($1 AS date) - CAST(sc.anonymise_after_days AS integer), 'YYYY-MM-DD')"
        }
    };
    let due: Vec<DueRecord> = sqlx::query_as(&format!(
        "SELECT st.id AS student_id, st.school_id, sc.office_id FROM student st JOIN school sc ON sc.id = st.school_id \
         WHERE st.erased_at IS NULL AND st.left_on IS NOT NULL AND st.left_on <= {cutoff} \
         AND NOT EXISTS (SELECT 1 FROM receipt_owed o JOIN payment_allocation a ON a.payment_id = o.payment_id \
           JOIN invoice i ON i.id = a.invoice_id WHERE i.student_id = st.id)"
    ))
    .bind(today)
    .fetch_all(db)
    .await?;
    let mut count = 0;
    for DueRecord {
        student_id,
        school_id,
        office_id,
    } in due
    {
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

/// Whether this student is the school's.
pub async fn student_exists(
    db: &Db,
    school_id: SchoolId,
    student_id: StudentId,
) -> Result<bool, AppError> {
    let found: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM student WHERE id = $1 AND school_id = $2")
            .bind(student_id)
            .bind(school_id)
            .fetch_one(db)
            .await?;
    Ok(found != 0)
}

#[derive(sqlx::FromRow)]
struct StudentRecord {
    code: String,
    full_name: String,
    date_of_birth: String,
    left_on: Option<String>,
    erased_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct InvoiceRecord {
    code: String,
    period: String,
    title: String,
    total: Vnd,
    voided_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PaymentRecord {
    invoice: String,
    amount: Vnd,
    received_at: i64,
    method: String,
    payer_name: Option<String>,
    memo: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ReceiptRecord {
    public_code: String,
    content: String,
    issued_at: i64,
    cancelled_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ComplaintRecord {
    id: i64,
    kind: String,
    status: String,
    description: String,
    created_at: i64,
}

/// Everything hocphi holds about one of the school's students, as a readable
/// JSON document (the parent's copy); `NotFound` if it is not the school's.
pub async fn export(
    db: &Db,
    school_id: SchoolId,
    student_id: StudentId,
) -> Result<serde_json::Value, AppError> {
    use serde_json::json;
    let student: Option<StudentRecord> = sqlx::query_as(
        "SELECT code, full_name, date_of_birth, left_on, erased_at FROM student WHERE id = $1 AND school_id = $2",
    )
    .bind(student_id)
    .bind(school_id)
    .fetch_optional(db)
    .await?;
    let student = student.ok_or(AppError::NotFound)?;
    let classes: Vec<(String, String)> = sqlx::query_as(
        "SELECT y.label, c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
         JOIN school_year y ON y.id = e.school_year_id WHERE e.student_id = $1 ORDER BY y.label",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let invoices: Vec<InvoiceRecord> = sqlx::query_as(
        "SELECT code, period, title, total, voided_at FROM invoice WHERE student_id = $1 ORDER BY period, id",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let payments: Vec<PaymentRecord> = sqlx::query_as(
        "SELECT i.code AS invoice, a.amount, p.received_at, p.method, p.payer_name, p.memo FROM payment_allocation a \
         JOIN payment p ON p.id = a.payment_id JOIN invoice i ON i.id = a.invoice_id \
         WHERE i.student_id = $1 ORDER BY p.received_at",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let receipts: Vec<ReceiptRecord> = sqlx::query_as(
        "SELECT public_code, content, issued_at, cancelled_at FROM receipt WHERE student_id = $1 ORDER BY issued_at",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let complaints: Vec<ComplaintRecord> = sqlx::query_as(
        "SELECT id, kind, status, description, created_at FROM complaint WHERE student_id = $1 ORDER BY created_at",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let exemptions: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.name, e.note FROM student_exemption e JOIN exemption_policy p ON p.id = e.policy_id WHERE e.student_id = $1",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    Ok(json!({
        "generated_by": "hocphi",
        "student": {"code": student.code, "full_name": student.full_name, "date_of_birth": student.date_of_birth,
            "left_on": student.left_on, "erased_at": student.erased_at},
        "classes": classes.iter().map(|(y, c)| json!({"school_year": y, "class": c})).collect::<Vec<_>>(),
        "exemptions": exemptions.iter().map(|(p, n)| json!({"policy": p, "note": n})).collect::<Vec<_>>(),
        "invoices": invoices.iter().map(|i| json!({"code": i.code, "period": i.period, "title": i.title,
            "total_dong": i.total, "voided_at": i.voided_at})).collect::<Vec<_>>(),
        "payments": payments.iter().map(|p| json!({"invoice": p.invoice, "amount_dong": p.amount,
            "received_at": p.received_at, "method": p.method, "payer_name": p.payer_name, "memo": p.memo}))
            .collect::<Vec<_>>(),
        "receipts": receipts.iter().map(|r| json!({"code": r.public_code, "issued_at": r.issued_at,
            "cancelled_at": r.cancelled_at,
            "content": serde_json::from_str::<serde_json::Value>(&r.content).unwrap_or_default()}))
            .collect::<Vec<_>>(),
        "complaints": complaints.iter().map(|c| json!({"id": c.id, "kind": c.kind, "status": c.status,
            "description": c.description, "created_at": c.created_at})).collect::<Vec<_>>(),
    }))
}

/// How many days after a student left their data is anonymised, at this school.
pub async fn retention_days(db: &Db, school_id: SchoolId) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT anonymise_after_days FROM school WHERE id = $1")
            .bind(school_id)
            .fetch_one(db)
            .await?,
    )
}

/// Sets the school's period, in the caller's transaction; returns the one it replaced.
pub async fn set_retention_days(
    conn: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    days: i64,
) -> Result<i64, AppError> {
    let before: i64 = sqlx::query_scalar("SELECT anonymise_after_days FROM school WHERE id = $1")
        .bind(school_id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("UPDATE school SET anonymise_after_days = $1 WHERE id = $2")
        .bind(days)
        .bind(school_id)
        .execute(&mut *conn)
        .await?;
    Ok(before)
}
