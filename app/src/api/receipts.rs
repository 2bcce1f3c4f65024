//! Receipts: a receipt by its link (anyone holding it), the server's own verdict
//! on a verification link, and the accountant's list, cancel-and-replace and export.

use crate::domain::receipt::Verdict;
use crate::error::AppError;
use crate::model::ReceiptView;
use crate::staff::StaffReceiptRow;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
pub mod imp {
    use crate::domain::receipt::ReceiptContent;
    use crate::error::AppError;
    use crate::model::ReceiptView;
    use crate::server::receipts::published_keys;
    use crate::server::state::Db;

    /// (id, school, content, key id, digest, signature, cancelled at, reason, cancel signature, replaced by code)
    type Row = (
        i64,
        i64,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );

    /// A receipt by its public code, with the school's keys.
    pub async fn view(db: &Db, code: &str) -> Result<(i64, i64, ReceiptView), AppError> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT r.id, r.school_id, r.content, r.key_id, r.digest, r.signature, r.cancelled_at, r.cancel_reason, \
                r.cancel_signature, (SELECT n.public_code FROM receipt n WHERE n.id = r.replaced_by) \
             FROM receipt r WHERE r.public_code = $1",
        )
        .bind(code.trim())
        .fetch_optional(db)
        .await?;
        let (
            id,
            school_id,
            content,
            key_id,
            digest,
            signature,
            cancelled_at,
            reason,
            cancel_sig,
            replaced_by,
        ) = row.ok_or(AppError::NotFound)?;
        let content: ReceiptContent = serde_json::from_str(&content).map_err(|e| {
            tracing::error!("receipt {id}: {e}");
            AppError::Internal
        })?;
        let mut conn = db.acquire().await?;
        let keys = published_keys(&mut conn, school_id).await?;
        Ok((
            id,
            school_id,
            ReceiptView {
                content,
                proof: format!("{key_id}.{digest}.{signature}"),
                keys: keys
                    .into_iter()
                    .map(|(id, public, _, _)| (id, public))
                    .collect(),
                cancellation: match (cancelled_at, reason, cancel_sig) {
                    (Some(at), Some(reason), Some(sig)) => Some((at, reason, sig)),
                    _ => None,
                },
                replaced_by,
            },
        ))
    }
}

/// A receipt by the code in its link. The code is unguessable: holding the link
/// is the permission, as with the receipt on paper. JSON, for anyone who checks
/// receipts with their own tools (README, "Receipts").
#[server(prefix = "/rpc", endpoint = "receipt")]
pub async fn load_receipt(code: String) -> Result<ReceiptView, AppError> {
    let state = crate::server::state::app_state()?;
    Ok(imp::view(&state.db, &code).await?.2)
}

/// The same receipt for the receipt app, in postcard: the app then carries no
/// JSON parser (it only writes the canonical JSON it verifies).
#[server(prefix = "/rpc", endpoint = "receipt/view", output = leptos::server_fn::codec::Postcard)]
pub async fn view_receipt(code: String) -> Result<ReceiptView, AppError> {
    let state = crate::server::state::app_state()?;
    Ok(imp::view(&state.db, &code).await?.2)
}

/// The server's verdict on a verification link (`proof` is what follows `#`).
#[server(prefix = "/rpc", endpoint = "receipt/verify", output = leptos::server_fn::codec::Postcard)]
pub async fn verify_receipt(code: String, proof: String) -> Result<Verdict, AppError> {
    let state = crate::server::state::app_state()?;
    let (_, _, view) = imp::view(&state.db, &code).await?;
    Ok(view.verdict(&proof))
}

/// The school's receipts of a period (`2026-11`, `11/2026`; empty: all of them,
/// the newest first, up to 5,000).
#[server(prefix = "/rpc", endpoint = "receipts/list", input = Json)]
pub async fn list_receipts(
    school_id: i64,
    period: String,
) -> Result<Vec<StaffReceiptRow>, AppError> {
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    staff_rows(&state.db, school_id, &crate::api::period_filter(&period)?).await
}

#[cfg(feature = "ssr")]
async fn staff_rows(
    db: &crate::server::state::Db,
    school_id: i64,
    period: &str,
) -> Result<Vec<StaffReceiptRow>, AppError> {
    use crate::domain::receipt::ReceiptContent;
    type Row = (
        String,
        String,
        i64,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.public_code, r.content, r.issued_at, r.cancelled_at, r.cancel_reason, \
            (SELECT n.series || '-' || substr('0000000' || n.number, -7) FROM receipt n WHERE n.id = r.replaced_by) \
         FROM receipt r JOIN invoice i ON i.id = r.invoice_id \
         WHERE r.school_id = $1 AND ($2 = '' OR i.period = $2) ORDER BY r.year DESC, r.number DESC LIMIT 5000",
    )
    .bind(school_id)
    .bind(period)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(code, content, issued_at, cancelled_at, reason, replaced_by)| {
                let c: ReceiptContent = serde_json::from_str(&content).ok()?;
                Some(StaffReceiptRow {
                    code,
                    label: c.label(),
                    issued_at,
                    payer: c.payer,
                    student: c.student,
                    class_name: c.class,
                    invoice_code: c.invoice_code,
                    period: c.period,
                    total: c.total,
                    method: c.method,
                    reference: c.reference,
                    replaces: c.replaces,
                    cancelled: cancelled_at.map(|at| (at, reason.unwrap_or_default())),
                    replaced_by,
                })
            },
        )
        .collect())
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
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 300).ok_or(AppError::InvalidInput(Field::Reason))?;
    let payer = payer.trim();
    if payer.chars().count() > 100 {
        return Err(AppError::InvalidInput(Field::DisplayName));
    }
    let (id, owner, _) = imp::view(&state.db, &code).await?;
    if owner != school_id {
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
        state.clock.now(),
    )
    .await?;
    let (fresh_code, series, number): (String, String, i64) =
        sqlx::query_as("SELECT public_code, series, number FROM receipt WHERE id = $1")
            .bind(fresh)
            .fetch_one(&mut *tx)
            .await?;
    by_staff(
        &mut tx,
        &state,
        &staff,
        Entry::at_school(school_id, "replace", "receipt", id)
            .after(serde_json::json!({"reason": reason, "replacement": fresh,
                "replacement_number": format!("{series}-{number:07}")})),
    )
    .await?;
    tx.commit().await?;
    Ok(fresh_code)
}

/// A period's receipts as an .xlsx file (base64), for the school's accounting.
#[server(prefix = "/rpc", endpoint = "receipts/export", input = Json)]
pub async fn export_receipts(school_id: i64, period: String) -> Result<String, AppError> {
    use base64::Engine;
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let rows = staff_rows(&state.db, school_id, &crate::api::period_filter(&period)?).await?;
    let bytes = crate::server::xlsx_export::receipt_list(&rows).map_err(|e| {
        tracing::error!("xlsx export: {e}");
        AppError::Internal
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}
