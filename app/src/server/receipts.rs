//! Issuing, signing and cancelling receipts, in the caller's transaction: a
//! receipt exists exactly when its settlement does, and its number is taken in
//! the same transaction, so numbers never skip or repeat.

use super::vault::Vault;
use crate::domain::ids::{InvoiceId, PaymentId, ReceiptId, SchoolId, StaffId, StudentId};
use crate::domain::money::Vnd;
use crate::domain::receipt::{
    self, b64, cancel_message, canonical_bytes, digest, key_id, signed_message, Item, Proof,
    ReceiptContent, RECEIPT_TYPE,
};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use ed25519_dalek::{Signer, SigningKey};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// hocphi's own numbering for a year, when the school registered no series:
/// `2026`, so receipts read `2026-0000001`, a plain number that imitates no
/// registration (until December 2026 this was `HP26E` under a form `01BLTT`).
pub fn series_for(year: i32) -> String {
    year.to_string()
}

fn unavailable(e: impl std::fmt::Display) -> AppError {
    tracing::error!("receipt signing: {e}");
    AppError::Internal
}

/// The school's current signing key, made (and sealed) on first use.
pub async fn current_key(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<(String, SigningKey), AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT key_id, sealed_private_key FROM signing_key WHERE school_id = $1 AND retired_at IS NULL",
    )
    .bind(school_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id, sealed)) = row {
        return Ok((id.clone(), unseal(vault, &id, &sealed)?));
    }
    new_key(conn, vault, school_id, now).await
}

fn unseal(vault: &Vault, id: &str, sealed: &str) -> Result<SigningKey, AppError> {
    let bytes: [u8; 32] = vault
        .open(sealed, id)
        .map_err(unavailable)?
        .try_into()
        .map_err(|_| unavailable("a sealed key is not 32 bytes"))?;
    Ok(SigningKey::from_bytes(&bytes))
}

async fn new_key(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<(String, SigningKey), AppError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(unavailable)?;
    let key = SigningKey::from_bytes(&secret);
    let public = key.verifying_key().to_bytes();
    let id = key_id(&public);
    sqlx::query(
        "INSERT INTO signing_key (school_id, key_id, public_key, sealed_private_key, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(school_id)
    .bind(&id)
    .bind(b64(&public))
    .bind(vault.seal(&secret, &id))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok((id, key))
}

/// Retires the school's key and makes a new one; receipts signed with the old
/// key stay verifiable, since retired keys stay published.
pub async fn rotate(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<String, AppError> {
    sqlx::query(
        "UPDATE signing_key SET retired_at = $1 WHERE school_id = $2 AND retired_at IS NULL",
    )
    .bind(now)
    .bind(school_id)
    .execute(&mut *conn)
    .await?;
    Ok(new_key(conn, vault, school_id, now).await?.0)
}

/// A school's published keys: (key id, public key base64url, created, retired).
pub type PublishedKey = (String, String, i64, Option<i64>);

pub async fn published_keys(
    conn: &mut AnyConnection,
    school_id: SchoolId,
) -> Result<Vec<PublishedKey>, AppError> {
    Ok(sqlx::query_as(
        "SELECT key_id, public_key, created_at, retired_at FROM signing_key WHERE school_id = $1 ORDER BY created_at, id",
    )
    .bind(school_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Keys as the verifier takes them.
pub fn key_list(keys: &[PublishedKey]) -> Vec<(String, [u8; 32])> {
    keys.iter()
        .filter_map(|(id, public, _, _)| {
            Some((id.clone(), receipt::from_b64(public)?.try_into().ok()?))
        })
        .collect()
}

/// Issues a receipt for every invoice each payment settles that has none yet,
/// in the order given (numbers follow it). `collector`: who took the money
/// (`None`: the school's account, for a transfer; a person for cash or a hand
/// match). Returns the receipts' ids, or none past [`IDS_UP_TO`] receipts.
/// A whole statement's receipts take a handful of round trips: the
/// payments, allocations and billed lines are read in lists, the numbers
/// reserved as one block per school, and the rows written many at a time.
pub async fn issue_for_payments(
    conn: &mut AnyConnection,
    vault: &Vault,
    payments: &[(PaymentId, Option<String>)],
    now: UnixTime,
) -> Result<Vec<ReceiptId>, AppError> {
    use super::bulk::{Marks, CHUNK};
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
    issue_for_paid(conn, vault, paid, now).await
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
/// yet, with what the receipt shows of the invoice (read as a JSON array, in
/// this order).
#[derive(serde::Deserialize)]
struct Part {
    payment_id: PaymentId,
    invoice_id: InvoiceId,
    student_id: StudentId,
    student: String,
    class: Option<String>,
    code: String,
    period: String,
    total: Vnd,
    amount: Vnd,
    /// What was billed, `[[description, amount], …]` in the invoice's order:
    /// a line the family declined is not (it is not in the total).
    billed: Option<Vec<(String, Vnd)>>,
}

/// Issues receipts for payments the caller already holds (the ledger has just
/// recorded them): only their allocations and invoices are read.
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

/// [`issue_for_paid`] in two steps, so that the caller can write something
/// else in the same transaction while the receipts are drafted and signed: this
/// reads the parts and takes the numbers (in the transaction), and starts the
/// drafting and signing (off the async workers when there are many);
/// [`Signing::store`] then waits for them and stores them.
pub async fn start_issue_for_paid(
    conn: &mut AnyConnection,
    vault: &Vault,
    payments: Vec<(Paid, Option<String>)>,
    now: UnixTime,
) -> Result<Signing, AppError> {
    let ids: Vec<PaymentId> = payments.iter().map(|(p, _)| p.id).collect();
    let mut parts = unreceipted_parts(conn, &ids).await?;
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
    let numbering = reserve_numbers(conn, vault, &counts.0, now).await?;
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

/// Receipts to number, per school, in the order the schools came.
#[derive(Default)]
struct Counts(Vec<(SchoolId, usize)>);

impl Counts {
    fn add(&mut self, school_id: SchoolId, n: usize) {
        match self.0.iter_mut().find(|(s, _)| *s == school_id) {
            Some((_, count)) => *count += n,
            None => self.0.push((school_id, n)),
        }
    }

    fn total(&self) -> usize {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// The parts of these payments (by invoice) that have no receipt yet.
async fn unreceipted_parts(
    conn: &mut AnyConnection,
    ids: &[PaymentId],
) -> Result<HashMap<PaymentId, Vec<Part>>, AppError> {
    use super::bulk::{as_json_rows, json_rows, Marks, CHUNK};
    // The billed lines come with each part, aggregated by the database, and
    // the parts come back as one JSON row a chunk.
    let billed = if conn.backend_name() == "SQLite" {
        "json((SELECT json_group_array(json_array(l.description, l.amount) ORDER BY l.position) \
           FROM invoice_line l WHERE l.invoice_id = i.id AND l.declined = 0))"
    } else {
        "(SELECT json_agg(json_build_array(l.description, l.amount) ORDER BY l.position) \
           FROM invoice_line l WHERE l.invoice_id = i.id AND l.declined = 0)"
    };
    let columns = format!(
        "a.payment_id, i.id, s.id, s.full_name, c.name, i.code, i.period, i.total, a.amount, {billed}"
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
    for part in parts {
        let period_label = crate::domain::date::Month::parse(&part.period)
            .map(|m| m.label())
            .unwrap_or_else(|_| part.period.clone());
        let lines: Vec<(String, Vnd)> = part.billed.unwrap_or_default();
        let items = receipt_items(lines, part.amount, part.total, &period_label, &part.code);
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
                .unwrap_or_else(|| format!("Phụ huynh học sinh {}", part.student)),
            student: part.student,
            class: part.class.unwrap_or_default(),
            invoice_code: part.code,
            period: part.period,
            items,
            total: part.amount,
            total_in_words: crate::domain::words::vnd_in_words(part.amount).map_err(unavailable)?,
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
            invoice_id: part.invoice_id,
            student_id: part.student_id,
            content,
        });
    }
    Ok(drafts)
}

/// A receipt before it is numbered and signed.
struct Draft {
    school_id: SchoolId,
    payment_id: PaymentId,
    invoice_id: InvoiceId,
    student_id: StudentId,
    content: ReceiptContent,
}

/// A numbered receipt, signed: what its row stores.
struct Signed {
    draft: Draft,
    year: i32,
    number: i64,
    canonical: String,
    digest: [u8; 32],
    signature: [u8; 64],
    key_id: String,
}

/// Receipts whose ids [`store`] returns; past this many it returns none.
pub const IDS_UP_TO: usize = 16;

/// Receipts drafted and signed on the async worker up to this many; more, on
/// a blocking thread.
const SIGN_INLINE: usize = 16;

/// Numbers, signs and stores receipts, in order; returns their ids.
async fn sign_and_store(
    conn: &mut AnyConnection,
    vault: &Vault,
    drafts: Vec<Draft>,
    now: UnixTime,
) -> Result<Vec<ReceiptId>, AppError> {
    let mut counts = Counts::default();
    for d in &drafts {
        counts.add(d.school_id, 1);
    }
    let numbering = reserve_numbers(conn, vault, &counts.0, now).await?;
    Signing::start(drafts.len(), move || {
        number_and_sign(drafts, numbering, now)
    })?
    .store(conn, now)
    .await
}

/// The school as its receipts name it.
struct Issuer {
    /// Its legal name, or its name when it has none.
    name: String,
    tax_code: String,
    slug: String,
}

/// A school's block of receipt numbers, taken in the transaction: the school
/// as its receipts name it, its form and series, the next number of the block,
/// and the key that signs.
struct Numbering {
    issuer: Issuer,
    form_number: String,
    series: String,
    next: i64,
    /// One past the block's last number.
    end: i64,
    key_id: String,
    key: SigningKey,
}

/// Takes a block of `count` numbers for each school, and its signing key.
async fn reserve_numbers(
    conn: &mut AnyConnection,
    vault: &Vault,
    counts: &[(SchoolId, usize)],
    now: UnixTime,
) -> Result<HashMap<SchoolId, Numbering>, AppError> {
    let year = now.date_in_vietnam().year();
    let mut numbering = HashMap::new();
    for &(school_id, count) in counts {
        if count == 0 {
            continue;
        }
        // The school, one read: its name as receipts give it, and its registered
        // form and series if it entered both (otherwise hocphi's plain numbering
        // and no form code at all).
        let (name, tax_code, slug, form, registered_series): (
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        ) = sqlx::query_as(
            "SELECT COALESCE(NULLIF(legal_name, ''), name), tax_code, slug, receipt_form_number, receipt_series \
             FROM school WHERE id = $1",
        )
        .bind(school_id)
        .fetch_one(&mut *conn)
        .await?;
        let (form_number, series) = match (form, registered_series) {
            (Some(form), Some(series)) if !form.is_empty() && !series.is_empty() => (form, series),
            _ => (String::new(), series_for(year)),
        };
        // The whole block at once: numbers never skip or repeat, since the
        // counter moves in this transaction.
        let count = count as i64;
        let (last,): (i64,) = sqlx::query_as(
            "INSERT INTO receipt_counter (school_id, series, year, last) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (school_id, series, year) DO UPDATE SET last = receipt_counter.last + $4 RETURNING last",
        )
        .bind(school_id)
        .bind(&series)
        .bind(year)
        .bind(count)
        .fetch_one(&mut *conn)
        .await?;
        let (key_id, key) = current_key(conn, vault, school_id, now).await?;
        numbering.insert(
            school_id,
            Numbering {
                issuer: Issuer {
                    name,
                    tax_code,
                    slug,
                },
                form_number,
                series,
                next: last - count + 1,
                end: last + 1,
                key_id,
                key,
            },
        );
    }
    Ok(numbering)
}

/// Receipts being drafted and signed, already numbered in the transaction:
/// on a blocking thread when there are many, so the caller's transaction can
/// go on writing meanwhile. [`Signing::store`] finishes them.
#[must_use = "their numbers are taken: store the receipts in the same transaction"]
pub struct Signing(Progress);

enum Progress {
    Done(Vec<Signed>),
    Running(tokio::task::JoinHandle<Result<Vec<Signed>, AppError>>),
}

impl Signing {
    fn start(
        count: usize,
        job: impl FnOnce() -> Result<Vec<Signed>, AppError> + Send + 'static,
    ) -> Result<Signing, AppError> {
        // Serialising and signing hundreds of receipts is CPU work: off the
        // async workers, but not through the shared heavy pool, whose queue
        // (PDFs, spreadsheets, Argon2) this would wait in while holding the
        // write turn, and whose "busy" would abort an import midway.
        Ok(Signing(if count > SIGN_INLINE {
            Progress::Running(tokio::task::spawn_blocking(job))
        } else {
            Progress::Done(job()?)
        }))
    }

    /// Waits for the signatures and stores the receipts, in order; returns
    /// their ids when there are at most [`IDS_UP_TO`].
    pub async fn store(
        self,
        conn: &mut AnyConnection,
        now: UnixTime,
    ) -> Result<Vec<ReceiptId>, AppError> {
        let signed = match self.0 {
            Progress::Done(signed) => signed,
            Progress::Running(running) => match running.await {
                Ok(signed) => signed?,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            },
        };
        store(conn, signed, now).await
    }
}

/// Numbers drafts from their schools' blocks, in order, and signs them (a
/// statement's hundreds on every core).
fn number_and_sign(
    drafts: Vec<Draft>,
    mut numbering: HashMap<SchoolId, Numbering>,
    now: UnixTime,
) -> Result<Vec<Signed>, AppError> {
    let year = now.date_in_vietnam().year();
    let mut work = Vec::with_capacity(drafts.len());
    for mut draft in drafts {
        // Every draft's school had its block taken for its count.
        let n = numbering
            .get_mut(&draft.school_id)
            .ok_or(AppError::Internal)?;
        draft.content.form_number = n.form_number.clone();
        draft.content.series = n.series.clone();
        draft.content.number = format!("{:07}", n.next);
        work.push((draft, n.next, n.key_id.clone(), n.key.clone()));
        n.next += 1;
    }
    // Numbers taken and not used would be a gap in the series: refuse.
    if numbering.values().any(|n| n.next != n.end) {
        tracing::error!("receipts: a block of numbers was not used exactly");
        return Err(AppError::Internal);
    }
    let sign_all = move |work: Vec<(Draft, i64, String, SigningKey)>| -> Vec<Signed> {
        work.into_iter()
            .map(|(draft, number, key_id, key)| {
                let canonical = canonical_bytes(&draft.content);
                let digest = digest(&canonical);
                let signature = key.sign(&signed_message(&digest)).to_bytes();
                Signed {
                    draft,
                    year,
                    number,
                    canonical: String::from_utf8(canonical).expect("JSON is UTF-8"),
                    digest,
                    signature,
                    key_id,
                }
            })
            .collect()
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = work.len().div_ceil(cores.clamp(1, 4));
    if work.len() < 2 * SIGN_INLINE || share == 0 {
        return Ok(sign_all(work));
    }
    let mut rest = work;
    let mut shares = Vec::new();
    while rest.len() > share {
        let tail = rest.split_off(share);
        shares.push(rest);
        rest = tail;
    }
    shares.push(rest);
    Ok(std::thread::scope(|scope| {
        let running: Vec<_> = shares
            .into_iter()
            .map(|share| scope.spawn(move || sign_all(share)))
            .collect();
        running
            .into_iter()
            .flat_map(|signing| match signing.join() {
                Ok(signed) => signed,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    }))
}

/// Writes signed receipts, many rows a statement; returns their ids in order
/// when there are at most [`IDS_UP_TO`] (a replacement needs its id; a
/// statement's thousands would only cost a row sent back each).
async fn store(
    conn: &mut AnyConnection,
    signed: Vec<Signed>,
    now: UnixTime,
) -> Result<Vec<ReceiptId>, AppError> {
    use super::bulk::{Marks, CHUNK};
    use sqlx::Row;
    let want_ids = signed.len() <= IDS_UP_TO;
    let mut ids = Vec::new();
    for chunk in signed.chunks(CHUNK) {
        let codes: Vec<String> = chunk.iter().map(|_| super::auth::random_secret()).collect();
        // Numbered as changed here, not by the insert trigger (which skips a
        // row that comes with its number): two writes a row fewer.
        let taken = super::change_numbers::take(conn, chunk.len()).await?;
        let sql = format!(
            "INSERT INTO receipt (public_code, school_id, payment_id, invoice_id, student_id, series, year, number, total, \
                issued_at, content, digest, signature, key_id, change_no, updated_at) VALUES {}{}",
            Marks::of(conn).value_rows(chunk.len(), 16),
            if want_ids { " RETURNING id, public_code" } else { "" }
        );
        let mut query = sqlx::query(&sql);
        for (k, (s, code)) in chunk.iter().zip(&codes).enumerate() {
            query = query
                .bind(code)
                .bind(s.draft.school_id)
                .bind(s.draft.payment_id)
                .bind(s.draft.invoice_id)
                .bind(s.draft.student_id)
                .bind(&s.draft.content.series)
                .bind(s.year)
                .bind(s.number)
                .bind(s.draft.content.total)
                .bind(now)
                .bind(&s.canonical)
                .bind(b64(&s.digest))
                .bind(b64(&s.signature))
                .bind(&s.key_id)
                .bind(taken.first + k as i64)
                .bind(taken.now);
        }
        if !want_ids {
            query.execute(&mut *conn).await?;
            continue;
        }
        // The order RETURNING gives rows in is not promised: matched by code.
        let mut back = HashMap::new();
        for row in query.fetch_all(&mut *conn).await? {
            back.insert(
                row.try_get::<String, _>(1)?,
                row.try_get::<ReceiptId, _>(0)?,
            );
        }
        for code in &codes {
            ids.push(*back.get(code).ok_or(AppError::Internal)?);
        }
    }
    Ok(ids)
}

/// A stored receipt's proof (what its link carries).
pub fn proof_of(key_id: &str, digest_b64: &str, signature_b64: &str) -> Option<Proof> {
    Some(Proof {
        key_id: key_id.to_string(),
        digest: receipt::from_b64(digest_b64)?.try_into().ok()?,
        signature: receipt::from_b64(signature_b64)?.try_into().ok()?,
    })
}

/// Cancels a receipt with a reason, signed by the key that signed it. Returns
/// false when it was already cancelled.
pub async fn cancel(
    conn: &mut AnyConnection,
    vault: &Vault,
    receipt_id: ReceiptId,
    reason: &str,
    staff_id: Option<StaffId>,
    now: UnixTime,
) -> Result<bool, AppError> {
    let row: Option<(String, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT r.key_id, r.digest, r.cancelled_at, k.sealed_private_key FROM receipt r \
         JOIN signing_key k ON k.key_id = r.key_id WHERE r.id = $1",
    )
    .bind(receipt_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (key_id, digest_b64, cancelled, sealed) = row.ok_or(AppError::NotFound)?;
    if cancelled.is_some() {
        return Ok(false);
    }
    let key = unseal(vault, &key_id, &sealed)?;
    let digest: [u8; 32] = receipt::from_b64(&digest_b64)
        .and_then(|d| d.try_into().ok())
        .ok_or(AppError::Internal)?;
    let signature = key
        .sign(&cancel_message(&digest, now.seconds(), reason))
        .to_bytes();
    sqlx::query(
        "UPDATE receipt SET cancelled_at = $1, cancel_reason = $2, cancel_signature = $3, cancelled_by = $4 WHERE id = $5",
    )
    .bind(now)
    .bind(reason)
    .bind(b64(&signature))
    .bind(staff_id)
    .bind(receipt_id)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Cancels the live receipts of a payment (its settlement was undone).
pub async fn cancel_for_payment(
    conn: &mut AnyConnection,
    vault: &Vault,
    payment_id: PaymentId,
    reason: &str,
    staff_id: Option<StaffId>,
    now: UnixTime,
) -> Result<usize, AppError> {
    let ids: Vec<(ReceiptId,)> =
        sqlx::query_as("SELECT id FROM receipt WHERE payment_id = $1 AND cancelled_at IS NULL")
            .bind(payment_id)
            .fetch_all(&mut *conn)
            .await?;
    for (id,) in &ids {
        cancel(conn, vault, *id, reason, staff_id, now).await?;
    }
    Ok(ids.len())
}

/// Cancels a receipt and issues its replacement (same payment and invoice, the
/// payer's name corrected if given), which names the receipt it replaces.
pub async fn replace(
    conn: &mut AnyConnection,
    vault: &Vault,
    receipt_id: ReceiptId,
    reason: &str,
    payer: Option<&str>,
    staff_id: StaffId,
    now: UnixTime,
) -> Result<ReceiptId, AppError> {
    let row: Option<(SchoolId, PaymentId, InvoiceId, StudentId, String, Option<i64>)> = sqlx::query_as(
        "SELECT school_id, payment_id, invoice_id, student_id, content, cancelled_at FROM receipt WHERE id = $1",
    )
    .bind(receipt_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (school_id, payment_id, invoice_id, student_id, content, cancelled) =
        row.ok_or(AppError::NotFound)?;
    if cancelled.is_some() {
        return Err(AppError::NotFound);
    }
    let old: ReceiptContent = serde_json::from_str(&content).map_err(unavailable)?;
    cancel(conn, vault, receipt_id, reason, Some(staff_id), now).await?;
    let mut fresh = old.clone();
    fresh.replaces = Some(old.label());
    fresh.issued_at = now.seconds();
    if let Some(payer) = payer.map(str::trim).filter(|p| !p.is_empty()) {
        fresh.payer = payer.to_string();
    }
    let draft = Draft {
        school_id,
        payment_id,
        invoice_id,
        student_id,
        content: fresh,
    };
    let id = sign_and_store(conn, vault, vec![draft], now)
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    sqlx::query("UPDATE receipt SET replaced_by = $1 WHERE id = $2")
        .bind(id)
        .bind(receipt_id)
        .execute(&mut *conn)
        .await?;
    Ok(id)
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
