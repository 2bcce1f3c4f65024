//! A school's block of receipt numbers, taken in the caller's transaction,
//! with the school as its receipts name it and the key that signs.

use super::keys::current_key;
use crate::domain::ids::SchoolId;
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::vault::Vault;
use ed25519_dalek::SigningKey;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// hocphi's own numbering for a year, when the school registered no series:
/// `2026`, so receipts read `2026-0000001`, a plain number that imitates no
/// registration (until December 2026 this was `HP26E` under a form `01BLTT`).
pub fn series_for(year: i32) -> String {
    year.to_string()
}

/// Receipts to number, per school, in the order the schools came.
#[derive(Default)]
pub(super) struct Counts(Vec<(SchoolId, usize)>);

impl Counts {
    pub(super) fn add(&mut self, school_id: SchoolId, n: usize) {
        match self.0.iter_mut().find(|(s, _)| *s == school_id) {
            Some((_, count)) => *count += n,
            None => self.0.push((school_id, n)),
        }
    }

    pub(super) fn total(&self) -> usize {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// The school as its receipts name it.
pub(super) struct Issuer {
    /// Its legal name, or its name when it has none.
    pub(super) name: String,
    pub(super) tax_code: String,
    pub(super) slug: String,
}

/// A school's block of receipt numbers, taken in the transaction: the school
/// as its receipts name it, its form and series, the next number of the block,
/// and the key that signs.
pub(super) struct Numbering {
    pub(super) issuer: Issuer,
    pub(super) form_number: String,
    pub(super) series: String,
    pub(super) next: i64,
    /// One past the block's last number.
    pub(super) end: i64,
    pub(super) key_id: String,
    pub(super) key: SigningKey,
}

/// Takes a block of `count` numbers for each school, and its signing key.
pub(super) async fn reserve_numbers(
    conn: &mut AnyConnection,
    vault: &Vault,
    counts: &Counts,
    now: UnixTime,
) -> Result<HashMap<SchoolId, Numbering>, AppError> {
    let year = now.date_in_vietnam().year();
    let mut numbering = HashMap::new();
    for &(school_id, count) in &counts.0 {
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
