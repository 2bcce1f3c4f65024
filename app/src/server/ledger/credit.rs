//! Credits: money a family is owed towards later invoices. Kept from a
//! payment's excess (by `record` and `by_hand`), from an invoice voided after
//! it was paid, or given by the accountant; taken off new invoices when they
//! are billed; withdrawn when given by mistake. Every change to a credit row is
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
/// `remaining` keeps a credit from being spent twice by two runs at once.
pub async fn spend(
    conn: &mut AnyConnection,
    credit_id: i64,
    invoice_id: InvoiceId,
    used: Vnd,
) -> Result<(), AppError> {
    sqlx::query("UPDATE credit SET remaining = remaining - $1 WHERE id = $2 AND remaining >= $1")
        .bind(used)
        .bind(credit_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO credit_use (credit_id, invoice_id, amount) VALUES ($1, $2, $3)")
        .bind(credit_id)
        .bind(invoice_id)
        .bind(used)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Withdraws what is left of a credit given by mistake: removed when none of
/// it was used, otherwise its rest set to nothing (what was used stays used).
pub async fn withdraw(
    conn: &mut AnyConnection,
    credit_id: i64,
    unused: bool,
) -> Result<(), AppError> {
    let sql = if unused {
        "DELETE FROM credit WHERE id = $1"
    } else {
        "UPDATE credit SET remaining = 0 WHERE id = $1"
    };
    sqlx::query(sql).bind(credit_id).execute(&mut *conn).await?;
    Ok(())
}
