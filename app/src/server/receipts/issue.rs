//! Issuing receipts for recorded payments: which parts of them have no
//! receipt yet, and each part's receipt drafted from the invoice it paid.

use super::numbering::{reserve_numbers, Counts, Issuer};
use super::sign::{number_and_sign, Draft, Signing};
use super::unavailable;
use crate::domain::ids::{InvoiceId, PaymentId, ReceiptId, SchoolId, StudentId};
use crate::domain::money::Vnd;
use crate::domain::receipt::{Item, ReceiptContent, RECEIPT_TYPE};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::vault::Vault;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Issues a receipt for every invoice each payment settles that has none yet,
/// in the order given (numbers follow it). `collector`: who took the money
/// (`None`: the school's account, for a transfer; a person for cash or a hand
/// match). Returns the receipts' ids, or none past [`IDS_UP_TO`](super::IDS_UP_TO) receipts.
/// A match by hand comes here with its one payment; many would take a handful
/// of round trips: the payments, allocations and billed lines are read in
/// lists, the numbers reserved as one block per school, and the rows written
/// many at a time. A single payment just recorded goes through [`start_issue_for_new`].
pub async fn issue_for_payments(
    conn: &mut AnyConnection,
    vault: &Vault,
    payments: &[(PaymentId, Option<String>)],
    now: UnixTime,
) -> Result<Vec<ReceiptId>, AppError> {
    start_issue_for_payments(conn, vault, payments, now)
        .await?
        .store(conn, now)
        .await
}

/// [`issue_for_payments`] in two steps, as [`start_issue_for_new`]: the
/// numbers are taken now, and the receipts stored by [`Signing::store`], so
/// that the ledger's owed receipts (`ledger::owed`) read their next batch
/// while this one is signed.
pub async fn start_issue_for_payments(
    conn: &mut AnyConnection,
    vault: &Vault,
    payments: &[(PaymentId, Option<String>)],
    now: UnixTime,
) -> Result<Signing, AppError> {
    use crate::server::bulk::{Marks, CHUNK};
    let ids: Vec<PaymentId> = payments.iter().map(|(id, _)| *id).collect();
    let mut rows: HashMap<PaymentId, Paid> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, school_id, method, external_id, payer_name, received_at, account, bank_bin \
             FROM payment WHERE id IN ({})",
            Marks::of(conn).list(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, Paid>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        rows.extend(
            query
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|r| (r.id, r)),
        );
    }
    let mut paid = Vec::with_capacity(payments.len());
    for (id, collector) in payments {
        let row = rows.remove(id).ok_or(AppError::NotFound)?;
        paid.push((row, collector.clone()));
    }
    start_issue_for_paid(conn, vault, paid, now).await
}

/// A recorded payment, as its receipts describe it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Paid {
    pub id: PaymentId,
    pub school_id: SchoolId,
    pub method: String,
    /// The payment's key: for a transfer, "bin:account:reference".
    pub external_id: String,
    pub payer_name: Option<String>,
    pub received_at: UnixTime,
    pub account: Option<String>,
    pub bank_bin: Option<String>,
}

/// One part of a payment put against an invoice that has no receipt for it
/// yet, with what the receipt shows of the invoice (read as a JSON array
/// `[payment, amount, [invoice…]]`).
#[derive(serde::Deserialize)]
struct Part {
    payment_id: PaymentId,
    amount: Vnd,
    invoice: ForReceipt,
}

/// A payment recorded in this transaction: who took it, and what it put
/// against which invoice (as the ledger settled it).
pub struct NewlyPaid {
    pub paid: Paid,
    pub collector: Option<String>,
    pub allocated: Vec<(InvoiceId, Vnd)>,
}

/// Issues receipts for payments recorded earlier that the caller holds: their
/// parts without a live receipt are read back (allocations, invoices, receipts).
pub async fn issue_for_paid(
    conn: &mut AnyConnection,
    vault: &Vault,
    payments: Vec<(Paid, Option<String>)>,
    now: UnixTime,
) -> Result<Vec<ReceiptId>, AppError> {
    start_issue_for_paid(conn, vault, payments, now)
        .await?
        .store(conn, now)
        .await
}

/// Numbers the receipts of these payments' parts that have none and starts
/// signing them.
async fn start_issue_for_paid(
    conn: &mut AnyConnection,
    vault: &Vault,
    payments: Vec<(Paid, Option<String>)>,
    now: UnixTime,
) -> Result<Signing, AppError> {
    let ids: Vec<PaymentId> = payments.iter().map(|(p, _)| p.id).collect();
    let parts = unreceipted_parts(conn, &ids).await?;
    start_issue(conn, vault, payments, parts, now).await
}

/// Receipts for payments recorded in this transaction, with what each put
/// against which invoice (the ledger holds it): none can have a receipt yet,
/// so only their invoices are read, not the allocations just written nor the
/// receipts. In two steps, so that the ledger can write its next batch while
/// the receipts are drafted and signed: this takes the numbers (in the
/// transaction) and starts the drafting and signing; [`Signing::store`] then
/// waits for them and stores them.
pub async fn start_issue_for_new(
    conn: &mut AnyConnection,
    vault: &Vault,
    payments: Vec<NewlyPaid>,
    now: UnixTime,
) -> Result<Signing, AppError> {
    let mut ids: Vec<InvoiceId> = payments
        .iter()
        .flat_map(|p| p.allocated.iter().map(|(invoice, _)| *invoice))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let invoices = invoices_for_receipts(conn, &ids).await?;
    let mut parts: HashMap<PaymentId, Vec<Part>> = HashMap::new();
    let mut paid = Vec::with_capacity(payments.len());
    for NewlyPaid {
        paid: payment,
        collector,
        allocated,
    } in payments
    {
        let mut own = Vec::with_capacity(allocated.len());
        for (invoice_id, amount) in allocated {
            let invoice = invoices.get(&invoice_id).ok_or(AppError::Internal)?;
            own.push(Part {
                payment_id: payment.id,
                amount,
                invoice: invoice.clone(),
            });
        }
        // As `unreceipted_parts` orders them: the numbers follow the months.
        own.sort_by(|a, b| {
            (&a.invoice.period, a.invoice.invoice_id)
                .cmp(&(&b.invoice.period, b.invoice.invoice_id))
        });
        parts.insert(payment.id, own);
        paid.push((payment, collector));
    }
    start_issue(conn, vault, paid, parts, now).await
}

/// Numbers the parts' receipts and starts drafting and signing them.
async fn start_issue(
    conn: &mut AnyConnection,
    vault: &Vault,
    payments: Vec<(Paid, Option<String>)>,
    mut parts: HashMap<PaymentId, Vec<Part>>,
    now: UnixTime,
) -> Result<Signing, AppError> {
    // Each payment's parts once, in the payments' order (a payment named twice
    // gets its receipts once): exactly the drafts the job below makes, so the
    // numbers taken are the numbers used.
    let mut counts = Counts::default();
    let mut own: Vec<(Paid, Option<String>, Vec<Part>)> = Vec::with_capacity(payments.len());
    for (paid, collector) in payments {
        let mine = parts.remove(&paid.id).unwrap_or_default();
        counts.add(paid.school_id, mine.len());
        own.push((paid, collector, mine));
    }
    let numbering = reserve_numbers(conn, vault, &counts, now).await?;
    let receipts = counts.total();
    Signing::start(receipts, move || {
        let mut drafts = Vec::with_capacity(receipts);
        for (paid, collector, mine) in own {
            if mine.is_empty() {
                continue;
            }
            // A school with parts to draft has its block, and its issuer with it.
            let Issuer {
                name,
                tax_code,
                slug,
            } = &numbering
                .get(&paid.school_id)
                .ok_or(AppError::Internal)?
                .issuer;
            drafts.extend(drafts_for(
                &paid, collector, mine, name, tax_code, slug, now,
            )?);
        }
        number_and_sign(drafts, numbering, now)
    })
}

/// The parts of these payments (by invoice) that have no receipt yet.
async fn unreceipted_parts(
    conn: &mut AnyConnection,
    ids: &[PaymentId],
) -> Result<HashMap<PaymentId, Vec<Part>>, AppError> {
    use crate::server::bulk::{as_json_rows, json_array, json_rows, Marks, CHUNK};
    // The billed lines come with each part, aggregated by the database, and
    // the parts come back as one JSON row a chunk.
    let columns = format!(
        "a.payment_id, a.amount, {}",
        json_array(conn, &for_receipt_columns(conn))
    );
    let rows = as_json_rows(conn, &columns, "a.payment_id, i.period, i.id");
    let mut parts: HashMap<PaymentId, Vec<Part>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT {rows} \
             FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id JOIN student s ON s.id = i.student_id \
             LEFT JOIN class c ON c.id = i.class_id \
             WHERE a.payment_id IN ({}) AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.payment_id = a.payment_id \
                AND r.invoice_id = a.invoice_id AND r.cancelled_at IS NULL)",
            Marks::of(conn).list(1, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, Option<String>>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for part in json_rows::<Part>(query.fetch_one(&mut *conn).await?)? {
            parts.entry(part.payment_id).or_default().push(part);
        }
    }
    Ok(parts)
}

/// What a receipt shows of an invoice (read as a JSON array, in this order:
/// [`for_receipt_columns`]).
#[derive(Clone, serde::Deserialize)]
struct ForReceipt {
    invoice_id: InvoiceId,
    student_id: StudentId,
    student: String,
    class: Option<String>,
    code: String,
    period: String,
    total: Vnd,
    billed: Option<Vec<(String, Vnd)>>,
}

/// What receipts show of these invoices, by id.
async fn invoices_for_receipts(
    conn: &mut AnyConnection,
    ids: &[InvoiceId],
) -> Result<HashMap<InvoiceId, ForReceipt>, AppError> {
    use crate::server::bulk::{as_json_rows, json_rows, Marks, CHUNK};
    let rows = as_json_rows(conn, &for_receipt_columns(conn), "");
    let mut invoices = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT {rows} FROM invoice i JOIN student s ON s.id = i.student_id LEFT JOIN class c ON c.id = i.class_id \
             WHERE i.id IN ({})",
            Marks::of(conn).list(1, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, Option<String>>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for invoice in json_rows::<ForReceipt>(query.fetch_one(&mut *conn).await?)? {
            invoices.insert(invoice.invoice_id, invoice);
        }
    }
    Ok(invoices)
}

/// [`ForReceipt`]'s columns, of `invoice i JOIN student s LEFT JOIN class c`.
/// The billed lines: `[[description, amount], …]` in the invoice's order, a
/// line the family declined left out (it is not in the total).
fn for_receipt_columns(conn: &AnyConnection) -> String {
    let billed = if conn.backend_name() == "SQLite" {
        "json((SELECT json_group_array(json_array(l.description, l.amount) ORDER BY l.position) \
           FROM invoice_line l WHERE l.invoice_id = i.id AND l.declined = 0))"
    } else {
        "(SELECT json_agg(json_build_array(l.description, l.amount) ORDER BY l.position) \
           FROM invoice_line l WHERE l.invoice_id = i.id AND l.declined = 0)"
    };
    format!("i.id, s.id, s.full_name, c.name, i.code, i.period, i.total, {billed}")
}

/// One payment's receipts, one for each part, before they are numbered.
fn drafts_for(
    paid: &Paid,
    collector: Option<String>,
    parts: Vec<Part>,
    school: &str,
    tax_code: &str,
    slug: &str,
    now: UnixTime,
) -> Result<Vec<Draft>, AppError> {
    let collector = match collector {
        Some(name) => name,
        None => {
            let bank = paid
                .bank_bin
                .as_deref()
                .and_then(crate::domain::banks::by_bin)
                .map(|b| b.short_name.to_string())
                .unwrap_or_default();
            format!(
                "{school} (tài khoản {bank} {})",
                paid.account.clone().unwrap_or_default()
            )
            .replace("  ", " ")
        }
    };
    // Cash has no bank reference (its key is random): say what it was instead.
    let reference = if paid.method == "cash" {
        "Tiền mặt tại văn phòng nhà trường".to_string()
    } else {
        crate::server::bank::reference_of(&paid.external_id).to_string()
    };
    let mut drafts = Vec::with_capacity(parts.len());
    for Part {
        amount, invoice, ..
    } in parts
    {
        let period_label = crate::domain::date::Month::label_of(&invoice.period);
        let lines: Vec<(String, Vnd)> = invoice.billed.unwrap_or_default();
        let items = receipt_items(lines, amount, invoice.total, &period_label, &invoice.code);
        let content = ReceiptContent {
            format: 1,
            receipt_type: RECEIPT_TYPE.into(),
            // All three set by `number_and_sign`, from the school's registration.
            form_number: String::new(),
            series: String::new(),
            number: String::new(),
            school: school.to_string(),
            school_tax_code: tax_code.to_string(),
            school_slug: slug.to_string(),
            payer: paid
                .payer_name
                .clone()
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| format!("Phụ huynh học sinh {}", invoice.student)),
            student: invoice.student,
            class: invoice.class.unwrap_or_default(),
            invoice_code: invoice.code,
            period: invoice.period,
            items,
            total: amount,
            total_in_words: crate::domain::words::vnd_in_words(amount).map_err(unavailable)?,
            method: paid.method.clone(),
            reference: reference.clone(),
            paid_at: paid.received_at.seconds(),
            issued_at: now.seconds(),
            collector: collector.clone(),
            replaces: None,
        };
        drafts.push(Draft {
            school_id: paid.school_id,
            payment_id: paid.id,
            invoice_id: invoice.invoice_id,
            student_id: invoice.student_id,
            content,
        });
    }
    Ok(drafts)
}

/// A receipt's lines: the invoice's billed lines when this payment paid all of
/// it, else one line for the part paid. Either way they add up to what was
/// paid: should the billed lines not (an invoice changed after billing), the
/// receipt says the one line rather than sign figures that do not add up.
fn receipt_items(
    lines: Vec<(String, Vnd)>,
    part: Vnd,
    total: Vnd,
    period_label: &str,
    code: &str,
) -> Vec<Item> {
    let billed: Vnd = lines.iter().map(|(_, amount)| *amount).sum();
    if part == total && billed == part {
        return lines
            .into_iter()
            .map(|(label, amount)| Item { label, amount })
            .collect();
    }
    let what = if part == total {
        "Nộp các khoản thu"
    } else {
        "Nộp một phần các khoản thu"
    };
    vec![Item {
        label: format!("{what} {period_label} (hoá đơn {code})"),
        amount: part,
    }]
}
