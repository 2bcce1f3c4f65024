//! What the accountant's reconciliation screens exchange with the server:
//! statement imports, the review queue and the hand decisions on a transfer.

use crate::domain::money::Vnd;
use crate::domain::settlement::Outcome;
use crate::domain::statement::{LineError, Mapping};
use crate::domain::suggest::Reason;
use serde::{Deserialize, Serialize};

/// What the statement screen needs before a file is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementSetup {
    /// (account id, "Vietcombank · 0011004455667").
    pub accounts: Vec<(i64, String)>,
    /// (preset id, bank).
    pub presets: Vec<(String, String)>,
    /// The mapping used last time, if any.
    pub saved: Option<Mapping>,
}

/// How the columns are chosen for a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MappingChoice {
    /// The saved mapping if it fits the file, else the headings recognised.
    Auto,
    Preset(String),
    Custom(Mapping),
}

/// What importing a statement would do, line by line, before anything is written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementPreview {
    /// The columns used; `None` when they could not be found (map them by hand).
    pub mapping: Option<Mapping>,
    /// The table's headings, to map by hand.
    pub headings: Vec<String>,
    pub lines: Vec<PreviewLine>,
    pub errors: Vec<LineError>,
    /// Money-out, balance and totals rows.
    pub skipped: usize,
}

impl StatementPreview {
    pub fn can_commit(&self) -> bool {
        self.mapping.is_some() && self.errors.is_empty() && self.lines.iter().any(|l| !l.known)
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.lines
            .iter()
            .filter(|l| !l.known && l.outcome == outcome)
            .count()
    }

    pub fn known(&self) -> usize {
        self.lines.iter().filter(|l| l.known).count()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLine {
    pub row: usize,
    pub reference: String,
    pub amount: Vnd,
    pub at: i64,
    pub memo: String,
    pub outcome: Outcome,
    /// Already recorded (notified earlier, or imported before): changes nothing.
    pub known: bool,
}

/// What a committed import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementResult {
    pub recorded: usize,
    pub known: usize,
    pub matched: usize,
    pub partly_paid: usize,
    pub overpaid: usize,
    pub duplicate: usize,
    pub unmatched: usize,
    /// The money of the new transfers, of those that may be duplicates, and
    /// of those waiting for the accountant: the figures to hold against the
    /// bank's statement.
    pub recorded_amount: Vnd,
    pub duplicate_amount: Vnd,
    pub unmatched_amount: Vnd,
    /// New transfers whose receipts were still being issued when the import
    /// answered (a long file's, issued just after it; or, should issuing them
    /// have failed, at the next try): none for a school's usual statement.
    pub receipts_pending: usize,
}

/// What settling a transfer by hand did, for the accountant's message: each
/// part with the child it paid for, and the credit left and whose it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchDone {
    /// (invoice code, the child's name, amount), in the order given.
    pub parts: Vec<(String, String, Vnd)>,
    pub credit: Vnd,
    /// The child the credit is kept for (the first part's), when there is one.
    pub credit_to: Option<String>,
}

/// Which transfers to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferFilter {
    /// Unmatched, and possible duplicates not yet refunded.
    NeedsReview,
    All,
}

/// The order transfers are listed in; the newest first unless asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferOrder {
    #[default]
    Newest,
    /// The oldest first: what has waited longest.
    Oldest,
    /// The largest amount first.
    Largest,
}

impl TransferOrder {
    pub const ALL: [TransferOrder; 3] = [
        TransferOrder::Newest,
        TransferOrder::Oldest,
        TransferOrder::Largest,
    ];

    /// The value a `<select>` carries.
    pub fn key(self) -> &'static str {
        match self {
            TransferOrder::Newest => "newest",
            TransferOrder::Oldest => "oldest",
            TransferOrder::Largest => "largest",
        }
    }

    pub fn from_key(key: &str) -> TransferOrder {
        Self::ALL
            .into_iter()
            .find(|o| o.key() == key)
            .unwrap_or_default()
    }

    /// The SQL order: one of these fixed texts, never what a request carried.
    pub fn sql(self) -> &'static str {
        match self {
            TransferOrder::Newest => "p.received_at DESC, p.id DESC",
            TransferOrder::Oldest => "p.received_at, p.id",
            TransferOrder::Largest => "p.amount DESC, p.received_at DESC, p.id DESC",
        }
    }
}

/// One page of transfers and how many there are in all (for the pager).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferPage {
    pub rows: Vec<TransferRow>,
    pub total: usize,
}

/// One bank transfer as the accountant reviews it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRow {
    pub payment_id: i64,
    /// The bank's reference.
    pub reference: String,
    pub received_at: i64,
    pub amount: Vnd,
    pub memo: String,
    pub payer: Option<String>,
    pub outcome: Outcome,
    pub arrived_via: String,
    /// (invoice code, student name, amount).
    pub allocations: Vec<(String, String, Vnd)>,
    pub refunded: Vnd,
    pub suggestions: Vec<Suggestion>,
    /// The last hand decision: (action, detail, who, when).
    pub last_review: Option<(String, String, String, i64)>,
}

impl TransferRow {
    /// What is neither allocated to invoices nor refunded (a duplicate's money).
    pub fn unallocated(&self) -> Vnd {
        let allocated: Vnd = self.allocations.iter().map(|a| a.2).sum();
        (self.amount - allocated - self.refunded).clamp_non_negative()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub invoice_code: String,
    pub student_name: String,
    pub class_name: String,
    pub period: String,
    pub balance: Vnd,
    pub reasons: Vec<Reason>,
}

/// Part of a transfer given to one invoice by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub invoice_code: String,
    pub amount: Vnd,
}
