//! Data both sides exchange: what the server functions return to the browser.
//! Only what the screen needs: a parent's view carries no other child's data, no
//! date of birth, no internal ids.

use crate::domain::date::{Date, Month};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::invoice_status::InvoiceStatus;
use crate::domain::money::Vnd;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolSummary {
    pub slug: String,
    pub name: String,
    /// Its supervising office ("UBND phường Hồng Gai").
    pub office: String,
}

/// A school as any parent may see it: its name and whom to call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolPublic {
    pub slug: String,
    pub name: String,
    /// Whether `/logo/<slug>` has an image.
    pub has_logo: bool,
    pub contacts: Vec<crate::staff::Contact>,
}

/// What a successful lookup gives the parent's device to keep: an opaque, signed,
/// expiring token standing for "this device proved it knows this child's code and
/// date of birth", and what to show in the list of children.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildAccess {
    pub token: String,
    pub school_slug: String,
    pub school_name: String,
    pub student_name: String,
    pub class_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub code: InvoiceCode,
    pub title: String,
    pub period: Month,
    pub total: Vnd,
    pub paid: Vnd,
    pub due_on: Date,
    pub status: InvoiceStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildOverview {
    pub student_name: String,
    pub class_name: String,
    pub school_name: String,
    pub school_slug: String,
    pub invoices: Vec<InvoiceSummary>,
    /// Whom to call about paying (the school's contact people).
    pub contacts: Vec<crate::staff::Contact>,
    /// Every receipt of this child, newest first.
    pub receipts: Vec<ReceiptLink>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLineView {
    /// The line's place on the invoice (to decline it).
    pub position: i64,
    pub description: String,
    pub quantity: i64,
    pub unit_amount: Vnd,
    pub amount: Vnd,
    /// A voluntary fee the parent may decline before paying.
    pub voluntary: bool,
    /// Declined: shown, not counted in the total.
    pub declined: bool,
}

/// The school's receiving account, as the parent's banking app will show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payee {
    pub bin: String,
    pub bank_short_name: String,
    pub bank_name: String,
    pub account_number: String,
    pub account_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub received_on: Date,
    pub amount: Vnd,
    pub source: String,
    /// The sending account's holder as the bank reported it (none for cash or
    /// the gateway): the payer of the payment template, once known.
    #[serde(default)]
    pub payer_name: Option<String>,
}

/// An online payment the gateway told the parent succeeded but has not yet
/// confirmed to the school: the invoice page says so instead of asking again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOnline {
    pub amount: Vnd,
    /// When the parent came back from the gateway (Unix seconds).
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    pub summary: InvoiceSummary,
    pub school_name: String,
    pub school_legal_name: String,
    pub school_address: String,
    pub student_name: String,
    pub class_name: String,
    pub lines: Vec<InvoiceLineView>,
    /// What is still to pay: total less what was paid, never negative.
    pub balance: Vnd,
    /// The reason for payment, one of the four fields of the payment template.
    pub reason: String,
    /// The transfer memo (VietQR 62.08): the invoice code, plain ASCII, ≤ 25 characters.
    pub memo: String,
    /// The school's bank account, if its supervising office confirmed one: no QR
    /// is ever drawn from an account the registry does not list.
    pub payee: Option<Payee>,
    /// The school's Mobile Money (wallet) account, if it has one: the parent may pay there instead.
    pub mobile_money: Option<Payee>,
    /// The school takes payments online through a gateway.
    pub online_payment: bool,
    pub payments: Vec<PaymentView>,
    pub contacts: Vec<crate::staff::Contact>,
    /// The receipts issued for what was paid on this invoice.
    pub receipts: Vec<ReceiptLink>,
    /// Transfers that named this invoice after it was paid in full: the school
    /// holds them until it sends them back. (Default: copies kept offline by
    /// an older version have none.)
    #[serde(default)]
    pub extra_transfers: Vec<ExtraTransfer>,
    #[serde(default)]
    pub pending_online: Option<PendingOnline>,
    /// Where the school's official accounts are listed (`/tai-khoan/<slug>`).
    #[serde(default)]
    pub school_slug: String,
}

impl InvoiceDetail {
    /// The payer of the payment template: the newest name a bank reported for
    /// this invoice's payments.
    pub fn payer_name(&self) -> Option<&str> {
        self.payments
            .iter()
            .rev()
            .find_map(|p| p.payer_name.as_deref())
            .filter(|n| !n.trim().is_empty())
    }
}

/// A transfer that named an invoice already paid in full (a family paying
/// twice): not taken for anything, waiting for the school to refund it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraTransfer {
    pub received_on: Date,
    pub amount: Vnd,
    /// What the school has sent back so far.
    pub refunded: Vnd,
}

/// A receipt in a list: enough to open it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLink {
    /// The receipt's unguessable code: `/r/<code>`.
    pub code: String,
    /// `HP26E-0000001`.
    pub label: String,
    pub total: Vnd,
    pub issued_at: i64,
    pub invoice_code: String,
    pub period: String,
    pub cancelled: bool,
    /// `<key id>.<digest>.<signature>`: what the verification link carries after `#`.
    pub proof: String,
}

/// A receipt as its page shows it, with what any verifier needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    pub content: crate::domain::receipt::ReceiptContent,
    pub proof: String,
    /// The school's published keys: (key id, raw public key, base64url).
    pub keys: Vec<(String, String)>,
    /// (when, why, signature base64url) if the school cancelled it.
    pub cancellation: Option<(i64, String, String)>,
    /// The code of the receipt that replaces it, if any.
    pub replaced_by: Option<String>,
}

impl ReceiptView {
    /// The verdict on a proof (what a link carries after `#`) for this receipt,
    /// checked against the school's published keys: the browser runs this in wasm
    /// and the server runs the same code, so both say the same.
    pub fn verdict(&self, proof: &str) -> crate::domain::receipt::Verdict {
        use crate::domain::receipt::{from_b64, verify, verify_cancellation, Proof, Verdict};
        let Some(proof) = Proof::parse(proof) else {
            return Verdict::default();
        };
        let keys: Vec<(String, [u8; 32])> = self
            .keys
            .iter()
            .filter_map(|(id, public)| Some((id.clone(), from_b64(public)?.try_into().ok()?)))
            .collect();
        let mut verdict = verify(&proof, &keys, Some(&self.content));
        if let Some((at, reason, sig)) = &self.cancellation {
            verdict.cancelled = from_b64(sig)
                .and_then(|s| <[u8; 64]>::try_from(s).ok())
                .is_some_and(|s| verify_cancellation(&proof, &keys, *at, reason, &s));
        }
        verdict
    }
}

/// A class's fee notice, as its public class link shows it: no personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassNotice {
    pub school_name: String,
    pub class_name: String,
    /// (name, amount, unit, mandatory)
    pub fees: Vec<(String, Vnd, crate::domain::billing::Unit, bool)>,
}

/// One transfer that pays several open invoices at one school.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPayment {
    /// A payment code from the same alphabet and namespace as invoice codes.
    pub code: InvoiceCode,
    pub memo: String,
    pub total: Vnd,
    pub school_name: String,
    pub payee: Payee,
    /// (student, invoice title, amount) for each invoice covered.
    pub invoices: Vec<(String, String, Vnd)>,
    /// The beneficiary of the payment template.
    #[serde(default)]
    pub school_legal_name: String,
    /// Where the school's official accounts are listed (`/tai-khoan/<slug>`).
    #[serde(default)]
    pub school_slug: String,
}

/// An online payment as the parent's return page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlinePaymentStatus {
    pub invoice_code: String,
    pub amount: Vnd,
    /// `pending` (the gateway has not confirmed yet), `paid` or `failed`.
    pub state: String,
    /// The gateway's response code (`00` success, `24` cancelled, `51` insufficient balance…).
    pub response_code: String,
}

// --- Complaints: filed by a parent, answered by the school (`api::complaints`).

/// Days the school has to answer.
pub const ANSWER_WITHIN_DAYS: i64 = 7;
/// Largest photo of a transfer slip, after the phone has shrunk it.
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintKind {
    PaidNotShown,
    WrongAmount,
    PaidTwice,
    WrongChild,
    Other,
}

impl ComplaintKind {
    pub const ALL: [ComplaintKind; 5] = [
        ComplaintKind::PaidNotShown,
        ComplaintKind::WrongAmount,
        ComplaintKind::PaidTwice,
        ComplaintKind::WrongChild,
        ComplaintKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintKind::PaidNotShown => "paid_not_shown",
            ComplaintKind::WrongAmount => "wrong_amount",
            ComplaintKind::PaidTwice => "paid_twice",
            ComplaintKind::WrongChild => "wrong_child",
            ComplaintKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// (Vietnamese, English)
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ComplaintKind::PaidNotShown => (
                "Đã nộp nhưng chưa thấy ghi nhận",
                "Paid but not shown as paid",
            ),
            ComplaintKind::WrongAmount => ("Số tiền không đúng", "Wrong amount"),
            ComplaintKind::PaidTwice => ("Nộp hai lần", "Paid twice"),
            ComplaintKind::WrongChild => ("Nộp nhầm cho học sinh khác", "Paid for the wrong child"),
            ComplaintKind::Other => ("Khác", "Other"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    Received,
    InReview,
    Resolved,
    Rejected,
}

impl ComplaintStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "received",
            ComplaintStatus::InReview => "in_review",
            ComplaintStatus::Resolved => "resolved",
            ComplaintStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ComplaintStatus::Received,
            ComplaintStatus::InReview,
            ComplaintStatus::Resolved,
            ComplaintStatus::Rejected,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    pub fn is_closed(self) -> bool {
        matches!(self, ComplaintStatus::Resolved | ComplaintStatus::Rejected)
    }

    /// (Vietnamese, English)
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ComplaintStatus::Received => ("Đã tiếp nhận", "Received"),
            ComplaintStatus::InReview => ("Đang xem xét", "In review"),
            ComplaintStatus::Resolved => ("Đã giải quyết", "Resolved"),
            ComplaintStatus::Rejected => ("Không chấp nhận", "Rejected"),
        }
    }
}

/// What the parent gets back when filing: the code to follow it, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledComplaint {
    pub tracking_code: String,
    pub due_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintMessage {
    pub from_school: bool,
    pub body: String,
    /// The status this message set, if any.
    pub status: Option<ComplaintStatus>,
    pub at: i64,
}

/// A complaint as its parent sees it (by its tracking code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintView {
    pub kind: ComplaintKind,
    pub status: ComplaintStatus,
    pub school: String,
    /// The invoice's title or the receipt's number.
    pub subject: String,
    pub bank_reference: Option<String>,
    pub created_at: i64,
    pub due_at: i64,
    pub messages: Vec<ComplaintMessage>,
}

/// A complaint in the school's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintRow {
    pub id: i64,
    pub kind: ComplaintKind,
    pub status: ComplaintStatus,
    pub student: String,
    pub class_name: String,
    pub subject: String,
    pub bank_reference: Option<String>,
    pub created_at: i64,
    pub due_at: i64,
    pub overdue: bool,
}

/// A transfer the school received whose bank reference matches the complaint's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchingTransfer {
    pub reference: String,
    pub amount: crate::domain::money::Vnd,
    pub received_at: i64,
    pub status: String,
}

/// A complaint as the accountant handles it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintDetail {
    pub row: ComplaintRow,
    pub messages: Vec<ComplaintMessage>,
    /// The transfer slip, as a `data:` address.
    pub photo: Option<String>,
    pub transfers: Vec<MatchingTransfer>,
}
