//! A long batch (a bank statement of up to 100,000 lines) recorded in write
//! turns. A turn is one transaction: it records batches of [`BATCH`] lines and
//! ends after the batch during which another writer came to wait (a bank
//! notification), or at [`TURN_MAX`] lines. With nobody waiting, a statement
//! pays for a few commits; with a notification waiting, it waits for one batch.
//!
//! The caller writes the turn's audit line and commits: what a turn recorded is
//! never without its "who". A file cut short (an error, the server stopping)
//! keeps its whole turns; importing it again finishes it, since every line is
//! keyed and a recorded line changes nothing.

use super::record::{record_owing, Incoming, Recorded};
use crate::domain::ids::SchoolId;
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::database::{begin_write, WriteTx};
use crate::server::state::Db;
use std::ops::Range;

/// Lines recorded between two looks at whether another writer waits: about
/// 20 ms of work on a 2-core machine, which is about what a notification waits
/// for its turn, plus now and then a commit that copies the write-ahead log
/// into the database.
pub const BATCH: usize = 250;

/// The most lines one transaction records, waiting writers or not, so that a
/// commit (and its audit line) comes every few seconds at most.
pub const TURN_MAX: usize = 5_000;

/// One write turn: the open transaction, which lines of the batch it recorded
/// and what recording them did. Log it, then commit `tx`.
pub struct Turn {
    pub tx: WriteTx,
    pub lines: Range<usize>,
    pub recorded: Vec<Recorded>,
}

/// Takes the write turn and records `batch[from..]` until it ends, another
/// writer waits, or [`TURN_MAX`] lines are recorded. An empty rest is an empty
/// turn (the caller still logs and commits it). The receipts are owed
/// ([`record_owing`]): issue them after the commit ([`super::owed::issue_owed`]).
pub async fn record_turn(
    db: &Db,
    school_id: SchoolId,
    batch: &[Incoming],
    from: usize,
    now: UnixTime,
) -> Result<Turn, AppError> {
    let mut tx = begin_write(db).await?;
    let end = batch.len().min(from.saturating_add(TURN_MAX));
    let mut at = from.min(end);
    let mut recorded = Vec::with_capacity(end - at);
    while at < end {
        let part = &batch[at..end.min(at + BATCH)];
        recorded.extend(record_owing(&mut tx, school_id, part, now).await?);
        at += part.len();
        if at < end && tx.others_waiting().await? {
            break;
        }
    }
    Ok(Turn {
        tx,
        lines: from.min(end)..at,
        recorded,
    })
}
