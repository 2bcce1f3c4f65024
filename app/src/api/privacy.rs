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
pub async fn export_student(school_id: i64, student_id: i64) -> Result<String, AppError> {
    use crate::domain::ids::{SchoolId, StudentId};
    let (school_id, student_id) = (SchoolId(school_id), StudentId(student_id));
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let document = crate::server::privacy::export(&state.db, school_id, student_id).await?;
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
    use crate::domain::ids::{SchoolId, StudentId};
    let (school_id, student_id) = (SchoolId(school_id), StudentId(student_id));
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason = crate::domain::validate::free_text(&reason, 5, 500)
        .ok_or(AppError::InvalidInput(crate::error::Field::Reason))?;
    if !crate::server::privacy::student_exists(&state.db, school_id, student_id).await? {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    // A statement's receipts still owed for this child are issued first: a
    // receipt shows the name it was paid under.
    crate::server::ledger::owed::issue_owed_of(
        &mut tx,
        &state.vault,
        crate::server::ledger::owed::Of::Student(student_id),
        now,
    )
    .await?;
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
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    crate::server::privacy::retention_days(&state.db, school_id).await
}

#[server(prefix = "/rpc", endpoint = "privacy/set-retention", input = Json)]
pub async fn set_retention_days(school_id: i64, days: i64) -> Result<(), AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    if !RETENTION_DAYS.contains(&days) {
        return Err(AppError::InvalidInput(crate::error::Field::Period));
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let before = crate::server::privacy::set_retention_days(&mut tx, school_id, days).await?;
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
