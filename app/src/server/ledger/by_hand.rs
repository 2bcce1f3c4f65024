//! The accountant's decisions on a recorded transfer: a match or split by hand,
//! not a school fee, undo, and a refund. Each changes the books here, in the
//! caller's write transaction; the caller notes who decided and why.

use super::record::{allocate_earlier, write_credits};
use crate::domain::ids::{InvoiceId, PaymentId, SchoolId, StaffId, StudentId};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::settlement::{settle_by_hand, HandProblem, Outcome};
use crate::domain::time::UnixTime;
use crate::error::{AppError, Field};
use crate::server::vault::Vault;
use sqlx::AnyConnection;

/// A transfer of this school, with what is allocated and refunded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub amount: Vnd,
    pub outcome: Outcome,
    pub allocated: Vnd,
    pub refunded: Vnd,
}

/// The transfer `payment_id` of this school, or `NotFound`.
pub async fn transfer(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    payment_id: PaymentId,
) -> Result<Transfer, AppError> {
    let row: Option<(Vnd, String, Vnd, Vnd)> = sqlx::query_as(
        "SELECT p.amount, p.outcome, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.payment_id = p.id), \
            (SELECT COALESCE(CAST(SUM(r.amount) AS BIGINT), 0) FROM refund r WHERE r.payment_id = p.id) \
         FROM payment p WHERE p.id = $1 AND p.school_id = $2",
    )
    .bind(payment_id)
    .bind(school_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (amount, outcome, allocated, refunded) = row.ok_or(AppError::NotFound)?;
    Ok(Transfer {
        amount,
        outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Unmatched),
        allocated,
        refunded,
    })
}

/// What a hand match did: its outcome, and the lines for the transfer's history.
pub struct Matched {
    /// The transfer as it was.
    pub before: Transfer,
    pub outcome: Outcome,
    pub detail: Vec<String>,
    /// (invoice code, the child's name, amount) of each part, as given.
    pub parts: Vec<(String, String, Vnd)>,
    /// What was left over, kept for the first part's child (`credit_to`).
    pub credit: Vnd,
    pub credit_to: Option<String>,
}

/// Settles a transfer nothing settled yet by the accountant's split: (invoice
/// code, amount) parts; what is left over becomes a credit for the first
/// invoice's student. `collector` signs its receipts.
pub async fn match_by_hand(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    payment_id: PaymentId,
    parts: &[(String, Vnd)],
    collector: &str,
    now: UnixTime,
) -> Result<Matched, AppError> {
    let transfer = transfer(conn, school_id, payment_id).await?;
    if transfer.allocated.is_positive() {
        return Err(AppError::PaymentAlreadySettled);
    }
    let available = transfer.amount - transfer.refunded;
    if parts.iter().map(|(_, amount)| *amount).sum::<Vnd>() > available {
        return Err(AppError::AllocationTooLarge);
    }
    // (invoice, balance, amount), and (student, memo form) for the credit and the history.
    let mut chosen = Vec::with_capacity(parts.len());
    let mut named = Vec::with_capacity(parts.len());
    for (code, amount) in parts {
        let code =
            InvoiceCode::parse(code).map_err(|_| AppError::InvalidInput(Field::InvoiceCode))?;
        let row: Option<(InvoiceId, StudentId, Vnd, Vnd, String)> = sqlx::query_as(
            "SELECT i.id, i.student_id, i.total, \
                (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id), \
                s.full_name \
             FROM invoice i JOIN student s ON s.id = i.student_id \
             WHERE i.school_id = $1 AND i.code = $2 AND i.voided_at IS NULL",
        )
        .bind(school_id)
        .bind(code.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        let (invoice_id, student_id, total, paid, name) =
            row.ok_or(AppError::InvalidInput(Field::InvoiceCode))?;
        chosen.push((invoice_id, total - paid, *amount));
        named.push((
            student_id,
            code.memo_form(),
            code.as_str().to_string(),
            name,
        ));
    }
    let settlement = settle_by_hand(available, &chosen).map_err(|p| match p {
        HandProblem::BadPart => AppError::InvalidInput(Field::InvoiceCode),
        HandProblem::TooLarge => AppError::AllocationTooLarge,
    })?;
    let allocations: Vec<(PaymentId, InvoiceId, Vnd)> = settlement
        .allocations
        .iter()
        .map(|(invoice, amount)| (payment_id, *invoice, *amount))
        .collect();
    allocate_earlier(conn, school_id, &allocations).await?;
    let mut detail: Vec<String> = named
        .iter()
        .zip(&chosen)
        .map(|((_, memo, _, _), (_, _, amount))| format!("{memo}: {amount}"))
        .collect();
    if settlement.credit.is_positive() {
        let student = named.first().map(|(s, ..)| *s).ok_or(AppError::Internal)?;
        write_credits(
            conn,
            &[(
                payment_id,
                student,
                settlement.credit,
                "nộp thừa (gạch nợ thủ công)",
            )],
            now,
        )
        .await?;
        detail.push(format!("tiền dư: {}", settlement.credit));
    }
    set_outcome(conn, payment_id, settlement.outcome).await?;
    crate::server::receipts::issue_for_payments(
        conn,
        vault,
        &[(payment_id, Some(collector.to_string()))],
        now,
    )
    .await?;
    let credit_to = settlement
        .credit
        .is_positive()
        .then(|| named.first().map(|(.., name)| name.clone()))
        .flatten();
    Ok(Matched {
        before: transfer,
        outcome: settlement.outcome,
        detail,
        parts: named
            .into_iter()
            .zip(&chosen)
            .map(|((_, _, code, name), (_, _, amount))| (code, name, *amount))
            .collect(),
        credit: settlement.credit,
        credit_to,
    })
}

/// Marks a transfer nothing settled as not a school fee (a grant, a staff
/// transfer…); returns it as it was.
pub async fn mark_not_fee(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    payment_id: PaymentId,
) -> Result<Transfer, AppError> {
    let transfer = transfer(conn, school_id, payment_id).await?;
    if transfer.allocated.is_positive() {
        return Err(AppError::PaymentAlreadySettled);
    }
    set_outcome(conn, payment_id, Outcome::NotFee).await?;
    Ok(transfer)
}

/// What an undo took back, for the transfer's history.
pub struct Undone {
    pub before: Transfer,
    /// (invoice code, amount) that were allocated.
    pub allocations: Vec<(String, Vnd)>,
    pub credit: Vnd,
}

/// Takes back a match (automatic or by hand) or a "not a fee": its receipts are
/// cancelled with `reason` (never deleted), its allocations and unused credit
/// removed, and the transfer is back in the queue. Refused once its credit paid
/// for another invoice.
pub async fn undo(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    payment_id: PaymentId,
    reason: &str,
    staff_id: StaffId,
    now: UnixTime,
) -> Result<Undone, AppError> {
    let before = transfer(conn, school_id, payment_id).await?;
    let credits: Vec<(i64, Vnd, Vnd)> =
        sqlx::query_as("SELECT id, amount, remaining FROM credit WHERE payment_id = $1")
            .bind(payment_id)
            .fetch_all(&mut *conn)
            .await?;
    // A refund made from the credit also reduced `remaining`; only use on an invoice counts.
    let (credit, credit_left): (Vnd, Vnd) = credits
        .iter()
        .fold((Vnd::ZERO, Vnd::ZERO), |(a, r), (_, amount, remaining)| {
            (a + *amount, r + *remaining)
        });
    if credit - credit_left > before.refunded.min(credit) {
        return Err(AppError::CreditAlreadyUsed);
    }
    let allocations: Vec<(String, Vnd)> = sqlx::query_as(
        "SELECT i.code, a.amount FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id WHERE a.payment_id = $1",
    )
    .bind(payment_id)
    .fetch_all(&mut *conn)
    .await?;
    crate::server::receipts::cancel_for_payment(
        conn,
        vault,
        payment_id,
        &format!("Hoàn tác gạch nợ: {reason}"),
        Some(staff_id),
        now,
    )
    .await?;
    sqlx::query("DELETE FROM payment_allocation WHERE payment_id = $1")
        .bind(payment_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM credit WHERE payment_id = $1")
        .bind(payment_id)
        .execute(&mut *conn)
        .await?;
    set_outcome(conn, payment_id, Outcome::Unmatched).await?;
    Ok(Undone {
        before,
        allocations,
        credit,
    })
}

/// Records money sent back to the family (a double payment, an overpayment):
/// at most what the transfer did not settle, taken off its credit first.
#[allow(clippy::too_many_arguments)]
pub async fn refund(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    payment_id: PaymentId,
    amount: Vnd,
    reference: &str,
    refunded_on: &str,
    staff_id: StaffId,
    now: UnixTime,
) -> Result<Transfer, AppError> {
    let before = transfer(conn, school_id, payment_id).await?;
    let credit: Option<(i64, Vnd, Vnd)> = sqlx::query_as(
        "SELECT id, amount, remaining FROM credit WHERE payment_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(payment_id)
    .fetch_optional(&mut *conn)
    .await?;
    // Credit already taken off a later invoice was spent on fees: not refundable.
    let spent = credit.map(|(_, a, r)| a - r).unwrap_or(Vnd::ZERO);
    let refundable = before.amount - before.allocated - before.refunded - spent;
    if amount > refundable {
        return Err(AppError::RefundTooLarge);
    }
    if let Some((credit_id, _, remaining)) = credit {
        sqlx::query("UPDATE credit SET remaining = $1 WHERE id = $2")
            .bind((remaining - amount).max(Vnd::ZERO))
            .bind(credit_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "INSERT INTO refund (payment_id, amount, reference, refunded_on, staff_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(payment_id)
    .bind(amount.dong())
    .bind(reference)
    .bind(refunded_on)
    .bind(staff_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(before)
}

async fn set_outcome(
    conn: &mut AnyConnection,
    payment_id: PaymentId,
    outcome: Outcome,
) -> Result<(), AppError> {
    sqlx::query("UPDATE payment SET outcome = $1 WHERE id = $2")
        .bind(outcome.as_str())
        .bind(payment_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
