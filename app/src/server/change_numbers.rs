//! The database-wide change counter (migration 0019): every change of a
//! student, invoice, payment or receipt gets a number larger than any before
//! it, which school software pages through (`since`); a payment put towards an
//! invoice is a change of that invoice, numbered in its allocation row
//! (migration 0032). Triggers number a row that changes; the ledger takes a
//! batch's numbers here in one statement instead, for the rows it writes by
//! the hundred (a trigger costs two more writes a row: the counter's and the
//! row's own).
//!
//! Numbers are taken inside a write transaction (`database::begin_write`),
//! which runs alone on either engine, so they are committed in order.

use crate::error::AppError;
use sqlx::AnyConnection;

/// `count` change numbers taken at once: `first`, `first + 1`, …, and the
/// database's clock (what the triggers write as `updated_at`).
#[derive(Clone, Copy, Debug)]
pub struct Taken {
    pub first: i64,
    pub now: i64,
}

/// Moves the counter by `count` and returns the numbers it passed over.
pub async fn take(conn: &mut AnyConnection, count: usize) -> Result<Taken, AppError> {
    let now = if conn.backend_name() == "SQLite" {
        "CAST(strftime('%s', 'now') AS INTEGER)"
    } else {
        "epoch_now()"
    };
    let count = count as i64;
    let (last, now): (i64, i64) = sqlx::query_as(&format!(
        "UPDATE change_counter SET n = n + $1 WHERE id = 1 RETURNING n, {now}"
    ))
    .bind(count)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Taken {
        first: last - count + 1,
        now,
    })
}
