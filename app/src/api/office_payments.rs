//! Payments taken at the school office: a card at the POS terminal (terminal id,
//! approval code, last 4 digits only) or cash. Each settles the invoice and issues
//! its receipt like a transfer; cash is recorded, and never counted as cashless.

use crate::error::AppError;
use crate::staff::{OfficePayment, PosPreview};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Records a card or cash payment for an invoice (or a payment group) and
/// settles it. Returns the receipt codes issued. A card approval is recorded
/// once: the same terminal and approval code again changes nothing.
#[server(prefix = "/rpc", endpoint = "office-payments/record", input = Json)]
pub async fn record_office_payment(
    school_id: i64,
    payment: OfficePayment,
) -> Result<Vec<String>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let now = state.clock.now_time();
    let recorded =
        crate::server::office_payments::record(&mut tx, &state, &staff, school_id, &payment, now)
            .await?;
    let codes = crate::server::office_payments::receipt_codes(&mut tx, &recorded).await?;
    tx.commit().await?;
    Ok(codes)
}

/// What importing a POS settlement file would record, line by line; nothing is written.
#[server(prefix = "/rpc", endpoint = "office-payments/pos-preview", input = Json)]
pub async fn preview_pos_settlement(
    school_id: i64,
    content_base64: String,
) -> Result<PosPreview, AppError> {
    import_file(school_id, &content_base64, false).await
}

/// Records every card payment of a POS settlement file, or none if a line is wrong.
#[server(prefix = "/rpc", endpoint = "office-payments/pos-commit", input = Json)]
pub async fn commit_pos_settlement(
    school_id: i64,
    content_base64: String,
) -> Result<PosPreview, AppError> {
    import_file(school_id, &content_base64, true).await
}

/// Records a POS file's lines in one transaction: kept when `commit` and no
/// line is wrong, rolled back otherwise (the preview is the same run).
#[cfg(feature = "ssr")]
async fn import_file(
    school_id: i64,
    content_base64: &str,
    commit: bool,
) -> Result<PosPreview, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let preview =
        crate::server::office_payments::import(&mut tx, &state, &staff, school_id, content_base64)
            .await?;
    if !commit {
        tx.rollback().await?;
    } else if preview.lines.is_empty() || !preview.errors.is_empty() {
        return Err(AppError::ImportRejected);
    } else {
        tx.commit().await?;
    }
    Ok(preview)
}
