//! The accountant's invoice list (search, totals, .xlsx export) and voiding an
//! invoice with a reason: an issued invoice is never edited; what was paid on it
//! becomes a credit that the reissued invoice takes off.

use crate::error::AppError;
use crate::staff::{InvoiceFilter, InvoiceRow};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

pub use crate::staff::MAX_LISTED;

#[server(prefix = "/rpc", endpoint = "invoices/list", input = Json)]
pub async fn list_invoices(
    school_id: i64,
    filter: InvoiceFilter,
) -> Result<Vec<InvoiceRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let rows =
        crate::server::invoices::list_invoices(&state.db, school_id, &filter, state.clock.today())
            .await?;
    crate::server::audit::viewed(&state, &staff, school_id, "invoices", school_id).await?;
    Ok(rows)
}

/// One invoice as its family sees it, for the accountant answering a question
/// about it: its lines (voluntary ones marked, declined ones apart), what was
/// paid and when, and its receipts.
#[server(prefix = "/rpc", endpoint = "invoices/detail", input = Json)]
pub async fn staff_invoice_detail(
    school_id: i64,
    code: String,
) -> Result<crate::model::InvoiceDetail, AppError> {
    use crate::domain::invoice_code::InvoiceCode;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let code = InvoiceCode::parse(code.trim()).map_err(|_| AppError::NotFound)?;
    // Only an invoice of this school: another school's code is not found here.
    let student_id = crate::server::invoices::student_of(&state.db, school_id, &code).await?;
    let detail =
        crate::server::parent::invoice_detail(&state.db, student_id, &code, state.clock.today())
            .await?;
    crate::server::audit::viewed(&state, &staff, school_id, "invoice", code.as_str()).await?;
    Ok(detail)
}

/// The same list as an .xlsx file (base64), for the accountant to file or send upwards.
#[server(prefix = "/rpc", endpoint = "invoices/export", input = Json)]
pub async fn export_invoices(school_id: i64, filter: InvoiceFilter) -> Result<String, AppError> {
    use base64::Engine;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let rows =
        crate::server::invoices::list_invoices(&state.db, school_id, &filter, state.clock.today())
            .await?;
    crate::server::audit::viewed(&state, &staff, school_id, "invoices_export", school_id).await?;
    let bytes = crate::server::xlsx_export::invoice_list(&rows).map_err(|e| {
        tracing::error!("xlsx export: {e}");
        AppError::Internal
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Voids an invoice, with the reason. What was paid on it becomes a credit, taken
/// off the invoice reissued for the same period (by running the period again).
#[server(prefix = "/rpc", endpoint = "invoices/void", input = Json)]
pub async fn void_invoice(
    school_id: i64,
    code: String,
    reason: String,
) -> Result<crate::staff::VoidDone, AppError> {
    use crate::error::Field;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 300).ok_or(AppError::InvalidInput(Field::Reason))?;
    let invoice = crate::server::invoices::open_invoice(&state.db, school_id, code.trim()).await?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    // A statement's receipts still owed for what was paid on it come before
    // the void, as they would have had they been issued with the payments.
    crate::server::ledger::owed::issue_owed_of(
        &mut tx,
        &state.vault,
        crate::server::ledger::owed::Of::Invoice(invoice.id()),
        now,
    )
    .await?;
    let voided =
        crate::server::invoices::void(&mut tx, &invoice, code.trim(), &reason, now).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "void", "invoice", code.trim())
            .before(serde_json::json!({"period": invoice.period, "paid": invoice.paid}))
            .after(serde_json::json!({"voided": true, "reason": reason, "credit": voided.paid, "credits_back": voided.credits_back})),
    )
    .await?;
    tx.commit().await?;
    Ok(crate::staff::VoidDone {
        paid: voided.paid,
        credits_back: voided.credits_back,
    })
}
