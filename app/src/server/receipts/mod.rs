//! Issuing, signing and cancelling receipts, in the caller's transaction: a
//! receipt exists exactly when its settlement does, and its number is taken in
//! the same transaction, so numbers never skip or repeat.
//!
//! `issue` is where receipts start (for payments just recorded, or named by
//! id): it finds each payment's parts with no receipt yet and drafts them;
//! `numbering` takes each school's block of numbers; `sign` numbers and signs
//! the drafts (off the async workers when there are many); `store` writes
//! them; `cancel` cancels and replaces; `keys` holds the schools' signing keys.

mod cancel;
mod issue;
mod keys;
mod numbering;
mod sign;
mod store;

pub use cancel::{cancel, cancel_for_payment, replace};
pub use issue::{
    issue_for_paid, issue_for_payments, start_issue_for_new, start_issue_for_payments, NewlyPaid,
    Paid,
};
pub use keys::{current_key, key_list, published_keys, rotate, PublishedKey};
pub use numbering::series_for;
pub use sign::Signing;
pub use store::{proof_of, IDS_UP_TO};

use crate::error::AppError;

fn unavailable(e: impl std::fmt::Display) -> AppError {
    tracing::error!("receipt signing: {e}");
    AppError::Internal
}
