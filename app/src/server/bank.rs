//! Recording a bank transfer once, and settling the invoices its memo names.

use super::state::Db;
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::settlement::{settle, Outcome};
use crate::error::AppError;

/// A transfer into a school's account, as a bank (or its notification service) reports it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BankTransaction {
    /// The bank's own id for the transaction: a transfer is recorded once by it.
    pub transaction_id: String,
    pub account_number: String,
    /// Whole đồng.
    pub amount: i64,
    /// Unix seconds.
    pub received_at: i64,
    pub memo: String,
    #[serde(default)]
    pub payer_name: Option<String>,
}

/// Records the transfer (once: a repeat returns the first outcome and `false`)
/// and allocates it to the invoices its memo's codes name.
pub async fn record(
    db: &Db,
    school_id: i64,
    tx_in: &BankTransaction,
    now: i64,
) -> Result<(Outcome, bool), AppError> {
    let mut tx = db.begin().await?;
    // Writing first takes the database's write lock at once, so concurrent
    // notifications queue instead of failing to upgrade a read.
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO payment (school_id, source, external_id, amount, received_at, payer_name, memo, account, outcome) \
         VALUES ($1, 'bank_transfer', $2, $3, $4, $5, $6, $7, 'unmatched') \
         ON CONFLICT (source, external_id) DO NOTHING RETURNING id",
    )
    .bind(school_id)
    .bind(&tx_in.transaction_id)
    .bind(tx_in.amount)
    .bind(tx_in.received_at)
    .bind(&tx_in.payer_name)
    .bind(&tx_in.memo)
    .bind(&tx_in.account_number)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((payment_id,)) = inserted else {
        let (outcome,): (String,) = sqlx::query_as(
            "SELECT outcome FROM payment WHERE source = 'bank_transfer' AND external_id = $1",
        )
        .bind(&tx_in.transaction_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let outcome = [
            Outcome::Matched,
            Outcome::PartlyPaid,
            Outcome::Overpaid,
            Outcome::Duplicate,
            Outcome::Unmatched,
        ]
        .into_iter()
        .find(|o| o.as_str() == outcome)
        .unwrap_or(Outcome::Unmatched);
        return Ok((outcome, false));
    };

    // The invoices the memo names: invoice codes, or a payment group's invoices.
    let mut balances: Vec<(i64, Vnd)> = Vec::new();
    let mut student_of_last = None;
    for code in InvoiceCode::find_in_memo(&tx_in.memo) {
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT i.id, i.student_id, i.total, \
                (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
             FROM invoice i WHERE i.school_id = $1 AND i.voided_at IS NULL AND (i.code = $2 OR i.id IN \
                (SELECT gi.invoice_id FROM payment_group_invoice gi JOIN payment_group g ON g.id = gi.group_id WHERE g.code = $2)) \
             ORDER BY i.period, i.id",
        )
        .bind(school_id)
        .bind(code.as_str())
        .fetch_all(&mut *tx)
        .await?;
        for (invoice_id, student_id, total, paid) in rows {
            if !balances.iter().any(|(id, _)| *id == invoice_id) {
                balances.push((invoice_id, Vnd::new(total - paid)));
                student_of_last = Some(student_id);
            }
        }
    }
    let settlement = settle(Vnd::new(tx_in.amount), &balances);
    for (invoice_id, amount) in &settlement.allocations {
        sqlx::query(
            "INSERT INTO payment_allocation (payment_id, invoice_id, amount) VALUES ($1, $2, $3)",
        )
        .bind(payment_id)
        .bind(invoice_id)
        .bind(amount.dong())
        .execute(&mut *tx)
        .await?;
    }
    if let (true, Some(student_id)) = (settlement.credit.is_positive(), student_of_last) {
        sqlx::query("INSERT INTO credit (student_id, amount, remaining, reason, created_at) VALUES ($1, $2, $2, $3, $4)")
            .bind(student_id)
            .bind(settlement.credit.dong())
            .bind(format!("nộp thừa (giao dịch {})", tx_in.transaction_id))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE payment SET outcome = $1 WHERE id = $2")
        .bind(settlement.outcome.as_str())
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((settlement.outcome, true))
}

/// The school's secret for signing notifications, made on first use.
pub async fn school_secret(db: &Db, school_id: i64, now: i64) -> Result<String, AppError> {
    let fresh = super::auth::random_secret();
    sqlx::query("INSERT INTO bank_secret (school_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (school_id) DO NOTHING")
        .bind(school_id)
        .bind(&fresh)
        .bind(now)
        .execute(db)
        .await?;
    let (secret,): (String,) =
        sqlx::query_as("SELECT secret FROM bank_secret WHERE school_id = $1")
            .bind(school_id)
            .fetch_one(db)
            .await?;
    Ok(secret)
}
