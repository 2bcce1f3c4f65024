//! Cancelling a receipt (signed, with a reason) and replacing it.

use super::keys::unseal;
use super::sign::sign_and_store;
use super::sign::Draft;
use super::unavailable;
use crate::domain::ids::{InvoiceId, PaymentId, ReceiptId, SchoolId, StaffId, StudentId};
use crate::domain::receipt::{self, b64, cancel_message, ReceiptContent};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::vault::Vault;
use ed25519_dalek::Signer;
use sqlx::AnyConnection;

/// Cancels a receipt with a reason, signed by the key that signed it. Returns
/// false when it was already cancelled.
pub async fn cancel(
    conn: &mut AnyConnection,
    vault: &Vault,
    receipt_id: ReceiptId,
    reason: &str,
    staff_id: Option<StaffId>,
    now: UnixTime,
) -> Result<bool, AppError> {
    let row: Option<(String, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT r.key_id, r.digest, r.cancelled_at, k.sealed_private_key FROM receipt r \
         JOIN signing_key k ON k.key_id = r.key_id WHERE r.id = $1",
    )
    .bind(receipt_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (key_id, digest_b64, cancelled, sealed) = row.ok_or(AppError::NotFound)?;
    if cancelled.is_some() {
        return Ok(false);
    }
    let key = unseal(vault, &key_id, &sealed)?;
    let digest: [u8; 32] = receipt::from_b64(&digest_b64)
        .and_then(|d| d.try_into().ok())
        .ok_or(AppError::Internal)?;
    let signature = key
        .sign(&cancel_message(&digest, now.seconds(), reason))
        .to_bytes();
    sqlx::query(
        "UPDATE receipt SET cancelled_at = $1, cancel_reason = $2, cancel_signature = $3, cancelled_by = $4 WHERE id = $5",
    )
    .bind(now)
    .bind(reason)
    .bind(b64(&signature))
    .bind(staff_id)
    .bind(receipt_id)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Cancels the live receipts of a payment (its settlement was undone).
pub async fn cancel_for_payment(
    conn: &mut AnyConnection,
    vault: &Vault,
    payment_id: PaymentId,
    reason: &str,
    staff_id: Option<StaffId>,
    now: UnixTime,
) -> Result<usize, AppError> {
    let ids: Vec<(ReceiptId,)> =
        sqlx::query_as("SELECT id FROM receipt WHERE payment_id = $1 AND cancelled_at IS NULL")
            .bind(payment_id)
            .fetch_all(&mut *conn)
            .await?;
    for (id,) in &ids {
        cancel(conn, vault, *id, reason, staff_id, now).await?;
    }
    Ok(ids.len())
}

/// Cancels a receipt and issues its replacement (same payment and invoice, the
/// payer's name corrected if given), which names the receipt it replaces.
pub async fn replace(
    conn: &mut AnyConnection,
    vault: &Vault,
    receipt_id: ReceiptId,
    reason: &str,
    payer: Option<&str>,
    staff_id: StaffId,
    now: UnixTime,
) -> Result<ReceiptId, AppError> {
    let row: Option<(SchoolId, PaymentId, InvoiceId, StudentId, String, Option<i64>)> = sqlx::query_as(
        "SELECT school_id, payment_id, invoice_id, student_id, content, cancelled_at FROM receipt WHERE id = $1",
    )
    .bind(receipt_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (school_id, payment_id, invoice_id, student_id, content, cancelled) =
        row.ok_or(AppError::NotFound)?;
    if cancelled.is_some() {
        return Err(AppError::NotFound);
    }
    let old: ReceiptContent = serde_json::from_str(&content).map_err(unavailable)?;
    cancel(conn, vault, receipt_id, reason, Some(staff_id), now).await?;
    let mut fresh = old.clone();
    fresh.replaces = Some(old.label());
    fresh.issued_at = now.seconds();
    if let Some(payer) = payer.map(str::trim).filter(|p| !p.is_empty()) {
        fresh.payer = payer.to_string();
    }
    let draft = Draft {
        school_id,
        payment_id,
        invoice_id,
        student_id,
        content: fresh,
    };
    let id = sign_and_store(conn, vault, vec![draft], now)
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    sqlx::query("UPDATE receipt SET replaced_by = $1 WHERE id = $2")
        .bind(id)
        .bind(receipt_id)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}
