//! The invoice area's persistence: the accountant's invoice list (searched and
//! filtered by derived status), one invoice's owner, voiding an invoice (what
//! was paid on it kept as a credit through the ledger), and the REST API's
//! reads: invoices by change number, one by code with its lines and payments.
//! Issuing invoices is the fee area's invoice run (`server::fees::run`).

use crate::domain::date::{Date, Month};
use crate::domain::ids::{InvoiceId, PaymentId, SchoolId, StudentId};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::invoice_status::{InvoiceStatus, PaymentState};
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::{AppError, Field};
use crate::server::state::Db;
use crate::staff::{InvoiceFilter, InvoiceRow};

/// An invoice as the accountant's list reads it.
#[derive(sqlx::FromRow)]
struct InvoiceListed {
    code: String,
    student_code: String,
    student_name: String,
    class_name: Option<String>,
    period: String,
    total: Vnd,
    paid: Vnd,
    due_on: String,
    voided_at: Option<i64>,
    void_reason: Option<String>,
}

/// The school's invoices matching the filter: newest period first, classes by
/// grade, each in register order; at most `api::invoices::MAX_LISTED`.
pub async fn list_invoices(
    db: &Db,
    school_id: SchoolId,
    filter: &InvoiceFilter,
    today: Date,
) -> Result<Vec<InvoiceRow>, AppError> {
    // Names are matched in Rust, by the search boxes' one rule
    // (domain::search: "nguyen" finds Nguyễn, "yen" does not).
    // Bounded before it is split into words and matched against every row.
    if filter.search.chars().count() > 100 {
        return Err(AppError::InvalidInput(Field::SearchText));
    }
    let query = crate::domain::search::Query::new(&filter.search);
    let period = super::period_filter(&filter.period)?;
    let rows: Vec<InvoiceListed> = sqlx::query_as(
        "SELECT i.code AS code, s.code AS student_code, s.full_name AS student_name, c.name AS class_name, \
            i.period AS period, i.total AS total, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
                AS paid, \
            i.due_on AS due_on, i.voided_at AS voided_at, i.void_reason AS void_reason \
         FROM invoice i JOIN student s ON s.id = i.student_id LEFT JOIN class c ON c.id = i.class_id \
         WHERE i.school_id = $1 AND ($2 = '' OR i.period = $2) AND ($3 = '' OR c.name = $3) \
         ORDER BY i.period DESC, c.name, s.full_name LIMIT 20000",
    )
    .bind(school_id)
    .bind(&period)
    .bind(filter.class_name.trim())
    .fetch_all(db)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let (Ok(period), Ok(due_on)) = (Month::parse(&r.period), Date::parse_iso(&r.due_on)) else {
            continue;
        };
        if !query.matches_any(&[
            &r.student_name,
            &r.student_code,
            &r.code,
            r.class_name.as_deref().unwrap_or_default(),
        ]) {
            continue;
        }
        let status = InvoiceStatus::derive(r.total, r.paid, due_on, today, r.voided_at.is_some());
        let keep = match filter.status.as_str() {
            "open" => status.is_open(),
            "paid" => status.state == PaymentState::Paid,
            "overdue" => status.overdue,
            "voided" => status.state == PaymentState::Voided,
            _ => true,
        };
        if keep {
            out.push(InvoiceRow {
                code: r.code,
                student_code: r.student_code,
                student_name: r.student_name,
                class_name: r.class_name.unwrap_or_default(),
                period,
                total: r.total,
                paid: r.paid,
                due_on,
                status,
                void_reason: r.void_reason,
            });
        }
    }
    // Newest period first; classes by grade; a class's register order
    // (given name first, the Vietnamese alphabet), on screen and in the export.
    out.sort_by(|a, b| {
        use crate::domain::collate::{class_cmp, name_cmp};
        b.period
            .cmp(&a.period)
            .then_with(|| class_cmp(&a.class_name, &b.class_name))
            .then_with(|| name_cmp(&a.student_name, &b.student_name))
    });
    out.truncate(crate::staff::MAX_LISTED);
    Ok(out)
}

/// The student an invoice of this school is for (another school's code is not
/// found).
pub async fn student_of(
    db: &Db,
    school_id: SchoolId,
    code: &InvoiceCode,
) -> Result<StudentId, AppError> {
    let student_id: Option<StudentId> =
        sqlx::query_scalar("SELECT student_id FROM invoice WHERE code = $1 AND school_id = $2")
            .bind(code.as_str())
            .bind(school_id)
            .fetch_optional(db)
            .await?;
    student_id.ok_or(AppError::NotFound)
}

/// An invoice of this school not voided yet, with what was paid on it.
#[derive(sqlx::FromRow)]
pub struct OpenInvoice {
    id: InvoiceId,
    student_id: StudentId,
    pub paid: Vnd,
    pub period: String,
}

impl OpenInvoice {
    pub fn id(&self) -> InvoiceId {
        self.id
    }
}

/// The invoice of this code at this school, if it is not voided yet (else not found).
pub async fn open_invoice(
    db: &Db,
    school_id: SchoolId,
    code: &str,
) -> Result<OpenInvoice, AppError> {
    let row: Option<OpenInvoice> = sqlx::query_as(
        "SELECT i.id AS id, i.student_id AS student_id, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
                AS paid, \
            i.period AS period \
         FROM invoice i WHERE i.code = $1 AND i.school_id = $2 AND i.voided_at IS NULL",
    )
    .bind(code)
    .bind(school_id)
    .fetch_optional(db)
    .await?;
    row.ok_or(AppError::NotFound)
}

/// Voids the invoice with its reason, in the caller's transaction; what was
/// paid on it becomes a credit (through the ledger), taken off the invoice
/// reissued for the period, and the credits it had taken off are given back
/// ([`Voided`] says how much of each).
pub async fn void(
    tx: &mut sqlx::AnyConnection,
    invoice: &OpenInvoice,
    code: &str,
    reason: &str,
    now: UnixTime,
) -> Result<Voided, AppError> {
    // Once: a second request (two tabs, a retry) finds it voided already,
    // and credits nothing twice.
    let done = sqlx::query(
        "UPDATE invoice SET voided_at = $1, void_reason = $2 WHERE id = $3 AND voided_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(invoice.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    // What is paid as of this transaction (a transfer recorded since the
    // caller read the invoice counts), not as the caller read it.
    let paid: Vnd = sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(amount) AS BIGINT), 0) FROM payment_allocation WHERE invoice_id = $1",
    )
    .bind(invoice.id)
    .fetch_one(&mut *tx)
    .await?;
    if paid.is_positive() {
        crate::server::ledger::credit::keep(
            tx,
            invoice.student_id,
            paid,
            &format!("đã nộp cho hoá đơn {code} (đã huỷ)"),
            now,
        )
        .await?;
    }
    let credits_back = crate::server::ledger::credit::give_back(tx, invoice.id).await?;
    Ok(Voided { paid, credits_back })
}

/// What voiding an invoice did with its money.
pub struct Voided {
    /// Paid on it, now a credit for the family.
    pub paid: Vnd,
    /// Given back to the credits it had taken off.
    pub credits_back: Vnd,
}

/// An invoice as the REST API reads it, with its change number.
#[derive(sqlx::FromRow)]
pub struct InvoiceChange {
    pub id: InvoiceId,
    pub code: String,
    pub student_code: String,
    pub period: String,
    pub title: String,
    pub total: Vnd,
    pub paid: Vnd,
    pub due_on: String,
    pub voided_at: Option<i64>,
    /// Its last change: its own (issued, voided, its total changed) or a
    /// payment put towards it, whichever came later.
    pub updated_at: i64,
    /// The number of that change.
    pub change_no: i64,
}

/// An invoice changes by itself (issued, voided, its total changed: the
/// invoice's own number and time) and by each payment put towards it (the
/// allocation's, `ledger::record`): its last change is the later of the two.
const INVOICE_COLUMNS: &str = "SELECT i.id AS id, i.code AS code, s.code AS student_code, i.period AS period, \
    i.title AS title, i.total AS total, \
    (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) AS paid, \
    i.due_on AS due_on, i.voided_at AS voided_at, \
    COALESCE((SELECT MAX(a.updated_at) FROM payment_allocation a WHERE a.invoice_id = i.id AND a.updated_at > i.updated_at), \
        i.updated_at) AS updated_at, \
    COALESCE((SELECT MAX(a.change_no) FROM payment_allocation a WHERE a.invoice_id = i.id AND a.change_no > i.change_no), \
        i.change_no) AS change_no \
    FROM invoice i JOIN student s ON s.id = i.student_id";

/// A page of the school's invoices by their last change: changed at or after
/// `since`, with a change number above `after`, optionally of one period
/// (`YYYY-MM`) or one student (by code); at most `limit` rows. An invoice's
/// last change is its own (the invoice's number) or the last payment put
/// towards it (that allocation's number), so a sync that reads every page
/// lists each invoice once, and again only when it changed again.
pub async fn changes(
    db: &Db,
    school_id: SchoolId,
    since: i64,
    after: i64,
    limit: i64,
    period: Option<String>,
    student_code: Option<String>,
) -> Result<Vec<InvoiceChange>, AppError> {
    // Each side walks its own (school, change number) index, passing the
    // changes that are not their invoice's last, and stops after `limit`. The
    // invoices' side also stops where the payments' side's `limit`th change
    // is: past it nothing can be on this page, and a school whose old months
    // are paid would otherwise have each page pass all those invoices again.
    // The payments' side is read once (`paid`, referenced twice: both engines
    // then keep its rows rather than run it again).
    let filters = "($4 IS NULL OR i.period = $4) AND ($5 IS NULL OR s.code = $5)";
    Ok(sqlx::query_as(&format!(
        "WITH paid AS ( \
           SELECT a.invoice_id AS invoice_id, a.change_no AS last_change \
           FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id JOIN student s ON s.id = i.student_id \
           WHERE a.school_id = $1 AND a.updated_at >= $2 AND a.change_no > $3 AND a.change_no > i.change_no AND {filters} \
             AND NOT EXISTS (SELECT 1 FROM payment_allocation x WHERE x.invoice_id = a.invoice_id AND x.change_no > a.change_no) \
           ORDER BY a.change_no LIMIT $6) \
         {INVOICE_COLUMNS} JOIN ( \
           SELECT * FROM (SELECT i.id AS invoice_id, i.change_no AS last_change \
             FROM invoice i JOIN student s ON s.id = i.student_id \
             WHERE i.school_id = $1 AND i.updated_at >= $2 AND i.change_no > $3 AND {filters} \
               AND NOT EXISTS (SELECT 1 FROM payment_allocation x WHERE x.invoice_id = i.id AND x.change_no > i.change_no) \
               AND i.change_no < COALESCE((SELECT last_change FROM paid ORDER BY last_change LIMIT 1 OFFSET $7), {NO_END}) \
             ORDER BY i.change_no LIMIT $6) AS own \
           UNION ALL \
           SELECT invoice_id, last_change FROM paid \
         ) AS e ON e.invoice_id = i.id WHERE i.school_id = $1 ORDER BY e.last_change LIMIT $6"
    ))
    .bind(school_id)
    .bind(since)
    .bind(after)
    .bind(period)
    .bind(student_code)
    .bind(limit)
    .bind((limit - 1).max(0))
    .fetch_all(db)
    .await?)
}

/// Larger than any change number.
const NO_END: i64 = i64::MAX;

/// The school's invoice of this code (as stored: upper case).
pub async fn by_code(
    db: &Db,
    school_id: SchoolId,
    code: &str,
) -> Result<Option<InvoiceChange>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{INVOICE_COLUMNS} WHERE i.school_id = $1 AND i.code = $2"
    ))
    .bind(school_id)
    .bind(code)
    .fetch_optional(db)
    .await?)
}

/// One line of an invoice, in its order.
#[derive(sqlx::FromRow)]
pub struct InvoiceLine {
    pub description: String,
    pub quantity: i64,
    pub unit_amount: Vnd,
    pub amount: Vnd,
    pub kind: String,
    /// 1: a voluntary fee the parent declined.
    pub declined: i64,
}

/// The invoice's lines in order.
pub async fn lines(db: &Db, invoice_id: InvoiceId) -> Result<Vec<InvoiceLine>, AppError> {
    Ok(sqlx::query_as(
        "SELECT description, quantity, unit_amount, amount, kind, declined FROM invoice_line WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await?)
}

/// What one payment put towards an invoice.
#[derive(sqlx::FromRow)]
pub struct Allocation {
    pub payment_id: PaymentId,
    pub method: String,
    /// The payment's stored external id (see `server::bank::reference_of`).
    pub external_id: String,
    pub amount: Vnd,
    pub received_at: i64,
}

/// The payments towards the invoice, oldest first.
pub async fn allocations(db: &Db, invoice_id: InvoiceId) -> Result<Vec<Allocation>, AppError> {
    Ok(sqlx::query_as(
        "SELECT p.id AS payment_id, p.method AS method, p.external_id AS external_id, a.amount AS amount, \
            p.received_at AS received_at FROM payment_allocation a \
         JOIN payment p ON p.id = a.payment_id WHERE a.invoice_id = $1 ORDER BY p.received_at, p.id",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await?)
}
