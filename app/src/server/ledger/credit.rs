//! Credits: money a family is owed towards later invoices. Kept from a
//! payment's excess (by `record` and `by_hand`), from an invoice voided after
//! it was paid, or given by the accountant; taken off new invoices when they
//! are billed, and given back when such an invoice is voided; withdrawn when
//! given by mistake. Every change to a credit row is
//! written here.

use crate::domain::ids::{InvoiceId, StudentId};
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::AppError;
use sqlx::AnyConnection;

/// Keeps `amount` for the student, owed by the school for `reason` (not tied
/// to a payment: those go with the payment, in `record`).
pub async fn keep(
    conn: &mut AnyConnection,
    student_id: StudentId,
    amount: Vnd,
    reason: &str,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO credit (student_id, amount, remaining, reason, created_at) VALUES ($1, $2, $2, $3, $4)")
        .bind(student_id)
        .bind(amount)
        .bind(reason)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes `used` of a credit off an invoice being billed. The guard on
/// `remaining` keeps a credit from being spent twice by two runs at once: the
/// second is refused (its use would not be recorded against anything, and
/// voiding its invoice would give back money never taken).
pub async fn spend(
    conn: &mut AnyConnection,
    credit_id: i64,
    invoice_id: InvoiceId,
    used: Vnd,
) -> Result<(), AppError> {
    let taken = sqlx::query(
        "UPDATE credit SET remaining = remaining - $1 WHERE id = $2 AND remaining >= $1",
    )
    .bind(used)
    .bind(credit_id)
    .execute(&mut *conn)
    .await?;
    if taken.rows_affected() != 1 {
        tracing::error!("credit {credit_id} had less left than a run planned to take");
        return Err(AppError::Internal);
    }
    sqlx::query("INSERT INTO credit_use (credit_id, invoice_id, amount) VALUES ($1, $2, $3)")
        .bind(credit_id)
        .bind(invoice_id)
        .bind(used)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Gives back what an invoice being voided took off credits: each credit's
/// use by it is undone and its amount is available again, for the invoice
/// billed in its place (a deduction for days absent was lost with a voided
/// invoice); a credit withdrawn since gets nothing back. Returns how much
/// came back.
pub async fn give_back(conn: &mut AnyConnection, invoice_id: InvoiceId) -> Result<Vnd, AppError> {
    let returned: Option<Vnd> = sqlx::query_scalar(
        "SELECT CAST(SUM(u.amount) AS BIGINT) FROM credit_use u JOIN credit c ON c.id = u.credit_id \
         WHERE u.invoice_id = $1 AND c.withdrawn_at IS NULL",
    )
    .bind(invoice_id)
    .fetch_one(&mut *conn)
    .await?;
    let Some(returned) = returned.filter(|r| r.is_positive()) else {
        return Ok(Vnd::ZERO);
    };
    sqlx::query(
        "UPDATE credit SET remaining = remaining + \
            (SELECT COALESCE(CAST(SUM(u.amount) AS BIGINT), 0) FROM credit_use u WHERE u.credit_id = credit.id AND u.invoice_id = $1) \
         WHERE id IN (SELECT credit_id FROM credit_use WHERE invoice_id = $1) AND withdrawn_at IS NULL",
    )
    .bind(invoice_id)
    .execute(&mut *conn)
    .await?;
    // Only the uses given back are undone: a withdrawn credit's stay used.
    sqlx::query(
        "DELETE FROM credit_use WHERE invoice_id = $1 \
         AND credit_id IN (SELECT id FROM credit WHERE withdrawn_at IS NULL)",
    )
    .bind(invoice_id)
    .execute(&mut *conn)
    .await?;
    Ok(returned)
}

/// Withdraws what is left of a credit given by mistake: removed when none of
/// it was used, otherwise its rest set to nothing (what was used stays used).
pub async fn withdraw(
    conn: &mut AnyConnection,
    credit_id: i64,
    unused: bool,
    now: UnixTime,
) -> Result<(), AppError> {
    let query = if unused {
        sqlx::query("DELETE FROM credit WHERE id = $1").bind(credit_id)
    } else {
        sqlx::query("UPDATE credit SET remaining = 0, withdrawn_at = $2 WHERE id = $1")
            .bind(credit_id)
            .bind(now)
    };
    query.execute(&mut *conn).await?;
    Ok(())
}
