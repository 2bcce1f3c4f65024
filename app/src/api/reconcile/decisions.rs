//! The accountant's decisions on a transfer, each with who and why in its
//! history and the audit log: match or split by hand, not a school fee, undo,
//! refund.

#[cfg(feature = "ssr")]
use crate::domain::ids::{PaymentId, SchoolId};
use crate::domain::money::Vnd;
use crate::error::AppError;
use crate::reconciliation::Part;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// What every hand decision with a reason starts from.
#[cfg(feature = "ssr")]
struct Started {
    state: crate::server::state::AppState,
    staff: crate::server::auth::Staff,
    reason: String,
    tx: crate::server::database::WriteTx,
}

/// Checks the caller and the reason, and opens the transaction (taking the
/// write lock first, so two decisions on one transfer queue, not collide).
#[cfg(feature = "ssr")]
async fn start(school_id: SchoolId, reason: &str) -> Result<Started, AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason = crate::domain::validate::text(reason, 300)
        .ok_or(AppError::InvalidInput(crate::error::Field::Reason))?;
    let tx = crate::server::database::begin_write(&state.db).await?;
    Ok(Started {
        state,
        staff,
        reason,
        tx,
    })
}

/// A hand decision on a transfer, with what it replaced.
#[cfg(feature = "ssr")]
struct Decision<'a> {
    school_id: SchoolId,
    payment_id: PaymentId,
    action: &'a str,
    detail: &'a str,
    before: serde_json::Value,
}

/// Ends a hand decision (the ledger has changed the books): the note in the
/// transfer's history, the audit line, and the commit.
#[cfg(feature = "ssr")]
async fn conclude(
    mut tx: crate::server::database::WriteTx,
    state: &crate::server::state::AppState,
    staff: &crate::server::auth::Staff,
    decision: Decision<'_>,
) -> Result<(), AppError> {
    use crate::server::audit::{by_staff, Entry};
    let Decision {
        school_id,
        payment_id,
        action,
        detail,
        before,
    } = decision;
    crate::server::reconcile::note_review(
        &mut tx,
        payment_id,
        action,
        detail,
        staff.id,
        state.clock.now_time(),
    )
    .await?;
    by_staff(
        &mut tx,
        state,
        staff,
        Entry::at_school(school_id, action, "payment", payment_id)
            .before(before)
            .after(serde_json::json!({ "detail": detail })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Settles a transfer by hand: one invoice, or split across several; what is
/// left over becomes a credit for the first invoice's student.
#[server(prefix = "/rpc", endpoint = "reconcile/match", input = Json)]
pub async fn match_transfer(
    school_id: i64,
    payment_id: i64,
    parts: Vec<Part>,
) -> Result<crate::reconciliation::MatchDone, AppError> {
    use crate::error::Field;
    let (school_id, payment_id) = (SchoolId(school_id), PaymentId(payment_id));
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    if parts.is_empty() || parts.len() > 20 || parts.iter().any(|p| !p.amount.is_positive()) {
        return Err(AppError::InvalidInput(Field::PositiveAmount));
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let parts: Vec<(String, Vnd)> = parts
        .into_iter()
        .map(|p| (p.invoice_code, p.amount))
        .collect();
    let matched = crate::server::ledger::by_hand::match_by_hand(
        &mut tx,
        &state.vault,
        school_id,
        payment_id,
        &parts,
        &staff.display_name,
        state.clock.now_time(),
    )
    .await?;
    conclude(
        tx,
        &state,
        &staff,
        Decision {
            school_id,
            payment_id,
            action: "match",
            detail: &matched.detail.join("; "),
            before: serde_json::json!({ "outcome": matched.before.outcome.as_str() }),
        },
    )
    .await?;
    Ok(crate::reconciliation::MatchDone {
        parts: matched.parts,
        credit: matched.credit,
        credit_to: matched.credit_to,
    })
}

/// Marks a transfer as not a school fee (a grant, a staff transfer…), with why.
#[server(prefix = "/rpc", endpoint = "reconcile/not-fee", input = Json)]
pub async fn mark_transfer_not_fee(
    school_id: i64,
    payment_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let (school_id, payment_id) = (SchoolId(school_id), PaymentId(payment_id));
    let Started {
        state,
        staff,
        reason,
        mut tx,
    } = start(school_id, &reason).await?;
    let transfer =
        crate::server::ledger::by_hand::mark_not_fee(&mut tx, school_id, payment_id).await?;
    conclude(
        tx,
        &state,
        &staff,
        Decision {
            school_id,
            payment_id,
            action: "not_fee",
            detail: &reason,
            before: serde_json::json!({ "outcome": transfer.outcome.as_str() }),
        },
    )
    .await
}

/// Takes back a match (automatic or by hand) or a "not a fee", with why: the
/// transfer returns to the queue and its invoices are due again.
#[server(prefix = "/rpc", endpoint = "reconcile/undo", input = Json)]
pub async fn undo_transfer(
    school_id: i64,
    payment_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let (school_id, payment_id) = (SchoolId(school_id), PaymentId(payment_id));
    let Started {
        state,
        staff,
        reason,
        mut tx,
    } = start(school_id, &reason).await?;
    let undone = crate::server::ledger::by_hand::undo(
        &mut tx,
        &state.vault,
        school_id,
        payment_id,
        &reason,
        staff.id,
        state.clock.now_time(),
    )
    .await?;
    conclude(
        tx,
        &state,
        &staff,
        Decision {
            school_id,
            payment_id,
            action: "undo",
            detail: &reason,
            before: serde_json::json!({ "outcome": undone.before.outcome.as_str(), "allocations": undone.allocations, "credit": undone.credit }),
        },
    )
    .await
}

/// Records money sent back to the family (a double payment, an overpayment):
/// at most what the transfer did not settle.
#[server(prefix = "/rpc", endpoint = "reconcile/refund", input = Json)]
pub async fn refund_transfer(
    school_id: i64,
    payment_id: i64,
    amount: Vnd,
    reference: String,
    refunded_on: String,
) -> Result<(), AppError> {
    use crate::domain::date::Date;
    use crate::error::Field;
    let (school_id, payment_id) = (SchoolId(school_id), PaymentId(payment_id));
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reference = crate::domain::validate::text(&reference, 100)
        .ok_or(AppError::InvalidInput(Field::Reference))?;
    let day = Date::parse_dmy(&refunded_on)
        .ok()
        .filter(|d| *d <= state.clock.today())
        .ok_or(AppError::InvalidInput(Field::RefundDate))?;
    if !amount.is_positive() {
        return Err(AppError::InvalidInput(Field::PositiveAmount));
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let transfer = crate::server::ledger::by_hand::refund(
        &mut tx,
        school_id,
        payment_id,
        amount,
        &reference,
        &day.to_string(),
        staff.id,
        state.clock.now_time(),
    )
    .await?;
    conclude(
        tx,
        &state,
        &staff,
        Decision {
            school_id,
            payment_id,
            action: "refund",
            detail: &format!("{} ({reference}, {})", amount.grouped(), day.dmy()),
            before: serde_json::json!({ "refunded": transfer.refunded.dong() }),
        },
    )
    .await
}
