//! Payments and the receipts signed for them as the REST API pages them: in the
//! order they changed (`change_no`, see `server/src/http/paging.rs`), with what
//! each payment put towards which invoice. Reads only; payments are recorded
//! by `server::ledger`, receipts issued by `server::receipts`.

use crate::domain::ids::{PaymentId, SchoolId};
use crate::domain::money::Vnd;
use crate::error::AppError;
use crate::server::state::Db;

/// A payment as the REST API lists it.
#[derive(sqlx::FromRow)]
pub struct PaymentChange {
    pub id: PaymentId,
    pub method: String,
    /// The stored external id (see `server::bank::reference_of`).
    pub external_id: String,
    pub amount: Vnd,
    pub received_at: i64,
    pub outcome: String,
    pub updated_at: i64,
    pub change_no: i64,
}

/// The school's payments changed at or after `since` with a change number
/// above `after`, oldest change first, at most `limit`.
pub async fn changes(
    db: &Db,
    school_id: SchoolId,
    since: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<PaymentChange>, AppError> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.method, p.external_id, p.amount, p.received_at, p.outcome, p.updated_at, p.change_no FROM payment p \
         WHERE p.school_id = $1 AND p.updated_at >= $2 AND p.change_no > $3 ORDER BY p.change_no LIMIT $4",
    )
    .bind(school_id)
    .bind(since)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// What a payment put towards each invoice: (invoice code, amount), by code.
pub async fn paid_invoices(db: &Db, payment_id: PaymentId) -> Result<Vec<(String, Vnd)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT i.code, a.amount FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id \
         WHERE a.payment_id = $1 ORDER BY i.code",
    )
    .bind(payment_id)
    .fetch_all(db)
    .await?)
}

/// A signed receipt as the REST API lists it.
#[derive(sqlx::FromRow)]
pub struct ReceiptChange {
    pub public_code: String,
    pub series: String,
    pub year: i64,
    pub number: i64,
    pub invoice_code: String,
    pub payment_id: PaymentId,
    pub total: Vnd,
    pub issued_at: i64,
    pub cancelled_at: Option<i64>,
    pub cancel_reason: Option<String>,
    /// The public code of the receipt that replaced it.
    pub replaced_by: Option<String>,
    pub content: String,
    pub digest: String,
    pub signature: String,
    pub key_id: String,
    pub updated_at: i64,
    pub change_no: i64,
}

/// The school's receipts changed at or after `since` with a change number
/// above `after`, oldest change first, at most `limit`.
pub async fn receipt_changes(
    db: &Db,
    school_id: SchoolId,
    since: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<ReceiptChange>, AppError> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.public_code, r.series, r.year, r.number, i.code AS invoice_code, r.payment_id, r.total, r.issued_at, \
            r.cancelled_at, r.cancel_reason, (SELECT n.public_code FROM receipt n WHERE n.id = r.replaced_by) AS replaced_by, \
            r.content, r.digest, r.signature, r.key_id, r.updated_at, r.change_no \
         FROM receipt r JOIN invoice i ON i.id = r.invoice_id \
         WHERE r.school_id = $1 AND r.updated_at >= $2 AND r.change_no > $3 ORDER BY r.change_no LIMIT $4",
    )
    .bind(school_id)
    .bind(since)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?)
}
