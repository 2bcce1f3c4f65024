//! Credits owed back to families (meal days absent, an overpayment, what was
//! paid on a voided invoice): the school's list, and taking back one entered
//! by mistake. Keeping and spending credits is the ledger's
//! (`server::ledger::credit`).

use crate::domain::ids::{SchoolId, StudentId};
use crate::domain::money::Vnd;
use crate::error::AppError;
use crate::server::state::Db;
use crate::staff::CreditRow;

/// A credit with its student, as the list shows it.
#[derive(sqlx::FromRow)]
struct CreditListed {
    id: i64,
    student_code: String,
    student_name: String,
    class_name: Option<String>,
    amount: Vnd,
    remaining: Vnd,
    reason: String,
    created_at: i64,
    /// 1 when it came from a family's payment.
    from_payment: i64,
}

impl From<CreditListed> for CreditRow {
    fn from(c: CreditListed) -> Self {
        CreditRow {
            id: c.id,
            student_code: c.student_code,
            student_name: c.student_name,
            class_name: c.class_name.unwrap_or_default(),
            amount: c.amount,
            remaining: c.remaining,
            reason: c.reason,
            created_at: c.created_at,
            from_payment: c.from_payment == 1,
        }
    }
}

/// The school's credits still to take off, newest first (at most 500), with
/// each student's class in school year `year`.
pub async fn list_credits(
    db: &Db,
    school_id: SchoolId,
    year: i64,
) -> Result<Vec<CreditRow>, AppError> {
    let rows: Vec<CreditListed> = sqlx::query_as(
        "SELECT cr.id AS id, s.code AS student_code, s.full_name AS student_name, \
            (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
                WHERE e.student_id = s.id AND e.school_year_id = $2) AS class_name, \
            cr.amount AS amount, cr.remaining AS remaining, cr.reason AS reason, cr.created_at AS created_at, \
            CASE WHEN cr.payment_id IS NULL THEN 0 ELSE 1 END AS from_payment \
         FROM credit cr JOIN student s ON s.id = cr.student_id \
         WHERE s.school_id = $1 AND cr.remaining > 0 ORDER BY cr.id DESC LIMIT 500",
    )
    .bind(school_id)
    .bind(year)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(CreditRow::from).collect())
}

/// A credit of this school, as it was before being taken back.
#[derive(sqlx::FromRow)]
pub struct Withdrawn {
    pub student_id: StudentId,
    pub amount: Vnd,
    pub remaining: Vnd,
    pub reason: String,
    payment_id: Option<crate::domain::ids::PaymentId>,
}

/// Takes back a credit entered by mistake, in the caller's transaction: one not
/// yet used is removed, one partly used stops at what it already took off.
/// Returns what it was, or None when nothing was left (used up, or cancelled by
/// a second click). A credit from a family's overpayment is money received:
/// forbidden here (it is refunded or undone in reconciliation).
pub async fn withdraw(
    tx: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    credit_id: i64,
    now: crate::domain::time::UnixTime,
) -> Result<Option<Withdrawn>, AppError> {
    let row: Option<Withdrawn> = sqlx::query_as(
        "SELECT cr.student_id AS student_id, cr.amount AS amount, cr.remaining AS remaining, \
            cr.reason AS reason, cr.payment_id AS payment_id FROM credit cr \
         JOIN student s ON s.id = cr.student_id WHERE cr.id = $1 AND s.school_id = $2",
    )
    .bind(credit_id)
    .bind(school_id)
    .fetch_optional(&mut *tx)
    .await?;
    let credit = row.ok_or(AppError::NotFound)?;
    if credit.payment_id.is_some() {
        return Err(AppError::Forbidden);
    }
    if credit.remaining == Vnd::ZERO {
        return Ok(None);
    }
    crate::server::ledger::credit::withdraw(tx, credit_id, credit.remaining == credit.amount, now)
        .await?;
    Ok(Some(credit))
}
