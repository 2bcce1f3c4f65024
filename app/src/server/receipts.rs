//! Issuing, signing and cancelling receipts, in the caller's transaction: a
//! receipt exists exactly when its settlement does, and its number is taken in
//! the same transaction, so numbers never skip or repeat.

use super::vault::Vault;
use crate::domain::date::Date;
use crate::domain::money::Vnd;
use crate::domain::receipt::{
    self, b64, cancel_message, canonical_bytes, digest, key_id, signed_message, Item, Proof,
    ReceiptContent, RECEIPT_TYPE,
};
use crate::error::AppError;
use ed25519_dalek::{Signer, SigningKey};
use sqlx::AnyConnection;

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
    school_id: i64,
    now: i64,
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
    school_id: i64,
    now: i64,
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
    school_id: i64,
    now: i64,
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
    school_id: i64,
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

/// Issues a receipt for every invoice a payment settles that has none yet.
/// `collector`: who took the money (the school's account for a transfer, a
/// person for cash or a hand match).
pub async fn issue_for_payment(
    conn: &mut AnyConnection,
    vault: &Vault,
    payment_id: i64,
    collector: Option<&str>,
    now: i64,
) -> Result<Vec<i64>, AppError> {
    // payment: school, method, reference, payer, received_at, bank account
    type PaymentRow = (
        i64,
        String,
        String,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
    );
    let (school_id, method, external_id, payer, received_at, account, bin): PaymentRow =
        sqlx::query_as(
            "SELECT school_id, method, external_id, payer_name, received_at, account, bank_bin FROM payment WHERE id = $1",
        )
        .bind(payment_id)
        .fetch_one(&mut *conn)
        .await?;
    let (school, tax_code, slug): (String, String, String) = sqlx::query_as(
        "SELECT COALESCE(NULLIF(legal_name, ''), name), tax_code, slug FROM school WHERE id = $1",
    )
    .bind(school_id)
    .fetch_one(&mut *conn)
    .await?;
    // invoice, student, name, class, code, period, invoice total, this payment's part
    type Allocation = (i64, i64, String, Option<String>, String, String, i64, i64);
    let allocations: Vec<Allocation> = sqlx::query_as(
        "SELECT i.id, s.id, s.full_name, c.name, i.code, i.period, i.total, a.amount \
         FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id JOIN student s ON s.id = i.student_id \
         LEFT JOIN class c ON c.id = i.class_id \
         WHERE a.payment_id = $1 AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.payment_id = a.payment_id \
            AND r.invoice_id = a.invoice_id AND r.cancelled_at IS NULL) ORDER BY i.period, i.id",
    )
    .bind(payment_id)
    .fetch_all(&mut *conn)
    .await?;
    let collector = match collector {
        Some(name) => name.to_string(),
        None => {
            let bank = bin
                .as_deref()
                .and_then(crate::domain::banks::by_bin)
                .map(|b| b.short_name.to_string())
                .unwrap_or_default();
            format!(
                "{school} (tài khoản {bank} {})",
                account.unwrap_or_default()
            )
            .replace("  ", " ")
        }
    };
    // Cash has no bank reference (its key is random): say what it was instead.
    let reference = if method == "cash" {
        "Tiền mặt tại văn phòng nhà trường".to_string()
    } else {
        crate::server::bank::reference_of(&external_id).to_string()
    };
    let mut issued = Vec::new();
    for (invoice_id, student_id, student, class, code, period, total, part) in allocations {
        // What was billed: a line the family declined is not (it is not in the total).
        let lines: Vec<(String, i64)> = sqlx::query_as(
            "SELECT description, amount FROM invoice_line WHERE invoice_id = $1 AND declined = 0 \
             ORDER BY position",
        )
        .bind(invoice_id)
        .fetch_all(&mut *conn)
        .await?;
        let period_label = crate::domain::date::Month::parse(&period)
            .map(|m| m.label())
            .unwrap_or_else(|_| period.clone());
        let items = receipt_items(lines, part, total, &period_label, &code);
        let content = ReceiptContent {
            format: 1,
            receipt_type: RECEIPT_TYPE.into(),
            // Both set by `sign_and_store`, from the school's registration.
            form_number: String::new(),
            series: String::new(),
            number: String::new(),
            school: school.clone(),
            school_tax_code: tax_code.clone(),
            school_slug: slug.clone(),
            payer: payer
                .clone()
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| format!("Phụ huynh học sinh {student}")),
            student,
            class: class.unwrap_or_default(),
            invoice_code: code,
            period,
            items,
            total: part,
            total_in_words: crate::domain::words::vnd_in_words(Vnd::new(part))
                .map_err(unavailable)?,
            method: method.clone(),
            reference: reference.clone(),
            paid_at: received_at,
            issued_at: now,
            collector: collector.clone(),
            replaces: None,
        };
        issued.push(
            sign_and_store(
                conn, vault, school_id, payment_id, invoice_id, student_id, content, now,
            )
            .await?,
        );
    }
    Ok(issued)
}

/// Numbers, signs and stores a receipt; returns its id.
#[allow(clippy::too_many_arguments)]
async fn sign_and_store(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: i64,
    payment_id: i64,
    invoice_id: i64,
    student_id: i64,
    mut content: ReceiptContent,
    now: i64,
) -> Result<i64, AppError> {
    let year = Date::in_vietnam(now).year();
    // The school's registered form and series, if it entered both; otherwise
    // hocphi's plain numbering and no form code at all.
    let registered: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT receipt_form_number, receipt_series FROM school WHERE id = $1")
            .bind(school_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (form_number, series) = match registered {
        Some((Some(form), Some(series))) if !form.is_empty() && !series.is_empty() => {
            (form, series)
        }
        _ => (String::new(), series_for(year)),
    };
    content.form_number = form_number;
    let (number,): (i64,) = sqlx::query_as(
        "INSERT INTO receipt_counter (school_id, series, year, last) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (school_id, series, year) DO UPDATE SET last = receipt_counter.last + 1 RETURNING last",
    )
    .bind(school_id)
    .bind(&series)
    .bind(year)
    .fetch_one(&mut *conn)
    .await?;
    content.series = series.clone();
    content.number = format!("{number:07}");
    let (key_id, key) = current_key(conn, vault, school_id, now).await?;
    let canonical = canonical_bytes(&content);
    let digest = digest(&canonical);
    let signature = key.sign(&signed_message(&digest)).to_bytes();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO receipt (public_code, school_id, payment_id, invoice_id, student_id, series, year, number, total, \
            issued_at, content, digest, signature, key_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(super::auth::random_secret())
    .bind(school_id)
    .bind(payment_id)
    .bind(invoice_id)
    .bind(student_id)
    .bind(&series)
    .bind(year)
    .bind(number)
    .bind(content.total)
    .bind(now)
    .bind(String::from_utf8(canonical).expect("JSON is UTF-8"))
    .bind(b64(&digest))
    .bind(b64(&signature))
    .bind(&key_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
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
    receipt_id: i64,
    reason: &str,
    staff_id: Option<i64>,
    now: i64,
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
    let signature = key.sign(&cancel_message(&digest, now, reason)).to_bytes();
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
    payment_id: i64,
    reason: &str,
    staff_id: Option<i64>,
    now: i64,
) -> Result<usize, AppError> {
    let ids: Vec<(i64,)> =
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
    receipt_id: i64,
    reason: &str,
    payer: Option<&str>,
    staff_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    let row: Option<(i64, i64, i64, i64, String, Option<i64>)> = sqlx::query_as(
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
    fresh.issued_at = now;
    if let Some(payer) = payer.map(str::trim).filter(|p| !p.is_empty()) {
        fresh.payer = payer.to_string();
    }
    let id = sign_and_store(
        conn, vault, school_id, payment_id, invoice_id, student_id, fresh, now,
    )
    .await?;
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
    lines: Vec<(String, i64)>,
    part: i64,
    total: i64,
    period_label: &str,
    code: &str,
) -> Vec<Item> {
    let billed: i64 = lines.iter().map(|(_, amount)| amount).sum();
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
