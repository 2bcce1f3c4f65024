//! Receipts: a receipt by its link (anyone holding it), the server's own verdict
//! on a verification link, and the accountant's list, cancel-and-replace and export.
//! Reading receipts is `server::receipt_view`; issuing and replacing them is
//! `server::receipts`.

use crate::domain::receipt::Verdict;
use crate::error::AppError;
use crate::model::ReceiptView;
use crate::staff::StaffReceiptRow;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// A receipt by the code in its link. The code is unguessable: holding the link
/// is the permission, as with the receipt on paper. JSON, for anyone who checks
/// receipts with their own tools (README, "Receipts").
#[server(prefix = "/rpc", endpoint = "receipt")]
pub async fn load_receipt(code: String) -> Result<ReceiptView, AppError> {
    let state = crate::server::state::app_state()?;
    Ok(crate::server::receipt_view::by_code(&state.db, &code)
        .await?
        .view)
}

/// The same receipt for the receipt app, in postcard: the app then carries no
/// JSON parser (it only writes the canonical JSON it verifies).
#[server(prefix = "/rpc", endpoint = "receipt/view", output = leptos::server_fn::codec::Postcard)]
pub async fn view_receipt(code: String) -> Result<ReceiptView, AppError> {
    let state = crate::server::state::app_state()?;
    Ok(crate::server::receipt_view::by_code(&state.db, &code)
        .await?
        .view)
}

/// The server's verdict on a verification link (`proof` is what follows `#`).
#[server(prefix = "/rpc", endpoint = "receipt/verify", output = leptos::server_fn::codec::Postcard)]
pub async fn verify_receipt(code: String, proof: String) -> Result<Verdict, AppError> {
    let state = crate::server::state::app_state()?;
    let found = crate::server::receipt_view::by_code(&state.db, &code).await?;
    Ok(found.view.verdict(&proof))
}

/// The school's receipts of a period (`2026-11`, `11/2026`; empty: all of them,
/// the newest first, up to 5,000).
#[server(prefix = "/rpc", endpoint = "receipts/list", input = Json)]
pub async fn list_receipts(
    school_id: i64,
    period: String,
) -> Result<Vec<StaffReceiptRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    crate::server::receipt_view::school_receipts(
        &state.db,
        school_id,
        &crate::server::period_filter(&period)?,
    )
    .await
}

/// Cancels a receipt with its reason and issues the replacement (the payer's
/// name corrected if given). The cancelled one stays, and verifies as cancelled.
#[server(prefix = "/rpc", endpoint = "receipts/replace", input = Json)]
pub async fn replace_receipt(
    school_id: i64,
    code: String,
    reason: String,
    payer: String,
) -> Result<String, AppError> {
    use crate::error::Field;
    use crate::server::audit::{by_staff, Entry};
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 300).ok_or(AppError::InvalidInput(Field::Reason))?;
    let payer = payer.trim();
    if payer.chars().count() > 100 {
        return Err(AppError::InvalidInput(Field::DisplayName));
    }
    let found = crate::server::receipt_view::by_code(&state.db, &code).await?;
    let id = found.id;
    if found.school_id != school_id {
        return Err(AppError::NotFound);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let fresh = crate::server::receipts::replace(
        &mut tx,
        &state.vault,
        id,
        &reason,
        (!payer.is_empty()).then_some(payer),
        staff.id,
        state.clock.now_time(),
    )
    .await?;
    let numbered = crate::server::receipt_view::numbered(&mut tx, fresh).await?;
    by_staff(
        &mut tx,
        &state,
        &staff,
        Entry::at_school(school_id, "replace", "receipt", id)
            .after(serde_json::json!({"reason": reason, "replacement": fresh,
                "replacement_number": numbered.label})),
    )
    .await?;
    tx.commit().await?;
    Ok(numbered.code)
}

/// A period's receipts as an .xlsx file (base64), for the school's accounting.
#[server(prefix = "/rpc", endpoint = "receipts/export", input = Json)]
pub async fn export_receipts(school_id: i64, period: String) -> Result<String, AppError> {
    use base64::Engine;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let rows = crate::server::receipt_view::school_receipts(
        &state.db,
        school_id,
        &crate::server::period_filter(&period)?,
    )
    .await?;
    let bytes = crate::server::xlsx_export::receipt_list(&rows).map_err(|e| {
        tracing::error!("xlsx export: {e}");
        AppError::Internal
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}
