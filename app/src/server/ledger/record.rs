//! Recording payments: planned first with reads only (what a statement's
//! preview shows, without the write lock), then written in a few multi-row
//! statements inside the caller's write transaction.

use super::books::Books;
use super::{NewPayment, Source};
use crate::domain::ids::{InvoiceId, PaymentId, SchoolId, StudentId};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::settlement::{settle, Outcome, Settlement};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::bulk::{Marks, CHUNK};
use crate::server::change_numbers;
use crate::server::receipts::{NewlyPaid, Paid};
use crate::server::vault::Vault;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// A payment to record and what it pays.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub payment: NewPayment,
    /// The invoice or payment-group codes it pays, in the order to settle them.
    pub codes: Vec<InvoiceCode>,
    /// Why its excess is kept as a credit: "nộp thừa (giao dịch FT…)".
    pub credit_reason: String,
    /// Who took the money, on its receipts; `None`: the school's account.
    pub collector: Option<String>,
}

/// What recording did to one payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub payment_id: PaymentId,
    pub outcome: Outcome,
    /// The payment's amount.
    pub amount: Vnd,
    /// False when the payment was already known: nothing changed.
    pub new: bool,
}

/// What recording one payment of a batch would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    /// Recorded before: nothing changes, and this was its outcome.
    Known {
        payment_id: PaymentId,
        outcome: Outcome,
    },
    /// The same key as an earlier payment of this batch: nothing more changes.
    Repeat { of: usize, outcome: Outcome },
    /// New: how it settles, and which student a credit goes to.
    New {
        settlement: Settlement,
        credit_to: Option<StudentId>,
    },
}

impl Planned {
    pub fn outcome(&self) -> Outcome {
        match self {
            Planned::Known { outcome, .. } | Planned::Repeat { outcome, .. } => *outcome,
            Planned::New { settlement, .. } => settlement.outcome,
        }
    }

    pub fn is_new(&self) -> bool {
        matches!(self, Planned::New { .. })
    }
}

/// What recording `batch` would do, in order, each payment seeing what the
/// ones before it settled. Reads only.
pub async fn plan(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    batch: &[Incoming],
) -> Result<Vec<Planned>, AppError> {
    let known = known(conn, school_id, batch).await?;
    let codes: Vec<String> = batch
        .iter()
        .filter(|i| !known.contains_key(&key(&i.payment)))
        .flat_map(|i| i.codes.iter().map(|c| c.as_str().to_string()))
        .collect();
    let mut books = Books::load(conn, school_id, &codes).await?;
    let mut first: HashMap<(Source, &str), usize> = HashMap::new();
    let mut planned: Vec<Planned> = Vec::with_capacity(batch.len());
    for (index, incoming) in batch.iter().enumerate() {
        let p = &incoming.payment;
        if let Some((payment_id, outcome)) = known.get(&key(p)) {
            planned.push(Planned::Known {
                payment_id: *payment_id,
                outcome: *outcome,
            });
            continue;
        }
        if let Some(&of) = first.get(&(p.source, p.external_id.as_str())) {
            let outcome = planned[of].outcome();
            planned.push(Planned::Repeat { of, outcome });
            continue;
        }
        first.insert((p.source, p.external_id.as_str()), index);
        let open = books.open_for(&incoming.codes);
        let balances: Vec<(InvoiceId, Vnd)> =
            open.iter().map(|o| (o.invoice_id, o.balance)).collect();
        let settlement = settle(p.amount, &balances);
        books.take(&settlement);
        // The excess of a payment for invoices already paid stays with the
        // transfer for review (a possible double payment), not as a credit.
        let credit_to = open
            .last()
            .filter(|_| settlement.credit.is_positive() && settlement.outcome != Outcome::Duplicate)
            .map(|o| o.student_id);
        planned.push(Planned::New {
            settlement,
            credit_to,
        });
    }
    Ok(planned)
}

/// Records `batch` in the caller's write transaction (`database::begin_write`):
/// each new payment once, its allocations, credit and receipts. A payment
/// known already changes nothing and reports its first outcome.
pub async fn record(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    batch: &[Incoming],
    now: UnixTime,
) -> Result<Vec<Recorded>, AppError> {
    let Written { recorded, paid } = write(conn, school_id, batch, now).await?;
    // The receipts are part of the settlement: issued, numbered and signed in
    // the same transaction, or not at all.
    crate::server::receipts::start_issue_for_new(conn, vault, paid, now)
        .await?
        .store(conn, now)
        .await?;
    Ok(recorded)
}

/// [`record`] for a long batch (a statement's): the new payments' receipts
/// are owed ([`super::owed`]), written down in this transaction and issued
/// after it, so that what the payments settle is recorded, and seen, without
/// waiting for a signature each.
pub async fn record_owing(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    batch: &[Incoming],
    now: UnixTime,
) -> Result<Vec<Recorded>, AppError> {
    let Written { recorded, paid } = write(conn, school_id, batch, now).await?;
    // A payment that settled nothing (unmatched, for now) has no receipt to owe.
    let owed: Vec<(PaymentId, Option<String>)> = paid
        .into_iter()
        .filter(|p| !p.allocated.is_empty())
        .map(|p| (p.paid.id, p.collector))
        .collect();
    super::owed::owe(conn, school_id, &owed).await?;
    Ok(recorded)
}

/// A batch written but for its receipts: what it did, and the new payments
/// with what each settled.
struct Written {
    recorded: Vec<Recorded>,
    paid: Vec<NewlyPaid>,
}

/// Writes `batch`'s new payments, their allocations and credits.
async fn write(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    batch: &[Incoming],
    now: UnixTime,
) -> Result<Written, AppError> {
    let planned = plan(conn, school_id, batch).await?;
    let new: Vec<usize> = (0..batch.len()).filter(|&i| planned[i].is_new()).collect();
    let ids = insert_payments(conn, school_id, batch, &planned, &new).await?;
    let mut allocations: Vec<(PaymentId, InvoiceId, Vnd)> = Vec::new();
    let mut credits: Vec<(PaymentId, StudentId, Vnd, &str)> = Vec::new();
    for &i in &new {
        if let Planned::New {
            settlement,
            credit_to,
        } = &planned[i]
        {
            let payment_id = ids[&i];
            allocations.extend(
                settlement
                    .allocations
                    .iter()
                    .map(|(invoice, amount)| (payment_id, *invoice, *amount)),
            );
            if let Some(student) = credit_to {
                credits.push((
                    payment_id,
                    *student,
                    settlement.credit,
                    &batch[i].credit_reason,
                ));
            }
        }
    }
    insert_allocations(conn, school_id, &allocations).await?;
    write_credits(conn, &credits, now).await?;
    let paid: Vec<NewlyPaid> = new
        .iter()
        .map(|i| {
            let p = &batch[*i].payment;
            let allocated = match &planned[*i] {
                Planned::New { settlement, .. } => settlement.allocations.clone(),
                _ => Vec::new(),
            };
            let paid = Paid {
                id: ids[i],
                school_id,
                method: p.method.to_string(),
                external_id: p.external_id.clone(),
                payer_name: p.payer_name.clone(),
                received_at: p.received_at,
                account: p.account.as_ref().map(|(_, number)| number.clone()),
                bank_bin: p.account.as_ref().map(|(bin, _)| bin.clone()),
            };
            NewlyPaid {
                paid,
                collector: batch[*i].collector.clone(),
                allocated,
            }
        })
        .collect();
    let mut recorded: Vec<Recorded> = Vec::with_capacity(batch.len());
    for (i, p) in planned.iter().enumerate() {
        recorded.push(match p {
            Planned::Known {
                payment_id,
                outcome,
            } => Recorded {
                payment_id: *payment_id,
                outcome: *outcome,
                amount: batch[i].payment.amount,
                new: false,
            },
            Planned::Repeat { of, outcome } => Recorded {
                payment_id: recorded[*of].payment_id,
                outcome: *outcome,
                amount: batch[i].payment.amount,
                new: false,
            },
            Planned::New { settlement, .. } => Recorded {
                payment_id: ids[&i],
                outcome: settlement.outcome,
                amount: batch[i].payment.amount,
                new: true,
            },
        });
    }
    Ok(Written { recorded, paid })
}

fn key(p: &NewPayment) -> (Source, String) {
    (p.source, p.external_id.clone())
}

/// The payments of `batch` recorded before: key → (id, outcome).
async fn known(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    batch: &[Incoming],
) -> Result<HashMap<(Source, String), (PaymentId, Outcome)>, AppError> {
    let mut found = HashMap::new();
    for source in [Source::BankTransfer, Source::Gateway, Source::Office] {
        let keys: Vec<&str> = batch
            .iter()
            .filter(|i| i.payment.source == source)
            .map(|i| i.payment.external_id.as_str())
            .collect();
        for chunk in keys.chunks(CHUNK) {
            let marks = Marks::of(conn);
            // By the key's own index: with the school in the WHERE clause
            // SQLite's planner walks the school's payments instead (every one
            // of them, for each batch of a statement).
            let sql = format!(
                "SELECT external_id, id, outcome, school_id FROM payment WHERE source = {} AND external_id IN ({})",
                marks.one(1),
                marks.list(2, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (String, PaymentId, String, SchoolId)>(&sql)
                .bind(source.as_str());
            for k in chunk {
                query = query.bind(*k);
            }
            for (external_id, id, outcome, owner) in query.fetch_all(&mut *conn).await? {
                // Only this school's payments: a key another school holds (the
                // same account registered twice) is refused at the insert, not
                // reported to this school as its own.
                if owner != school_id {
                    continue;
                }
                let outcome = Outcome::parse(&outcome).unwrap_or(Outcome::Unmatched);
                found.insert((source, external_id), (id, outcome));
            }
        }
    }
    Ok(found)
}

/// Inserts the new payments with their outcome; index in `batch` → id.
async fn insert_payments(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    batch: &[Incoming],
    planned: &[Planned],
    new: &[usize],
) -> Result<HashMap<usize, PaymentId>, AppError> {
    let mut ids = HashMap::with_capacity(new.len());
    for chunk in new.chunks(CHUNK) {
        // Numbered as changed here, not by the insert trigger (which skips a
        // row that comes with its number): two writes a row fewer.
        let taken = change_numbers::take(conn, chunk.len()).await?;
        let sql = format!(
            "INSERT INTO payment (school_id, source, external_id, amount, received_at, payer_name, memo, account, \
                bank_bin, arrived_via, outcome, method, card_terminal, card_approval, card_last4, recorded_by, \
                change_no, updated_at) \
             VALUES {} ON CONFLICT (source, external_id) DO NOTHING RETURNING id, source, external_id",
            Marks::of(conn).value_rows(chunk.len(), 18)
        );
        let mut query = sqlx::query_as::<_, (PaymentId, String, String)>(&sql);
        for (k, &i) in chunk.iter().enumerate() {
            let p = &batch[i].payment;
            let (bin, number) = match &p.account {
                Some((bin, number)) => (Some(bin.as_str()), Some(number.as_str())),
                None => (None, None),
            };
            let card = p.card.as_ref();
            query = query
                .bind(school_id)
                .bind(p.source.as_str())
                .bind(p.external_id.as_str())
                .bind(p.amount.dong())
                .bind(p.received_at)
                .bind(p.payer_name.as_deref())
                .bind(p.memo.as_deref())
                .bind(number)
                .bind(bin)
                .bind(p.arrived_via)
                .bind(planned[i].outcome().as_str())
                .bind(p.method)
                .bind(card.map(|c| c.terminal.as_str()))
                .bind(card.map(|c| c.approval.as_str()))
                .bind(card.map(|c| c.last4.as_str()))
                .bind(p.recorded_by)
                .bind(taken.first + k as i64)
                .bind(taken.now);
        }
        let back: HashMap<(String, String), PaymentId> = query
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|(id, source, external_id)| ((source, external_id), id))
            .collect();
        for &i in chunk {
            let p = &batch[i].payment;
            // The key is taken by another school's payment (the same account
            // registered by two schools), or by a writer outside the write
            // turn since it was planned: refuse rather than settle it twice.
            let id = back
                .get(&(p.source.as_str().to_string(), p.external_id.clone()))
                .ok_or_else(|| {
                    tracing::error!(
                        "payment {} of school {school_id} was recorded elsewhere; nothing recorded",
                        p.external_id
                    );
                    AppError::Internal
                })?;
            ids.insert(i, *id);
        }
    }
    Ok(ids)
}

/// Puts a payment recorded earlier (a match by hand) against invoices:
/// (payment, invoice, amount) rows, each numbered as a change of its invoice
/// ([`insert_allocations`]), and the payment numbered as changed again.
pub(super) async fn allocate_earlier(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    allocations: &[(PaymentId, InvoiceId, Vnd)],
) -> Result<(), AppError> {
    insert_allocations(conn, school_id, allocations).await?;
    let payments: Vec<i64> = allocations.iter().map(|(p, _, _)| p.0).collect();
    touch_payments(conn, payments).await
}

/// Inserts allocations (their trigger adds them to the month figures), each
/// with its own change number and time: a change of what its invoice shows as
/// paid, which the REST list of invoices reads from here (`invoices::changes`)
/// rather than from the invoice's row, so that a statement appends rows
/// instead of rewriting invoices all over the table.
async fn insert_allocations(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    allocations: &[(PaymentId, InvoiceId, Vnd)],
) -> Result<(), AppError> {
    for chunk in allocations.chunks(CHUNK) {
        let taken = change_numbers::take(conn, chunk.len()).await?;
        let sql = format!(
            "INSERT INTO payment_allocation (payment_id, invoice_id, amount, school_id, change_no, updated_at) VALUES {}",
            Marks::of(conn).value_rows(chunk.len(), 6)
        );
        let mut query = sqlx::query(&sql);
        for (k, (payment, invoice, amount)) in chunk.iter().enumerate() {
            query = query
                .bind(*payment)
                .bind(*invoice)
                .bind(amount.dong())
                .bind(school_id)
                .bind(taken.first + k as i64)
                .bind(taken.now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Numbers the change of the payments `ids`: each gets the time and its own
/// next change number, as the touch triggers give a row that changed (REST
/// readers page through changes by number, so no two rows may share one).
async fn touch_payments(conn: &mut AnyConnection, mut ids: Vec<i64>) -> Result<(), AppError> {
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(CHUNK) {
        let taken = change_numbers::take(conn, chunk.len()).await?;
        let marks = Marks::of(conn);
        let sql = format!(
            "UPDATE payment SET updated_at = {now}, change_no = {first} + r.rn - 1 \
             FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM payment WHERE id IN ({ids})) AS r \
             WHERE payment.id = r.id",
            now = marks.one(1),
            first = marks.one(2),
            ids = marks.list(3, chunk.len()),
        );
        let mut query = sqlx::query(&sql).bind(taken.now).bind(taken.first);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// (payment, student, amount, reason): what a payment left over, kept for the family.
pub(super) async fn write_credits(
    conn: &mut AnyConnection,
    credits: &[(PaymentId, StudentId, Vnd, &str)],
    now: UnixTime,
) -> Result<(), AppError> {
    for chunk in credits.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO credit (payment_id, student_id, amount, remaining, reason, created_at) VALUES {}",
            Marks::of(conn).value_rows(chunk.len(), 6)
        );
        let mut query = sqlx::query(&sql);
        for (payment, student, amount, reason) in chunk {
            query = query
                .bind(*payment)
                .bind(*student)
                .bind(amount.dong())
                .bind(amount.dong())
                .bind(*reason)
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
