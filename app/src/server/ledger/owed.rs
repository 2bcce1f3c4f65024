//! Receipts owed by a long batch. A statement's turns record its payments,
//! what they settle and any credit, and write down here which payments still
//! need their receipts; they are then issued in write turns of their own.
//! Signing 100,000 receipts is seconds of CPU on a small machine: done in the
//! turns it would keep the payments (and the accountant's answer) waiting for
//! it, on the same two cores.
//!
//! Nothing is lost between the two: a row here is written with its payment
//! and deleted with the payment's receipts, in one transaction each, so a
//! stop in between leaves the row, and the next start issues it. Each school's
//! are issued apart ([`issue_owed`]), so one school's trouble holds up no
//! other; a change that must come after a payment's receipts (voiding its
//! invoice, erasing its child) issues them first, in its own transaction
//! ([`issue_owed_of`]).

use super::record::Recorded;
use crate::domain::ids::{InvoiceId, PaymentId, SchoolId, StudentId};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::bulk::{Marks, CHUNK};
use crate::server::clock::Clock;
use crate::server::database::begin_write;
use crate::server::receipts::{start_issue_for_payments, Signing};
use crate::server::state::{AppState, Db};
use crate::server::vault::Vault;
use sqlx::AnyConnection;

/// Payments whose receipts one batch issues: as many as a statement's turn
/// records between two looks at a waiting writer, and for the same reason.
const BATCH: usize = super::turns::BATCH;

/// The most payments whose receipts one transaction issues.
const TURN_MAX: usize = super::turns::TURN_MAX;

/// An owed payment: its id and who took the money (none: the school's account).
type Owed = (PaymentId, Option<String>);

/// Writes down, in the caller's transaction, that these payments of the
/// school (with who took each) are owed their receipts.
pub(super) async fn owe(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    owed: &[Owed],
) -> Result<(), AppError> {
    for chunk in owed.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO receipt_owed (payment_id, school_id, collector) VALUES {}",
            Marks::of(conn).value_rows(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for (payment, collector) in chunk {
            query = query
                .bind(*payment)
                .bind(school_id)
                .bind(collector.as_deref());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// How many payments still wait for their receipts (the operator's metrics).
pub async fn owed_count(db: &Db) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM receipt_owed")
        .fetch_one(db)
        .await?)
}

/// How many of these payments still wait for their receipts.
pub async fn owed_among(db: &Db, payments: &[PaymentId]) -> Result<usize, AppError> {
    let mut conn = db.acquire().await?;
    let mut owed = 0;
    for chunk in payments.chunks(CHUNK) {
        owed += owed_of_payments(&mut conn, chunk).await?.len();
    }
    Ok(owed)
}

/// Which owed payments to issue.
enum Pick<'a> {
    /// All of one school's, oldest first.
    School(SchoolId),
    /// These (one statement's), in order; those issued already are skipped.
    Payments(&'a [PaymentId]),
}

/// Issues every owed receipt, school by school, oldest payment first. A
/// school whose receipts cannot be issued is logged and the others go on; its
/// error is returned after them. Returns how many payments had theirs issued.
/// Run at start (what a stop left) and with the daily sweep.
pub async fn issue_owed(db: &Db, vault: &Vault, clock: &dyn Clock) -> Result<usize, AppError> {
    let schools: Vec<SchoolId> =
        sqlx::query_scalar("SELECT DISTINCT school_id FROM receipt_owed ORDER BY school_id")
            .fetch_all(db)
            .await?;
    let mut issued = 0;
    let mut failed = None;
    for school in schools {
        match issue(db, vault, clock, Pick::School(school)).await {
            Ok(n) => issued += n,
            Err(e) => {
                tracing::error!("issuing the owed receipts of school {school}: {e}");
                failed.get_or_insert(e);
            }
        }
    }
    failed.map_or(Ok(issued), Err)
}

/// Issues the owed receipts of these payments (a statement's), in order.
pub async fn issue_owed_for(
    db: &Db,
    vault: &Vault,
    clock: &dyn Clock,
    payments: &[PaymentId],
) -> Result<usize, AppError> {
    let mut sorted = payments.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    issue(db, vault, clock, Pick::Payments(&sorted)).await
}

/// Issues what `pick` names in write turns that make way for a waiting
/// writer (a bank notification) as a statement's do; each turn's receipts are
/// dated when it starts. Two at once take turns, each issuing what the other
/// has not.
async fn issue(
    db: &Db,
    vault: &Vault,
    clock: &dyn Clock,
    pick: Pick<'_>,
) -> Result<usize, AppError> {
    let mut issued = 0;
    // Where the next batch starts in `Pick::Payments`.
    let mut next = 0;
    loop {
        let mut tx = begin_write(db).await?;
        let now = clock.now_time();
        let mut in_turn = 0;
        let mut all_done = false;
        // A batch's receipts are stored after the next batch is read and
        // numbered: its signing (another core's work) overlaps the database's.
        let mut signing: Option<Signing> = None;
        loop {
            let owed: Vec<Owed> = match &pick {
                Pick::School(school) => {
                    let sql = format!(
                        "SELECT payment_id, collector FROM receipt_owed WHERE school_id = $1 \
                         ORDER BY payment_id LIMIT {BATCH}"
                    );
                    sqlx::query_as(&sql)
                        .bind(*school)
                        .fetch_all(&mut *tx)
                        .await?
                }
                Pick::Payments(all) => {
                    let chunk = &all[next.min(all.len())..all.len().min(next + BATCH)];
                    next += chunk.len();
                    if chunk.is_empty() {
                        Vec::new()
                    } else {
                        owed_of_payments(&mut tx, chunk).await?
                    }
                }
            };
            let exhausted = match &pick {
                Pick::School(_) => owed.is_empty(),
                Pick::Payments(all) => next >= all.len(),
            };
            if !owed.is_empty() {
                let started = issue_batch(&mut tx, vault, &owed, now).await?;
                if let Some(earlier) = signing.replace(started) {
                    earlier.store(&mut tx, now).await?;
                }
                in_turn += owed.len();
            }
            if exhausted {
                all_done = true;
                break;
            }
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

/// The owed rows of these payments (some may be issued already).
async fn owed_of_payments(
    conn: &mut AnyConnection,
    payments: &[PaymentId],
) -> Result<Vec<Owed>, AppError> {
    let sql = format!(
        "SELECT payment_id, collector FROM receipt_owed WHERE payment_id IN ({}) ORDER BY payment_id",
        Marks::of(conn).list(1, payments.len())
    );
    let mut query = sqlx::query_as(&sql);
    for id in payments {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(&mut *conn).await?)
}

/// Numbers these owed payments' receipts, starts signing them and crosses
/// them off, in the caller's transaction: store the returned receipts in it.
async fn issue_batch(
    conn: &mut AnyConnection,
    vault: &Vault,
    owed: &[Owed],
    now: UnixTime,
) -> Result<Signing, AppError> {
    let started = start_issue_for_payments(conn, vault, owed, now).await?;
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
    Ok(started)
}

/// Whose owed receipts [`issue_owed_of`] issues.
pub enum Of {
    /// The payments put against this invoice (before it is voided).
    Invoice(InvoiceId),
    /// The payments put against this child's invoices (before the child's
    /// data is erased: a receipt shows the name it was paid under).
    Student(StudentId),
}

/// Issues, in the caller's transaction, the owed receipts of the payments
/// `of` names, so that what the caller changes next comes after them, as it
/// would had they been issued with their payments.
pub async fn issue_owed_of(
    conn: &mut AnyConnection,
    vault: &Vault,
    of: Of,
    now: UnixTime,
) -> Result<(), AppError> {
    let (whose, id) = match of {
        Of::Invoice(id) => ("a.invoice_id = $1", id.0),
        Of::Student(id) => (
            "a.invoice_id IN (SELECT i.id FROM invoice i WHERE i.student_id = $1)",
            id.0,
        ),
    };
    let owed: Vec<Owed> = sqlx::query_as(&format!(
        "SELECT o.payment_id, o.collector FROM receipt_owed o WHERE o.payment_id IN \
           (SELECT a.payment_id FROM payment_allocation a WHERE {whose}) ORDER BY o.payment_id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    if owed.is_empty() {
        return Ok(());
    }
    issue_batch(conn, vault, &owed, now)
        .await?
        .store(conn, now)
        .await?;
    Ok(())
}

/// Issues the receipts a statement's recorded lines owe (its new payments
/// that settled something), in a task of its own, which a closed tab does not
/// stop: awaited when `wait` (a school's month of transfers, so the receipts
/// list the accountant opens next is complete), else left to run (a
/// province's file answers at once). Returns how many payments' receipts are
/// still being issued when it returns.
pub async fn issue_for_statement(state: &AppState, done: &[Recorded], wait: bool) -> usize {
    let owed = owed_by(done);
    if !wait {
        let pending = owed.len();
        issue_later(state, owed);
        return pending;
    }
    let (db, vault, clock, ids) = (
        state.db.clone(),
        state.vault.clone(),
        state.clock.clone(),
        owed.clone(),
    );
    let issuing =
        tokio::spawn(async move { issue_owed_for(&db, &vault, clock.as_ref(), &ids).await });
    let issued = issuing.await.unwrap_or_else(|e| {
        tracing::error!("issuing a statement's receipts: {e}");
        Err(AppError::Internal)
    });
    let failed = issued.is_err();
    report(issued);
    if !failed {
        return 0;
    }
    let pending = owed_among(&state.db, &owed).await.unwrap_or(owed.len());
    issue_later(state, owed);
    pending
}

/// Issues the receipts these recorded lines owe in the background: what a
/// statement cut short by an error recorded in its committed turns.
pub fn issue_later_for(state: &AppState, done: &[Recorded]) {
    issue_later(state, owed_by(done));
}

/// The payments recorded lines owe receipts for: the new ones that settled
/// something (a possible double payment or an unmatched transfer settles
/// nothing, for now), as [`super::record::record_owing`] wrote them down.
fn owed_by(done: &[Recorded]) -> Vec<PaymentId> {
    done.iter()
        .filter(|r| r.new && r.outcome.settles())
        .map(|r| r.payment_id)
        .collect()
}

/// Issues these payments' owed receipts in the background. A failure (the
/// database away for a moment) is logged and tried again a few times, over
/// half a minute; after that the rows stay for the next start or daily sweep.
fn issue_later(state: &AppState, payments: Vec<PaymentId>) {
    let (db, vault, clock) = (state.db.clone(), state.vault.clone(), state.clock.clone());
    tokio::spawn(async move {
        for wait in [1, 2, 4, 8, 16, 0] {
            let done = issue_owed_for(&db, &vault, clock.as_ref(), &payments).await;
            let failed = done.is_err();
            report(done);
            if !failed || wait == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        }
    });
}

/// Logs what issuing owed receipts did.
pub fn report(done: Result<usize, AppError>) {
    match done {
        Ok(0) => {}
        Ok(n) => tracing::info!("issued the owed receipts of {n} payments"),
        Err(e) => tracing::error!("issuing owed receipts (they stay owed, for the next try): {e}"),
    }
}
