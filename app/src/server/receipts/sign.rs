//! Numbering drafts from their blocks and signing them, off the async
//! workers when there are many.

use super::numbering::{reserve_numbers, Counts, Numbering};
use super::store::store;
use crate::domain::ids::{InvoiceId, PaymentId, StudentId};
use crate::domain::ids::{ReceiptId, SchoolId};
use crate::domain::receipt::ReceiptContent;
use crate::domain::receipt::{canonical_bytes, digest, signed_message};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::vault::Vault;
use ed25519_dalek::{Signer, SigningKey};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// A receipt before it is numbered and signed.
pub(super) struct Draft {
    pub(super) school_id: SchoolId,
    pub(super) payment_id: PaymentId,
    pub(super) invoice_id: InvoiceId,
    pub(super) student_id: StudentId,
    pub(super) content: ReceiptContent,
}

/// A numbered receipt, signed: what its row stores.
pub(super) struct Signed {
    pub(super) draft: Draft,
    pub(super) year: i32,
    pub(super) number: i64,
    pub(super) canonical: String,
    pub(super) digest: [u8; 32],
    pub(super) signature: [u8; 64],
    pub(super) key_id: String,
}

/// Receipts drafted and signed on the async worker up to this many; more, on
/// a blocking thread.
const SIGN_INLINE: usize = 16;

/// Numbers, signs and stores receipts, in order; returns their ids.
pub(super) async fn sign_and_store(
    conn: &mut AnyConnection,
    vault: &Vault,
    drafts: Vec<Draft>,
    now: UnixTime,
) -> Result<Vec<ReceiptId>, AppError> {
    let mut counts = Counts::default();
    for d in &drafts {
        counts.add(d.school_id, 1);
    }
    let numbering = reserve_numbers(conn, vault, &counts, now).await?;
    Signing::start(drafts.len(), move || {
        number_and_sign(drafts, numbering, now)
    })?
    .store(conn, now)
    .await
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
    pub(super) fn start(
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
    /// their ids when there are at most [`IDS_UP_TO`](super::IDS_UP_TO).
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
pub(super) fn number_and_sign(
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
