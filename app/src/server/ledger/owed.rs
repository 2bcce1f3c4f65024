//! Receipts owed by a long batch. A statement's turns record its payments,
//! what they settle and any credit, and write down here which payments still
//! need their receipts; [`issue_owed`] then issues them in write turns of its
//! own. Signing 100,000 receipts is seconds of CPU on a small machine: done in
//! the turns it would keep the payments (and the accountant's answer) waiting
//! for it, on the same two cores.
//!
//! Nothing is lost between the two: a row here is written with its payment
//! and deleted with the payment's receipts, in one transaction each, so a
//! stop in between leaves the row, and the next start issues it.

use crate::domain::ids::PaymentId;
use crate::error::AppError;
use crate::server::bulk::{Marks, CHUNK};
use crate::server::clock::Clock;
use crate::server::database::begin_write;
use crate::server::receipts::{start_issue_for_payments, Signing};
use crate::server::state::Db;
use crate::server::vault::Vault;
use sqlx::AnyConnection;

/// Payments whose receipts one batch issues: as many as a statement's turn
/// records between two looks at a waiting writer, and for the same reason.
const BATCH: usize = super::turns::BATCH;

/// The most payments whose receipts one transaction issues.
const TURN_MAX: usize = super::turns::TURN_MAX;

/// Writes down, in the caller's transaction, that these payments (with who
/// took each) are owed their receipts.
pub(super) async fn owe(
    conn: &mut AnyConnection,
    owed: &[(PaymentId, Option<String>)],
) -> Result<(), AppError> {
    for chunk in owed.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO receipt_owed (payment_id, collector) VALUES {}",
            Marks::of(conn).value_rows(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for (payment, collector) in chunk {
            query = query.bind(*payment).bind(collector.as_deref());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// How many payments still wait for their receipts.
pub async fn owed_count(db: &Db) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM receipt_owed")
        .fetch_one(db)
        .await?)
}

/// Issues every owed receipt, oldest payment first, in write turns that make
/// way for a waiting writer (a bank notification) as a statement's do; each
/// turn's receipts are dated when it starts. Returns how many payments had
/// theirs issued. Run after a statement, at start (what a stop left) and
/// with the daily sweep; two at once take turns, each issuing what the other
/// has not.
pub async fn issue_owed(db: &Db, vault: &Vault, clock: &dyn Clock) -> Result<usize, AppError> {
    let mut issued = 0;
    loop {
        let mut tx = begin_write(db).await?;
        let now = clock.now_time();
        let mut in_turn = 0;
        let mut all_done = false;
        // A batch's receipts are stored after the next batch is read and
        // numbered: its signing (another core's work) overlaps the database's.
        let mut signing: Option<Signing> = None;
        loop {
            let sql = format!(
                "SELECT payment_id, collector FROM receipt_owed ORDER BY payment_id LIMIT {BATCH}"
            );
            let owed: Vec<(PaymentId, Option<String>)> =
                sqlx::query_as(&sql).fetch_all(&mut *tx).await?;
            if owed.is_empty() {
                all_done = true;
                break;
            }
            let started = start_issue_for_payments(&mut tx, vault, &owed, now).await?;
            settle_owed(&mut tx, &owed).await?;
            if let Some(earlier) = signing.replace(started) {
                earlier.store(&mut tx, now).await?;
            }
            in_turn += owed.len();
            if in_turn >= TURN_MAX || tx.others_waiting().await? {
                break;
            }
        }
        if let Some(last) = signing {
            last.store(&mut tx, now).await?;
        }
        tx.commit().await?;
        issued += in_turn;
        if all_done {
            return Ok(issued);
        }
    }
}

/// Crosses off owed payments whose receipts this transaction stores.
async fn settle_owed(
    conn: &mut AnyConnection,
    owed: &[(PaymentId, Option<String>)],
) -> Result<(), AppError> {
    for chunk in owed.chunks(CHUNK) {
        let sql = format!(
            "DELETE FROM receipt_owed WHERE payment_id IN ({})",
            Marks::of(conn).list(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for (payment, _) in chunk {
            query = query.bind(*payment);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Issues what is owed in the background. A failure (the database away for a
/// moment) is logged and tried again a few times, over half a minute; after
/// that the rows stay for the next start or daily sweep.
pub fn issue_owed_later(db: Db, vault: std::sync::Arc<Vault>, clock: std::sync::Arc<dyn Clock>) {
    tokio::spawn(async move {
        for wait in [1, 2, 4, 8, 16] {
            let done = issue_owed(&db, &vault, clock.as_ref()).await;
            let failed = done.is_err();
            report(done);
            if !failed {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        }
    });
}

/// Logs what [`issue_owed`] did.
pub fn report(done: Result<usize, AppError>) {
    match done {
        Ok(0) => {}
        Ok(n) => tracing::info!("issued the owed receipts of {n} payments"),
        Err(e) => tracing::error!("issuing owed receipts (they stay owed, for the next try): {e}"),
    }
}
