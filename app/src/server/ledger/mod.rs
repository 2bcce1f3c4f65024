//! The ledger: the only code that records money. It stores a payment once (by
//! its channel's key), decides which invoices it settles and how (one rule,
//! `domain::settlement`), allocates it, keeps any excess as a credit, and issues
//! the receipts, in the caller's transaction (a statement's just after it:
//! `owed`). Every channel comes here: a bank notification, SePay, a statement,
//! the gateway, a card slip or cash at the desk, and the accountant's hand
//! (match, split, undo, refund, not a fee).
//!
//! It works on batches: a statement's lines, or one notification as a batch of
//! one, take the same path, so the rule and the books cannot drift between a
//! fast path and a slow one.
//!
//! - [`books`]: the open invoices a batch names, read once.
//! - [`record`]: planning (reads only: what a preview shows) and recording.
//! - [`turns`]: a long batch (a statement) in write turns that make way for
//!   a waiting notification.
//! - [`owed`]: the receipts a statement's turns owe, issued after them.
//! - [`by_hand`]: the accountant's decisions on a recorded transfer.
//! - [`credit`]: credits kept, spent on new invoices, or withdrawn.

pub mod books;
pub mod by_hand;
pub mod credit;
pub mod owed;
pub mod record;
pub mod turns;

pub use books::{Books, OpenInvoice};
pub use record::{plan, record, Incoming, Planned, Recorded};
pub use turns::{record_turn, Turn};

use crate::domain::ids::StaffId;
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;

/// Where a payment came from: with its key, what makes it the same payment
/// when it arrives twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A transfer into one of the school's accounts (notification, SePay or statement).
    BankTransfer,
    /// The payment gateway's confirmation.
    Gateway,
    /// Taken at the school's desk: a card slip or cash.
    Office,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::BankTransfer => "bank_transfer",
            Source::Gateway => "gateway",
            Source::Office => "office",
        }
    }
}

/// A card payment's slip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    pub terminal: String,
    pub approval: String,
    pub last4: String,
}

/// A payment as it arrives, before it is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPayment {
    pub source: Source,
    /// Unique within its source: the bank's reference under the receiving
    /// account, the gateway's order, the card's approval, a random key for cash.
    pub external_id: String,
    pub amount: Vnd,
    pub received_at: UnixTime,
    pub payer_name: Option<String>,
    pub memo: Option<String>,
    /// bank_transfer, mobile_money, gateway, card, cash.
    pub method: &'static str,
    /// How it reached hocphi first: notification, sepay, statement, gateway, office, demo.
    pub arrived_via: &'static str,
    /// The receiving account: (bank BIN, account number).
    pub account: Option<(String, String)>,
    pub card: Option<Card>,
    /// The staff member who entered it at the desk.
    pub recorded_by: Option<StaffId>,
}
