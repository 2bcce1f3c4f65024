//! Complaints, handled in the product: a parent files one from an invoice or a
//! receipt and follows it with a tracking code; the school's accountant answers
//! it before its due date and resolves or rejects it. Every step is in the audit
//! log. The tracking code is stored hashed: without it, nothing is revealed.

use crate::error::AppError;
pub use crate::model::{
    ComplaintDetail, ComplaintKind, ComplaintMessage, ComplaintRow, ComplaintStatus, ComplaintView,
    FiledComplaint, MatchingTransfer, ANSWER_WITHIN_DAYS, MAX_PHOTO_BYTES,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// A parent files a complaint about one of their child's invoices or receipts.
#[server(prefix = "/rpc", endpoint = "complaint/file", input = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn file_complaint(
    token: String,
    invoice: String,
    receipt: String,
    kind: ComplaintKind,
    bank_reference: String,
    description: String,
    photo: String,
) -> Result<FiledComplaint, AppError> {
    use crate::domain::time::UnixTime;
    use crate::error::Field;
    use crate::server::audit::{record, Entry};
    use crate::server::complaints;
    let state = crate::server::state::app_state()?;
    let now = state.clock.now_time();
    let student_id = crate::server::parent::child_of(&state, &token).await?;
    let description = complaints::message_text(&description)?;
    let bank_reference = bank_reference.trim().to_string();
    if bank_reference.len() > 64 {
        return Err(AppError::InvalidInput(Field::Reference));
    }
    let photo = complaints::photo(&photo)?;
    let (school_id, office_id) = complaints::school_of_student(&state.db, student_id).await?;
    // The invoice or receipt must be this child's.
    let invoice_id = if invoice.is_empty() {
        None
    } else {
        let code = crate::domain::invoice_code::InvoiceCode::parse(&invoice)
            .map_err(|_| AppError::InvalidInput(Field::InvoiceCode))?;
        let found = complaints::child_invoice(&state.db, code.as_str(), student_id).await?;
        Some(found.ok_or(AppError::NotFound)?)
    };
    let receipt = receipt.trim().to_string();
    if !receipt.is_empty() && !complaints::is_child_receipt(&state.db, &receipt, student_id).await?
    {
        return Err(AppError::NotFound);
    }
    // A few a day per child: enough for any real problem.
    let today =
        complaints::filed_since(&state.db, student_id, UnixTime(now.seconds() - 86_400)).await?;
    if today >= 5 {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: 86_400,
        });
    }
    let code = complaints::new_tracking_code();
    let hash = complaints::tracking_hash(&code).ok_or(AppError::Internal)?;
    let due_at = now.seconds() + ANSWER_WITHIN_DAYS * 86_400;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let id = complaints::insert(
        &mut tx,
        &complaints::NewComplaint {
            school_id,
            student_id,
            invoice_id,
            receipt: &receipt,
            tracking_hash: &hash,
            kind,
            bank_reference: &bank_reference,
            description: &description,
            photo: photo.as_ref().map(|(t, b)| (*t, b.as_slice())),
            created_at: now,
            due_at: UnixTime(due_at),
        },
    )
    .await?;
    complaints::add_message(
        &mut tx,
        id,
        None,
        &description,
        Some(ComplaintStatus::Received),
        now,
    )
    .await?;
    record(
        &mut tx,
        now,
        None,
        office_id,
        Entry::at_school(school_id, "file", "complaint", id).after(serde_json::json!({
            "kind": kind.as_str(), "invoice_id": invoice_id, "receipt": receipt,
            "bank_reference": bank_reference, "photo": photo.is_some(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(FiledComplaint {
        tracking_code: code,
        due_at,
    })
}

/// A complaint by its tracking code, with the school's answers.
#[server(prefix = "/rpc", endpoint = "complaint/track", input = Json)]
pub async fn track_complaint(code: String) -> Result<ComplaintView, AppError> {
    use crate::server::complaints;
    let state = crate::server::state::app_state()?;
    let tracked = complaints::by_code(&state, &code).await?;
    complaints::parent_view(&state.db, tracked.id).await
}

/// The parent adds to their complaint (a detail, an answer to the school's question).
#[server(prefix = "/rpc", endpoint = "complaint/reply", input = Json)]
pub async fn reply_to_complaint(code: String, body: String) -> Result<(), AppError> {
    use crate::server::audit::{record, Entry};
    use crate::server::complaints;
    let state = crate::server::state::app_state()?;
    let tracked = complaints::by_code(&state, &code).await?;
    let body = complaints::message_text(&body)?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    complaints::add_message(&mut tx, tracked.id, None, &body, None, now).await?;
    record(
        &mut tx,
        now,
        None,
        tracked.office_id,
        Entry::at_school(tracked.school_id, "reply", "complaint", tracked.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A school's complaints, open ones first, by due date.
#[server(prefix = "/rpc", endpoint = "complaint/list", input = Json)]
pub async fn school_complaints(school_id: i64) -> Result<Vec<ComplaintRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    crate::server::complaints::school_queue(&state.db, school_id, state.clock.now_time()).await
}

/// One complaint with its photo, its conversation and the school's transfers
/// carrying the bank reference the parent gave. Opening it is in the audit log
/// (it shows a child's data).
#[server(prefix = "/rpc", endpoint = "complaint/detail", input = Json)]
pub async fn open_complaint(school_id: i64, id: i64) -> Result<ComplaintDetail, AppError> {
    use crate::server::complaints;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_office_reader(school_id).await?;
    let now = state.clock.now_time();
    let row = complaints::school_complaint(&state.db, school_id, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let photo = complaints::photo_of(&state.db, id).await?;
    let transfers = match &row.bank_reference {
        Some(reference) if reference.len() >= 4 => {
            complaints::matching_transfers(&state.db, school_id, reference).await?
        }
        _ => Vec::new(),
    };
    crate::server::audit::viewed(&state, &staff, school_id, "complaint", id).await?;
    Ok(ComplaintDetail {
        messages: complaints::messages(&state.db, id).await?,
        row,
        photo,
        transfers,
    })
}

/// The school answers a complaint and sets its status (resolved and rejected close it).
#[server(prefix = "/rpc", endpoint = "complaint/answer", input = Json)]
pub async fn answer_complaint(
    school_id: i64,
    id: i64,
    body: String,
    status: ComplaintStatus,
) -> Result<(), AppError> {
    use crate::server::complaints;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let body = complaints::message_text(&body)?;
    let now = state.clock.now_time();

    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let before = complaints::status_of(&mut tx, school_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    complaints::set_status(&mut tx, id, status, now).await?;
    complaints::add_message(&mut tx, id, Some(staff.id), &body, Some(status), now).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "answer", "complaint", id)
            .before(serde_json::json!({"status": before}))
            .after(serde_json::json!({"status": status.as_str(), "answer": body})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
