//! Writing signed receipts, many rows a statement, and a stored receipt's proof.

use super::sign::Signed;
use crate::domain::ids::ReceiptId;
use crate::domain::receipt::{self, b64, Proof};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Receipts whose ids `store` returns; past this many it returns none.
pub const IDS_UP_TO: usize = 16;

/// Writes signed receipts, many rows a statement; returns their ids in order
/// when there are at most [`IDS_UP_TO`] (a replacement needs its id; a
/// statement's thousands would only cost a row sent back each).
pub(super) async fn store(
    conn: &mut AnyConnection,
    signed: Vec<Signed>,
    now: UnixTime,
) -> Result<Vec<ReceiptId>, AppError> {
    use crate::server::bulk::{Marks, CHUNK};
    use sqlx::Row;
    let want_ids = signed.len() <= IDS_UP_TO;
    let mut ids = Vec::new();
    for chunk in signed.chunks(CHUNK) {
        let codes = crate::server::auth::random_secrets(chunk.len());
        // Numbered as changed here, not by the insert trigger (which skips a
        // row that comes with its number): two writes a row fewer.
        let taken = crate::server::change_numbers::take(conn, chunk.len()).await?;
        let sql = format!(
            "INSERT INTO receipt (public_code, school_id, payment_id, invoice_id, student_id, series, year, number, total, \
                issued_at, content, digest, signature, key_id, change_no, updated_at) VALUES {}{}",
            Marks::of(conn).value_rows(chunk.len(), 16),
            if want_ids { " RETURNING id, public_code" } else { "" }
        );
        let mut query = sqlx::query(&sql);
        for (k, (s, code)) in chunk.iter().zip(&codes).enumerate() {
            query = query
                .bind(code)
                .bind(s.draft.school_id)
                .bind(s.draft.payment_id)
                .bind(s.draft.invoice_id)
                .bind(s.draft.student_id)
                .bind(&s.draft.content.series)
                .bind(s.year)
                .bind(s.number)
                .bind(s.draft.content.total)
                .bind(now)
                .bind(&s.canonical)
                .bind(b64(&s.digest))
                .bind(b64(&s.signature))
                .bind(&s.key_id)
                .bind(taken.first + k as i64)
                .bind(taken.now);
        }
        if !want_ids {
            query.execute(&mut *conn).await?;
            continue;
        }
        // The order RETURNING gives rows in is not promised: matched by code.
        let mut back = HashMap::new();
        for row in query.fetch_all(&mut *conn).await? {
            back.insert(
                row.try_get::<String, _>(1)?,
                row.try_get::<ReceiptId, _>(0)?,
            );
        }
        for code in &codes {
            ids.push(*back.get(code).ok_or(AppError::Internal)?);
        }
    }
    Ok(ids)
}

/// A stored receipt's proof (what its link carries).
pub fn proof_of(key_id: &str, digest_b64: &str, signature_b64: &str) -> Option<Proof> {
    Some(Proof {
        key_id: key_id.to_string(),
        digest: receipt::from_b64(digest_b64)?.try_into().ok()?,
        signature: receipt::from_b64(signature_b64)?.try_into().ok()?,
    })
}
