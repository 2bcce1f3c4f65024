//! Children's data on a parent's request (the Law on Personal Data Protection, 91/2025/QH15): the school exports
//! everything hocphi holds about a student, or erases their personal data
//! (keeping what accounting rules require), and sets how long after a student
//! left their data is anonymised.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Days after leaving before anonymising, as a school may choose them.
pub const RETENTION_DAYS: std::ops::RangeInclusive<i64> = 30..=3650;

/// Everything about one student, as a readable JSON document (the parent's copy).
#[server(prefix = "/rpc", endpoint = "privacy/export", input = Json)]
#[allow(clippy::type_complexity)]
pub async fn export_student(school_id: i64, student_id: i64) -> Result<String, AppError> {
    use serde_json::json;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let db = &state.db;
    let student: Option<(String, String, String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT code, full_name, date_of_birth, left_on, erased_at FROM student WHERE id = $1 AND school_id = $2",
    )
    .bind(student_id)
    .bind(school_id)
    .fetch_optional(db)
    .await?;
    let (code, name, born, left_on, erased_at) = student.ok_or(AppError::NotFound)?;
    let classes: Vec<(String, String)> = sqlx::query_as(
        "SELECT y.label, c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
         JOIN school_year y ON y.id = e.school_year_id WHERE e.student_id = $1 ORDER BY y.label",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let invoices: Vec<(String, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT code, period, title, total, voided_at FROM invoice WHERE student_id = $1 ORDER BY period, id",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let payments: Vec<(String, i64, i64, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT i.code, a.amount, p.received_at, p.method, p.payer_name, p.memo FROM payment_allocation a \
         JOIN payment p ON p.id = a.payment_id JOIN invoice i ON i.id = a.invoice_id \
         WHERE i.student_id = $1 ORDER BY p.received_at",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let receipts: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT public_code, content, issued_at, cancelled_at FROM receipt WHERE student_id = $1 ORDER BY issued_at",
    )
    .bind(student_id)
    .fetch_all(db)
    .await?;
    let complaints: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
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
    let document = json!({
        "generated_by": "hocphi",
        "student": {"code": code, "full_name": name, "date_of_birth": born, "left_on": left_on, "erased_at": erased_at},
        "classes": classes.iter().map(|(y, c)| json!({"school_year": y, "class": c})).collect::<Vec<_>>(),
        "exemptions": exemptions.iter().map(|(p, n)| json!({"policy": p, "note": n})).collect::<Vec<_>>(),
        "invoices": invoices.iter().map(|(c, p, t, total, v)| json!({"code": c, "period": p, "title": t, "total_dong": total, "voided_at": v})).collect::<Vec<_>>(),
        "payments": payments.iter().map(|(i, a, at, m, who, memo)| json!({"invoice": i, "amount_dong": a, "received_at": at, "method": m, "payer_name": who, "memo": memo})).collect::<Vec<_>>(),
        "receipts": receipts.iter().map(|(c, content, at, cancelled)| json!({"code": c, "issued_at": at, "cancelled_at": cancelled,
            "content": serde_json::from_str::<serde_json::Value>(content).unwrap_or_default()})).collect::<Vec<_>>(),
        "complaints": complaints.iter().map(|(id, k, s, d, at)| json!({"id": id, "kind": k, "status": s, "description": d, "created_at": at})).collect::<Vec<_>>(),
    });
    crate::server::audit::by_staff_alone(
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "export", "student", student_id),
    )
    .await?;
    serde_json::to_string_pretty(&document).map_err(|_| AppError::Internal)
}

/// Erases a student's personal data on a parent's request. Invoices, payments
/// and signed receipts stay (accounting rules); the reason is recorded, the
/// erased data is not.
#[server(prefix = "/rpc", endpoint = "privacy/erase", input = Json)]
pub async fn erase_student(
    school_id: i64,
    student_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason = crate::domain::validate::free_text(&reason, 5, 500)
        .ok_or(AppError::InvalidInput(crate::error::Field::Reason))?;
    let (found,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM student WHERE id = $1 AND school_id = $2")
            .bind(student_id)
            .bind(school_id)
            .fetch_one(&state.db)
            .await?;
    if found == 0 {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::privacy::anonymise(&mut tx, student_id, now).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "erase", "student", student_id)
            .after(serde_json::json!({"reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many days after a student left their data is anonymised, at this school.
#[server(prefix = "/rpc", endpoint = "privacy/retention", input = Json)]
pub async fn retention_days(school_id: i64) -> Result<i64, AppError> {
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    let (days,): (i64,) = sqlx::query_as("SELECT anonymise_after_days FROM school WHERE id = $1")
        .bind(school_id)
        .fetch_one(&state.db)
        .await?;
    Ok(days)
}

#[server(prefix = "/rpc", endpoint = "privacy/set-retention", input = Json)]
pub async fn set_retention_days(school_id: i64, days: i64) -> Result<(), AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    if !RETENTION_DAYS.contains(&days) {
        return Err(AppError::InvalidInput(crate::error::Field::Period));
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (before,): (i64,) = sqlx::query_as("SELECT anonymise_after_days FROM school WHERE id = $1")
        .bind(school_id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("UPDATE school SET anonymise_after_days = $1 WHERE id = $2")
        .bind(days)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "update", "retention", school_id)
            .before(serde_json::json!({"days": before}))
            .after(serde_json::json!({"days": days})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
