//! A child's invoices as the family sees them: the list, one invoice in full
//! (lines, payments, where to pay, receipts, transfers that paid it twice, an
//! online payment waiting for the gateway's word), the child's receipts; and
//! the two things a parent changes: declining a voluntary fee, and grouping
//! several open invoices under one payment code.

use super::student_header;
use crate::domain::banks;
use crate::domain::date::{Date, Month};
use crate::domain::ids::{InvoiceId, SchoolId, StudentId};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::invoice_status::InvoiceStatus;
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::model::{
    ExtraTransfer, InvoiceDetail, InvoiceLineView, InvoiceSummary, Payee, PaymentView,
    PendingOnline, ReceiptLink,
};
use crate::server::state::Db;
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct InvoiceRow {
    id: InvoiceId,
    code: String,
    title: String,
    period: String,
    total: Vnd,
    due_on: String,
    voided: i64,
    paid: Vnd,
}

const INVOICE_COLUMNS: &str = "i.id AS id, i.code AS code, i.title AS title, i.period AS period, \
     i.total AS total, i.due_on AS due_on, \
     CASE WHEN i.voided_at IS NULL THEN 0 ELSE 1 END AS voided, \
     COALESCE((SELECT CAST(SUM(a.amount) AS BIGINT) FROM payment_allocation a WHERE a.invoice_id = i.id), 0) AS paid";

fn summary_of(row: InvoiceRow, today: Date) -> Result<(InvoiceId, InvoiceSummary), AppError> {
    let id = row.id;
    let corrupt = |what: &str| {
        tracing::error!("invoice {id}: unreadable {what}");
        AppError::Internal
    };
    let due_on = Date::parse_iso(&row.due_on).map_err(|_| corrupt("due date"))?;
    let (total, paid) = (row.total, row.paid);
    Ok((
        id,
        InvoiceSummary {
            code: InvoiceCode::parse(&row.code).map_err(|_| corrupt("code"))?,
            title: row.title,
            period: Month::parse(&row.period).map_err(|_| corrupt("period"))?,
            total,
            paid,
            due_on,
            status: InvoiceStatus::derive(total, paid, due_on, today, row.voided != 0),
        },
    ))
}

/// A child's invoices, the newest period first.
pub async fn invoices_of(
    db: &Db,
    student_id: StudentId,
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

#[derive(sqlx::FromRow)]
struct LineRow {
    position: i64,
    description: String,
    quantity: i64,
    unit_amount: Vnd,
    amount: Vnd,
    voluntary: i64,
    declined: i64,
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    received_at: i64,
    amount: Vnd,
    source: String,
    payer_name: Option<String>,
}

/// A receiving account the school's supervising office confirmed.
#[derive(sqlx::FromRow)]
struct AccountRow {
    bin: String,
    account_number: String,
    account_name: String,
}

impl AccountRow {
    fn is_wallet(&self) -> bool {
        banks::by_bin(&self.bin).map(|b| b.kind) == Some(banks::BankKind::Wallet)
    }

    fn payee(&self) -> Payee {
        let bank = banks::by_bin(&self.bin);
        Payee {
            bank_short_name: bank
                .map(|b| b.short_name.to_string())
                .unwrap_or_else(|| self.bin.clone()),
            bank_name: bank.map(|b| b.name.to_string()).unwrap_or_default(),
            bin: self.bin.clone(),
            account_number: self.account_number.clone(),
            account_name: self.account_name.clone(),
        }
    }
}

/// One of the child's invoices in full, as the family (and the accountant
/// answering them, and the printed notice) sees it.
pub async fn invoice_detail(
    db: &Db,
    student_id: StudentId,
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

    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT l.position AS position, l.description AS description, l.quantity AS quantity, \
            l.unit_amount AS unit_amount, l.amount AS amount, \
            CASE WHEN l.kind = 'fee' AND f.mandatory = 0 THEN 1 ELSE 0 END AS voluntary, l.declined AS declined \
         FROM invoice_line l LEFT JOIN fee_item f ON f.id = l.fee_item_id \
         WHERE l.invoice_id = $1 ORDER BY l.position",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await?;
    let payments: Vec<PaymentRow> = sqlx::query_as(
        "SELECT p.received_at AS received_at, a.amount AS amount, p.source AS source, p.payer_name AS payer_name \
         FROM payment_allocation a \
         JOIN payment p ON p.id = a.payment_id WHERE a.invoice_id = $1 ORDER BY p.received_at",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await?;
    // The school's receiving accounts its supervising office confirmed, default
    // first: a bank account for the QR transfer, and a wallet's for Mobile Money.
    let accounts: Vec<AccountRow> = sqlx::query_as(
        "SELECT bin, account_number, account_name FROM beneficiary_account \
         WHERE school_id = $1 AND confirmed_at IS NOT NULL ORDER BY is_default DESC, id",
    )
    .bind(header.school_id)
    .fetch_all(db)
    .await?;
    let mobile_money = accounts
        .iter()
        .find(|a| a.is_wallet())
        .map(AccountRow::payee);
    let payee = accounts
        .iter()
        .find(|a| !a.is_wallet())
        .map(AccountRow::payee);
    let gateways: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM gateway_config WHERE school_id = $1")
            .bind(header.school_id)
            .fetch_one(db)
            .await?;

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
            .map(|l| InvoiceLineView {
                position: l.position,
                description: l.description,
                quantity: l.quantity,
                unit_amount: l.unit_amount,
                amount: l.amount,
                voluntary: l.voluntary == 1,
                declined: l.declined == 1,
            })
            .collect(),
        reason,
        memo,
        payee,
        mobile_money,
        online_payment: gateways > 0,
        payments: payments
            .into_iter()
            .map(|p| PaymentView {
                received_on: Date::in_vietnam(p.received_at),
                amount: p.amount,
                source: p.source,
                payer_name: p.payer_name,
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
    school_id: SchoolId,
    code: &InvoiceCode,
) -> Result<Option<PendingOnline>, AppError> {
    let row: Option<(Vnd, i64)> = sqlx::query_as(
        "SELECT amount, updated_at FROM gateway_order \
         WHERE school_id = $1 AND code = $2 AND status = 'pending' AND response_code = '00' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(school_id)
    .bind(code.as_str())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(amount, at)| PendingOnline { amount, at }))
}

#[derive(sqlx::FromRow)]
struct DuplicateRow {
    received_at: i64,
    amount: Vnd,
    memo: Option<String>,
    refunded: Vnd,
}

/// The school's transfers flagged as paying an already-paid invoice whose memo
/// names this one (told by the same reading of memos as the matching), with
/// what was refunded of each. The accountant's review queue is short, so the
/// memos are read here rather than searched in SQL.
async fn extra_transfers(
    db: &Db,
    school_id: SchoolId,
    code: &InvoiceCode,
) -> Result<Vec<ExtraTransfer>, AppError> {
    let rows: Vec<DuplicateRow> = sqlx::query_as(
        "SELECT p.received_at AS received_at, p.amount AS amount, p.memo AS memo, \
            (SELECT COALESCE(CAST(SUM(r.amount) AS BIGINT), 0) FROM refund r WHERE r.payment_id = p.id) AS refunded \
         FROM payment p WHERE p.school_id = $1 AND p.outcome = 'duplicate' ORDER BY p.received_at, p.id",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            r.memo
                .as_deref()
                .is_some_and(|m| InvoiceCode::codes_in_memo(m).contains(code))
        })
        .map(|r| ExtraTransfer {
            received_on: Date::in_vietnam(r.received_at),
            amount: r.amount,
            refunded: r.refunded,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    public_code: String,
    series: String,
    number: i64,
    total: Vnd,
    issued_at: i64,
    invoice_code: String,
    period: String,
    cancelled_at: Option<i64>,
    key_id: String,
    digest: String,
    signature: String,
}

/// A child's receipts (of one invoice, or all), newest first.
pub async fn receipts_of(
    db: &Db,
    student_id: StudentId,
    invoice_id: Option<InvoiceId>,
) -> Result<Vec<ReceiptLink>, AppError> {
    let rows: Vec<ReceiptRow> = sqlx::query_as(
        "SELECT r.public_code AS public_code, r.series AS series, r.number AS number, r.total AS total, \
            r.issued_at AS issued_at, i.code AS invoice_code, i.period AS period, r.cancelled_at AS cancelled_at, \
            r.key_id AS key_id, r.digest AS digest, r.signature AS signature \
         FROM receipt r JOIN invoice i ON i.id = r.invoice_id \
         WHERE r.student_id = $1 AND ($2 = 0 OR r.invoice_id = $2) ORDER BY r.issued_at DESC, r.id DESC",
    )
    .bind(student_id)
    .bind(invoice_id.map_or(0, InvoiceId::get))
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReceiptLink {
            code: r.public_code,
            label: crate::domain::receipt::label_of(&r.series, r.number),
            total: r.total,
            issued_at: r.issued_at,
            invoice_code: r.invoice_code,
            period: r.period,
            cancelled: r.cancelled_at.is_some(),
            proof: format!("{}.{}.{}", r.key_id, r.digest, r.signature),
        })
        .collect())
}

/// An invoice of the child that is not voided, as declining a line sees it.
#[derive(sqlx::FromRow)]
pub struct DeclinableInvoice {
    pub invoice_id: InvoiceId,
    /// How many payments were allocated to it: a paid-into invoice stays as issued.
    pub payments: i64,
}

pub async fn declinable_invoice(
    db: &Db,
    student_id: StudentId,
    code: &InvoiceCode,
) -> Result<Option<DeclinableInvoice>, AppError> {
    Ok(sqlx::query_as(
        "SELECT i.id AS invoice_id, \
            (SELECT COUNT(*) FROM payment_allocation a WHERE a.invoice_id = i.id) AS payments \
         FROM invoice i WHERE i.code = $1 AND i.student_id = $2 AND i.voided_at IS NULL",
    )
    .bind(code.as_str())
    .bind(student_id)
    .fetch_optional(db)
    .await?)
}

/// A fee line of an invoice, by its position.
pub struct FeeLine {
    pub mandatory: bool,
    pub fee_item_id: Option<i64>,
}

pub async fn fee_line(
    db: &Db,
    invoice_id: InvoiceId,
    position: i64,
) -> Result<Option<FeeLine>, AppError> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT f.mandatory, l.fee_item_id FROM invoice_line l JOIN fee_item f ON f.id = l.fee_item_id \
         WHERE l.invoice_id = $1 AND l.position = $2 AND l.kind = 'fee'",
    )
    .bind(invoice_id)
    .bind(position)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(mandatory, fee_item_id)| FeeLine {
        mandatory: mandatory == 1,
        fee_item_id,
    }))
}

/// Declines (or takes back) a fee on an invoice, and any reduction of it: the
/// lines stay, marked, and the invoice's total follows (never below zero).
pub async fn decline_line(
    conn: &mut AnyConnection,
    invoice_id: InvoiceId,
    fee_item_id: Option<i64>,
    declined: bool,
) -> Result<(), AppError> {
    // The fee and any reduction of it go together.
    sqlx::query(
        "UPDATE invoice_line SET declined = $1 \
         WHERE invoice_id = $2 AND fee_item_id = $3 AND kind IN ('fee', 'reduction')",
    )
    .bind(declined as i64)
    .bind(invoice_id)
    .bind(fee_item_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE invoice SET total = (SELECT CASE WHEN t < 0 THEN 0 ELSE t END FROM \
            (SELECT COALESCE(CAST(SUM(amount) AS BIGINT), 0) AS t FROM invoice_line WHERE invoice_id = $1 AND declined = 0) sums) \
         WHERE id = $1",
    )
    .bind(invoice_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An invoice's id and school, by its code.
pub async fn invoice_school(
    db: &Db,
    code: &InvoiceCode,
) -> Result<(InvoiceId, SchoolId), AppError> {
    Ok(
        sqlx::query_as("SELECT id, school_id FROM invoice WHERE code = $1")
            .bind(code.as_str())
            .fetch_one(db)
            .await?,
    )
}

/// A payment group: one code for several open invoices of a school, each with
/// the amount it is to receive. Its code is taken from the invoice codes'
/// namespace, so a memo names one thing. A group with exactly these invoices
/// and amounts is given again, not made anew: a parent who reloads or taps
/// again gets the QR they may have paid already, not a second code for the
/// same money (a second transfer would then be a double payment).
pub async fn add_payment_group(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    total: Vnd,
    invoices: &[(InvoiceId, Vnd)],
    now: UnixTime,
) -> Result<InvoiceCode, AppError> {
    if let Some(code) = same_payment_group(conn, school_id, total, invoices).await? {
        return Ok(code);
    }
    let (group_id, code) = loop {
        let code = crate::server::fees::fresh_code(&mut *conn).await?;
        // A clash is skipped, not raised: PostgreSQL would abort the whole
        // transaction at a failed statement.
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO payment_group (code, school_id, total, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(code.as_str())
        .bind(school_id)
        .bind(total.dong())
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = inserted {
            break (id, code);
        }
    };
    for (invoice_id, amount) in invoices {
        sqlx::query(
            "INSERT INTO payment_group_invoice (group_id, invoice_id, amount) VALUES ($1, $2, $3)",
        )
        .bind(group_id)
        .bind(invoice_id)
        .bind(amount.dong())
        .execute(&mut *conn)
        .await?;
    }
    Ok(code)
}

/// The school's latest payment group of exactly these invoices, each for
/// the same amount (the balances have not changed since it was made).
async fn same_payment_group(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    total: Vnd,
    invoices: &[(InvoiceId, Vnd)],
) -> Result<Option<InvoiceCode>, AppError> {
    if invoices.is_empty() {
        return Ok(None);
    }
    let each: Vec<String> = (0..invoices.len())
        .map(|k| {
            format!(
                "(gi.invoice_id = ${} AND gi.amount = ${})",
                4 + 2 * k,
                5 + 2 * k
            )
        })
        .collect();
    let sql = format!(
        "SELECT g.code FROM payment_group g WHERE g.school_id = $1 AND g.total = $2 \
           AND (SELECT COUNT(*) FROM payment_group_invoice gi WHERE gi.group_id = g.id) = $3 \
           AND (SELECT COUNT(*) FROM payment_group_invoice gi WHERE gi.group_id = g.id AND ({})) = $3 \
         ORDER BY g.id DESC LIMIT 1",
        each.join(" OR ")
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql)
        .bind(school_id)
        .bind(total.dong())
        .bind(invoices.len() as i64);
    for (invoice_id, amount) in invoices {
        query = query.bind(*invoice_id).bind(amount.dong());
    }
    Ok(query
        .fetch_optional(&mut *conn)
        .await?
        .and_then(|code| InvoiceCode::parse(&code).ok()))
}
