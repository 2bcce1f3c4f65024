//! Reading receipts: one by the code in its link, with the school's published
//! keys so that anyone can check it; a school's receipts for its accountant; a
//! receipt's number; the school whose keys the public key list asks for.
//! Issuing, signing and cancelling receipts is `server::receipts`. The server
//! functions of `api::receipts` and the receipt endpoints (`/r/<code>.pdf`,
//! `/api/v1/schools/<slug>/receipt-keys`) are thin layers over it.

use crate::domain::ids::{ReceiptId, SchoolId};
use crate::domain::receipt::ReceiptContent;
use crate::error::AppError;
use crate::model::ReceiptView;
use crate::server::receipts::published_keys;
use crate::server::state::Db;
use crate::staff::StaffReceiptRow;
use sqlx::AnyConnection;

/// A receipt found by its public code.
pub struct FoundReceipt {
    pub id: ReceiptId,
    pub school_id: SchoolId,
    pub view: ReceiptView,
}

#[derive(sqlx::FromRow)]
struct ReceiptRecord {
    id: ReceiptId,
    school_id: SchoolId,
    content: String,
    key_id: String,
    digest: String,
    signature: String,
    cancelled_at: Option<i64>,
    cancel_reason: Option<String>,
    cancel_signature: Option<String>,
    /// The public code of the receipt that replaced it.
    replaced_by: Option<String>,
}

/// A receipt by its public code, with the school's keys.
pub async fn by_code(db: &Db, code: &str) -> Result<FoundReceipt, AppError> {
    let row: Option<ReceiptRecord> = sqlx::query_as(
        "SELECT r.id AS id, r.school_id AS school_id, r.content AS content, r.key_id AS key_id, \
            r.digest AS digest, r.signature AS signature, r.cancelled_at AS cancelled_at, \
            r.cancel_reason AS cancel_reason, r.cancel_signature AS cancel_signature, \
            (SELECT n.public_code FROM receipt n WHERE n.id = r.replaced_by) AS replaced_by \
         FROM receipt r WHERE r.public_code = $1",
    )
    .bind(code.trim())
    .fetch_optional(db)
    .await?;
    let r = row.ok_or(AppError::NotFound)?;
    let content: ReceiptContent = serde_json::from_str(&r.content).map_err(|e| {
        tracing::error!("receipt {}: {e}", r.id);
        AppError::Internal
    })?;
    let mut conn = db.acquire().await?;
    let keys = published_keys(&mut conn, r.school_id).await?;
    Ok(FoundReceipt {
        id: r.id,
        school_id: r.school_id,
        view: ReceiptView {
            content,
            proof: format!("{}.{}.{}", r.key_id, r.digest, r.signature),
            keys: keys
                .into_iter()
                .map(|(id, public, _, _)| (id, public))
                .collect(),
            cancellation: match (r.cancelled_at, r.cancel_reason, r.cancel_signature) {
                (Some(at), Some(reason), Some(sig)) => Some((at, reason, sig)),
                _ => None,
            },
            replaced_by: r.replaced_by,
        },
    })
}

#[derive(sqlx::FromRow)]
struct ListedReceipt {
    public_code: String,
    content: String,
    issued_at: i64,
    cancelled_at: Option<i64>,
    cancel_reason: Option<String>,
    /// The series and number of the receipt that replaced it.
    replaced_series: Option<String>,
    replaced_number: Option<i64>,
}

/// The school's receipts of a period as stored (`2026-11`; empty: all of
/// them), the newest first, up to 5,000. A receipt whose content does not
/// read is left out.
pub async fn school_receipts(
    db: &Db,
    school_id: SchoolId,
    period: &str,
) -> Result<Vec<StaffReceiptRow>, AppError> {
    let rows: Vec<ListedReceipt> = sqlx::query_as(
        "SELECT r.public_code AS public_code, r.content AS content, r.issued_at AS issued_at, \
            r.cancelled_at AS cancelled_at, r.cancel_reason AS cancel_reason, \
            n.series AS replaced_series, n.number AS replaced_number \
         FROM receipt r JOIN invoice i ON i.id = r.invoice_id LEFT JOIN receipt n ON n.id = r.replaced_by \
         WHERE r.school_id = $1 AND ($2 = '' OR i.period = $2) ORDER BY r.year DESC, r.number DESC LIMIT 5000",
    )
    .bind(school_id)
    .bind(period)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let c: ReceiptContent = serde_json::from_str(&r.content).ok()?;
            Some(StaffReceiptRow {
                code: r.public_code,
                label: c.label(),
                issued_at: r.issued_at,
                payer: c.payer,
                student: c.student,
                class_name: c.class,
                invoice_code: c.invoice_code,
                period: c.period,
                total: c.total,
                method: c.method,
                reference: c.reference,
                replaces: c.replaces,
                cancelled: r
                    .cancelled_at
                    .map(|at| (at, r.cancel_reason.unwrap_or_default())),
                // Padded in Rust: SQLite's substr(…, -7) has no twin in PostgreSQL.
                replaced_by: r
                    .replaced_series
                    .zip(r.replaced_number)
                    .map(|(series, number)| crate::domain::receipt::label_of(&series, number)),
            })
        })
        .collect())
}

/// A receipt's public code and number.
pub struct Numbered {
    pub code: String,
    /// `series-0000001`.
    pub label: String,
}

#[derive(sqlx::FromRow)]
struct NumberRow {
    public_code: String,
    series: String,
    number: i64,
}

/// The public code and number of a receipt, by its id.
pub async fn numbered(
    conn: &mut AnyConnection,
    receipt_id: ReceiptId,
) -> Result<Numbered, AppError> {
    let row: NumberRow =
        sqlx::query_as("SELECT public_code, series, number FROM receipt WHERE id = $1")
            .bind(receipt_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Numbered {
        code: row.public_code,
        label: crate::domain::receipt::label_of(&row.series, row.number),
    })
}

/// The id of the school at this address (slug), whose keys are asked for.
pub async fn school_by_slug(db: &Db, slug: &str) -> Result<Option<SchoolId>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM school WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db)
        .await?)
}
