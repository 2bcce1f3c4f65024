//! What the parent's pages read from the database. Plain SQL with numbered
//! parameters, portable between SQLite and PostgreSQL.

use super::state::Db;
use crate::domain::banks;
use crate::domain::date::{Date, Month};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::invoice_status::InvoiceStatus;
use crate::domain::money::Vnd;
use crate::error::AppError;
use crate::model::*;

pub struct StudentMatch {
    pub student_id: i64,
    pub date_of_birth: String,
}

pub async fn find_student(
    db: &Db,
    school_slug: &str,
    code: &str,
) -> Result<Option<StudentMatch>, AppError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT s.id, s.date_of_birth FROM student s JOIN school sc ON sc.id = s.school_id \
         WHERE sc.slug = $1 AND s.code = $2",
    )
    .bind(school_slug)
    .bind(code)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(student_id, date_of_birth)| StudentMatch {
        student_id,
        date_of_birth,
    }))
}

pub struct StudentHeader {
    pub student_name: String,
    pub class_name: String,
    pub school_id: i64,
    pub school_name: String,
    pub school_slug: String,
    pub school_legal_name: String,
    pub school_address: String,
}

/// student name, current class, school id, name, slug, legal name, address
type HeaderRow = (String, Option<String>, i64, String, String, String, String);

/// The student with their current class: the enrolment of the school year that
/// contains `today`, else the latest (a year prepared in advance is not current yet).
pub async fn student_header(
    db: &Db,
    student_id: i64,
    today: Date,
) -> Result<StudentHeader, AppError> {
    let row: Option<HeaderRow> = sqlx::query_as(
        "SELECT s.full_name, \
                (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
                 JOIN school_year y ON y.id = e.school_year_id WHERE e.student_id = s.id \
                 ORDER BY (y.starts_on <= $2 AND y.ends_on >= $2) DESC, y.starts_on DESC LIMIT 1), \
                sc.id, sc.name, sc.slug, sc.legal_name, sc.address \
         FROM student s JOIN school sc ON sc.id = s.school_id WHERE s.id = $1 AND s.erased_at IS NULL",
    )
    .bind(student_id)
    .bind(today.to_string())
    .fetch_optional(db)
    .await?;
    // A token for a student who no longer exists (or whose data was erased) is as good as expired.
    let (
        student_name,
        class_name,
        school_id,
        school_name,
        school_slug,
        school_legal_name,
        school_address,
    ) = row.ok_or(AppError::AccessExpired)?;
    Ok(StudentHeader {
        student_name,
        class_name: class_name.unwrap_or_default(),
        school_id,
        school_name,
        school_slug,
        school_legal_name,
        school_address,
    })
}

type InvoiceRow = (i64, String, String, String, i64, String, i64, i64);

const INVOICE_COLUMNS: &str = "i.id, i.code, i.title, i.period, i.total, i.due_on, \
     CASE WHEN i.voided_at IS NULL THEN 0 ELSE 1 END, \
     COALESCE((SELECT CAST(SUM(a.amount) AS BIGINT) FROM payment_allocation a WHERE a.invoice_id = i.id), 0)";

fn summary_of(row: InvoiceRow, today: Date) -> Result<(i64, InvoiceSummary), AppError> {
    let (id, code, title, period, total, due_on, voided, paid) = row;
    let corrupt = |what: &str| {
        tracing::error!("invoice {id}: unreadable {what}");
        AppError::Internal
    };
    let due_on = Date::parse_iso(&due_on).map_err(|_| corrupt("due date"))?;
    let (total, paid) = (Vnd::new(total), Vnd::new(paid));
    Ok((
        id,
        InvoiceSummary {
            code: InvoiceCode::parse(&code).map_err(|_| corrupt("code"))?,
            title,
            period: Month::parse(&period).map_err(|_| corrupt("period"))?,
            total,
            paid,
            due_on,
            status: InvoiceStatus::derive(total, paid, due_on, today, voided != 0),
        },
    ))
}

pub async fn invoices_of(
    db: &Db,
    student_id: i64,
    today: Date,
) -> Result<Vec<InvoiceSummary>, AppError> {
    let rows: Vec<InvoiceRow> = sqlx::query_as(&format!(
        "SELECT {INVOICE_COLUMNS} FROM invoice i WHERE i.student_id = $1 ORDER BY i.period DESC, i.id DESC"
    ))
    .bind(student_id)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| summary_of(r, today).map(|(_, s)| s))
        .collect()
}

pub async fn invoice_detail(
    db: &Db,
    student_id: i64,
    code: &InvoiceCode,
    today: Date,
) -> Result<InvoiceDetail, AppError> {
    let row: Option<InvoiceRow> = sqlx::query_as(&format!(
        "SELECT {INVOICE_COLUMNS} FROM invoice i WHERE i.code = $1 AND i.student_id = $2"
    ))
    .bind(code.as_str())
    .bind(student_id)
    .fetch_optional(db)
    .await?;
    let (invoice_id, summary) = summary_of(row.ok_or(AppError::NotFound)?, today)?;
    let header = student_header(db, student_id, today).await?;

    // position, description, quantity, unit amount, amount, voluntary, declined
    type LineRow = (i64, String, i64, i64, i64, i64, i64);
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT l.position, l.description, l.quantity, l.unit_amount, l.amount, \
            CASE WHEN l.kind = 'fee' AND f.mandatory = 0 THEN 1 ELSE 0 END, l.declined \
         FROM invoice_line l LEFT JOIN fee_item f ON f.id = l.fee_item_id \
         WHERE l.invoice_id = $1 ORDER BY l.position",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await?;
    let payments: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT p.received_at, a.amount, p.source, p.payer_name FROM payment_allocation a \
         JOIN payment p ON p.id = a.payment_id WHERE a.invoice_id = $1 ORDER BY p.received_at",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await?;
    // The school's receiving accounts its supervising office confirmed, default
    // first: a bank account for the QR transfer, and a wallet's for Mobile Money.
    let accounts: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT bin, account_number, account_name FROM beneficiary_account \
         WHERE school_id = $1 AND confirmed_at IS NOT NULL ORDER BY is_default DESC, id",
    )
    .bind(header.school_id)
    .fetch_all(db)
    .await?;
    let is_wallet = |bin: &str| {
        banks::by_bin(bin).map(|b| b.kind) == Some(crate::domain::banks::BankKind::Wallet)
    };
    let payee_of = |(bin, account_number, account_name): &(String, String, String)| {
        let bank = banks::by_bin(bin);
        Payee {
            bank_short_name: bank
                .map(|b| b.short_name.to_string())
                .unwrap_or_else(|| bin.clone()),
            bank_name: bank.map(|b| b.name.to_string()).unwrap_or_default(),
            bin: bin.clone(),
            account_number: account_number.clone(),
            account_name: account_name.clone(),
        }
    };
    let mobile_money = accounts.iter().find(|a| is_wallet(&a.0)).map(payee_of);
    let payee = accounts.iter().find(|a| !is_wallet(&a.0)).map(payee_of);

    let reason = format!(
        "{} – {} {}",
        summary.title,
        crate::i18n::VI.class,
        header.class_name
    );
    let memo = crate::domain::memo::safe_memo(&format!(
        "{} T{:02} {}",
        summary.code.memo_form(),
        summary.period.month,
        summary.period.year
    ));
    Ok(InvoiceDetail {
        balance: (summary.total - summary.paid).clamp_non_negative(),
        summary,
        school_name: header.school_name,
        school_slug: header.school_slug,
        school_legal_name: header.school_legal_name,
        school_address: header.school_address,
        student_name: header.student_name,
        class_name: header.class_name,
        lines: lines
            .into_iter()
            .map(
                |(position, description, quantity, unit, amount, voluntary, declined)| {
                    InvoiceLineView {
                        position,
                        description,
                        quantity,
                        unit_amount: Vnd::new(unit),
                        amount: Vnd::new(amount),
                        voluntary: voluntary == 1,
                        declined: declined == 1,
                    }
                },
            )
            .collect(),
        reason,
        memo,
        payee,
        mobile_money,
        online_payment: sqlx::query_as::<_, (i64,)>(
            "SELECT COUNT(*) FROM gateway_config WHERE school_id = $1",
        )
        .bind(header.school_id)
        .fetch_one(db)
        .await?
        .0 > 0,
        payments: payments
            .into_iter()
            .map(|(at, amount, source, payer_name)| PaymentView {
                received_on: Date::in_vietnam(at),
                amount: Vnd::new(amount),
                source,
                payer_name,
            })
            .collect(),
        contacts: crate::server::schools::contacts(db, header.school_id).await?,
        receipts: receipts_of(db, student_id, Some(invoice_id)).await?,
        extra_transfers: extra_transfers(db, header.school_id, code).await?,
        pending_online: pending_online(db, header.school_id, code).await?,
    })
}

/// The newest online payment of this invoice that the gateway told the parent
/// succeeded (its signed return) while its confirmation to the school is
/// missing. An attempt the parent abandoned is not one: it never came back
/// with success.
async fn pending_online(
    db: &Db,
    school_id: i64,
    code: &InvoiceCode,
) -> Result<Option<crate::model::PendingOnline>, AppError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT amount, updated_at FROM gateway_order \
         WHERE school_id = $1 AND code = $2 AND status = 'pending' AND response_code = '00' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(school_id)
    .bind(code.as_str())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(amount, at)| crate::model::PendingOnline {
        amount: Vnd::new(amount),
        at,
    }))
}

/// The school's transfers flagged as paying an already-paid invoice whose memo
/// names this one (told by the same reading of memos as the matching), with
/// what was refunded of each. The accountant's review queue is short, so the
/// memos are read here rather than searched in SQL.
async fn extra_transfers(
    db: &Db,
    school_id: i64,
    code: &InvoiceCode,
) -> Result<Vec<crate::model::ExtraTransfer>, AppError> {
    let rows: Vec<(i64, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT p.received_at, p.amount, p.memo, \
            (SELECT COALESCE(CAST(SUM(r.amount) AS BIGINT), 0) FROM refund r WHERE r.payment_id = p.id) \
         FROM payment p WHERE p.school_id = $1 AND p.outcome = 'duplicate' ORDER BY p.received_at, p.id",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, memo, _)| {
            memo.as_deref()
                .is_some_and(|m| InvoiceCode::find_in_memo(m).contains(code))
        })
        .map(|(at, amount, _, refunded)| crate::model::ExtraTransfer {
            received_on: Date::in_vietnam(at),
            amount: Vnd::new(amount),
            refunded: Vnd::new(refunded),
        })
        .collect())
}

/// A child's receipts (of one invoice, or all), newest first.
pub async fn receipts_of(
    db: &Db,
    student_id: i64,
    invoice_id: Option<i64>,
) -> Result<Vec<crate::model::ReceiptLink>, AppError> {
    type Row = (
        String,
        String,
        i64,
        i64,
        i64,
        String,
        String,
        Option<i64>,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.public_code, r.series, r.number, r.total, r.issued_at, i.code, i.period, r.cancelled_at,             r.key_id, r.digest, r.signature          FROM receipt r JOIN invoice i ON i.id = r.invoice_id          WHERE r.student_id = $1 AND ($2 = 0 OR r.invoice_id = $2) ORDER BY r.issued_at DESC, r.id DESC",
    )
    .bind(student_id)
    .bind(invoice_id.unwrap_or(0))
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                code,
                series,
                number,
                total,
                issued_at,
                invoice_code,
                period,
                cancelled,
                key_id,
                digest,
                signature,
            )| {
                crate::model::ReceiptLink {
                    code,
                    label: format!("{series}-{number:07}"),
                    total: Vnd::new(total),
                    issued_at,
                    invoice_code,
                    period,
                    cancelled: cancelled.is_some(),
                    proof: format!("{key_id}.{digest}.{signature}"),
                }
            },
        )
        .collect())
}

pub async fn list_schools(db: &Db) -> Result<Vec<SchoolSummary>, AppError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT sc.slug, sc.name, d.name FROM school sc JOIN office d ON d.id = sc.office_id ORDER BY sc.name",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, name, office)| SchoolSummary { slug, name, office })
        .collect())
}
