//! Staff: who they are, what they may do, and the data their screens exchange.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A supervising office's officer: a commune/ward's schools, or (the
    /// Department) every school of the province.
    Officer,
    /// Kế toán: one school, its money and its data.
    Accountant,
    /// Giáo viên chủ nhiệm: their classes, read-only on money.
    Teacher,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Accountant => "accountant",
            Role::Teacher => "teacher",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "officer" => Some(Role::Officer),
            "accountant" => Some(Role::Accountant),
            "teacher" => Some(Role::Teacher),
            _ => None,
        }
    }

    /// Whom this role may invite, reset and deactivate.
    pub fn may_manage(self, other: Role) -> bool {
        matches!(
            (self, other),
            (Role::Officer, Role::Accountant) | (Role::Accountant, Role::Teacher)
        )
    }
}

/// The signed-in staff member, as their screens see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The office the account belongs to (an officer's own office; a school's
    /// supervising one).
    pub office_id: i64,
    pub office_name: String,
    pub office_level: crate::domain::office::OfficeLevel,
    pub school_id: Option<i64>,
    pub school_name: Option<String>,
    /// Today by the server's clock: the month screens open on (a computer's
    /// clock, or its time zone, may be wrong).
    pub today: crate::domain::date::Date,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    QrTransfer,
    Website,
    MobileMoney,
    CardPos,
    Cash,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 5] = [
        PaymentMethod::QrTransfer,
        PaymentMethod::Website,
        PaymentMethod::MobileMoney,
        PaymentMethod::CardPos,
        PaymentMethod::Cash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::QrTransfer => "qr_transfer",
            PaymentMethod::Website => "website",
            PaymentMethod::MobileMoney => "mobile_money",
            PaymentMethod::CardPos => "card_pos",
            PaymentMethod::Cash => "cash",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn is_cashless(self) -> bool {
        self != PaymentMethod::Cash
    }
}

/// The plan (Đề án 06) asks every school to be ready for at least 3 of the 4
/// cashless methods.
pub const REQUIRED_CASHLESS_METHODS: usize = 3;

pub fn cashless_ready(methods: &[PaymentMethod]) -> bool {
    methods.iter().filter(|m| m.is_cashless()).count() >= REQUIRED_CASHLESS_METHODS
}

/// The most contact people a school's page lists: whom to call, not a staff
/// list (every school link draws them all).
pub const MAX_CONTACTS: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub role: String,
    pub phone: String,
    pub zalo: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BeneficiaryAccount {
    pub id: i64,
    pub bin: String,
    pub bank_short_name: String,
    pub account_number: String,
    pub account_name: String,
    pub is_default: bool,
    /// When the supervising office confirmed it, and who: until then no QR shows it.
    pub confirmed: Option<Confirmation>,
    /// Taken off every QR by the school or its office, with why (`at`, `by`
    /// as in a confirmation); saving the account again asks for a new confirmation.
    #[serde(default)]
    pub suspended: Option<(Confirmation, String)>,
}

/// The supervising office's confirmation of an official account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub at: i64,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolProfile {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub legal_name: String,
    pub address: String,
    pub tax_code: String,
    /// The receipt form and series the school registered with the tax office
    /// (both empty if none: receipts then carry hocphi's plain number).
    #[serde(default)]
    pub receipt_form_number: String,
    #[serde(default)]
    pub receipt_series: String,
    pub has_logo: bool,
    pub accounts: Vec<BeneficiaryAccount>,
    pub methods: Vec<PaymentMethod>,
    pub contacts: Vec<Contact>,
    /// Each method: declared, configured, and when money last came that way.
    pub readiness: Vec<MethodReadiness>,
    /// The merchant code at the payment gateway, if set (its secret is never sent back).
    pub gateway_merchant: Option<String>,
    /// The school has an active accountant: its office then reads, and the
    /// accountant makes the changes.
    #[serde(default)]
    pub has_accountant: bool,
}

/// Whether a method is ready: the school accepts it (declared), what it needs is
/// set up (configured: a bank account, a wallet account, a gateway merchant), and
/// when a payment last arrived that way (the proof it works).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodReadiness {
    pub method: PaymentMethod,
    pub declared: bool,
    pub configured: bool,
    pub last_payment_at: Option<i64>,
}

impl MethodReadiness {
    pub fn ready(&self) -> bool {
        self.declared && self.configured
    }
}

/// How many of the 4 cashless methods are ready.
pub fn cashless_ready_count(readiness: &[MethodReadiness]) -> usize {
    readiness
        .iter()
        .filter(|r| r.method.is_cashless() && r.ready())
        .count()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// The office that supervises it directly (a Department's list names each school's ward).
    pub office: String,
    pub cashless_methods: usize,
    /// The cashless methods ready at this school (accepted and set up).
    pub ready_methods: Vec<PaymentMethod>,
    pub contacts: usize,
    pub accountants: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub school_name: Option<String>,
    pub active: bool,
}

/// A one-time link to hand over (invitation or password reset): shown once, to copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeLink {
    /// A path on this site, e.g. `/staff/invite/<secret>`.
    pub path: String,
    pub expires_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub purpose: String,
    pub role: Option<Role>,
    pub place: String,
    pub username: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub who: Option<String>,
    /// The school the change was made at (none for the office's own changes).
    pub school: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// The record in words: a receipt's number, a student's or colleague's name.
    pub subject: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_of_four_cashless_methods() {
        use PaymentMethod::*;
        assert!(!cashless_ready(&[QrTransfer, Cash, CardPos]));
        assert!(cashless_ready(&[QrTransfer, Website, CardPos]));
        assert!(!Role::Accountant.may_manage(Role::Accountant));
        assert!(Role::Officer.may_manage(Role::Accountant));
        assert!(!Role::Officer.may_manage(Role::Teacher));
    }
}

/// What an import would do, shown before anything is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub rows: usize,
    pub added: Vec<StudentChange>,
    pub changed: Vec<StudentChange>,
    pub unchanged: usize,
    pub new_classes: Vec<String>,
    pub errors: Vec<crate::domain::student_import::RowError>,
    /// Set when the file as a whole cannot be read; then nothing else is.
    pub file_problem: Option<crate::domain::student_import::FileProblem>,
}

impl ImportPreview {
    pub fn can_commit(&self) -> bool {
        self.file_problem.is_none()
            && self.errors.is_empty()
            && (!self.added.is_empty() || !self.changed.is_empty())
    }

    pub fn moves(&self) -> usize {
        self.changed.iter().filter(|c| c.is_move()).count()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentChange {
    pub row: usize,
    pub code: String,
    pub full_name: String,
    pub class_name: String,
    /// For changes: which fields differ ("name", "birth_date", "class").
    pub fields: Vec<String>,
    /// For a child moving class: the class they are in now.
    #[serde(default)]
    pub previous_class: Option<String>,
}

impl StudentChange {
    /// A child already in a class whom the file lists in another.
    pub fn is_move(&self) -> bool {
        self.previous_class.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportResult {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentRow {
    pub id: i64,
    pub code: String,
    pub full_name: String,
    pub birth_date: crate::domain::date::Date,
    pub class_name: String,
    pub left: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeItemRow {
    pub id: i64,
    pub name: String,
    pub amount: crate::domain::money::Vnd,
    pub unit: crate::domain::billing::Unit,
    pub mandatory: bool,
    /// Where it applies (grades and classes); empty: the whole school.
    pub scope: crate::domain::validate::FeeScope,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptedStudent {
    pub code: String,
    pub full_name: String,
    pub class_name: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub id: i64,
    pub name: String,
    /// (fee item id, percent)
    pub rates: Vec<(i64, u8)>,
    pub students: Vec<ExemptedStudent>,
}

/// Which students an invoice run covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunScope {
    School,
    Grade(i64),
    Class(String),
}

impl RunScope {
    /// "lớp 3A", "khối 3", "cả trường": what a run covered, in its message
    /// and in the change log.
    pub fn label(&self, tr: crate::audit_text::Tr) -> String {
        match self {
            RunScope::School => tr("cả trường", "whole school").to_string(),
            RunScope::Grade(g) => format!("{} {g}", tr("khối", "grade")),
            RunScope::Class(c) => format!("{} {}", tr("lớp", "class"), c.trim()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPreview {
    pub students: usize,
    pub new_invoices: usize,
    /// Students who already have an invoice for this period (left alone).
    pub already_invoiced: usize,
    pub total: crate::domain::money::Vnd,
    /// (student, class, total) for every invoice the run would create, class by
    /// class in grade order, each class in the register's order.
    pub rows: Vec<(String, String, crate::domain::money::Vnd)>,
    /// The due date is before today (the server's): the invoices would be
    /// overdue as soon as they are issued.
    #[serde(default)]
    pub due_passed: bool,
}

/// A fee item as the accountant enters it (`id` None: a new one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeInput {
    pub id: Option<i64>,
    pub name: String,
    /// Whole đồng (a plain number on the wire).
    pub amount: crate::domain::money::Vnd,
    pub unit: crate::domain::billing::Unit,
    pub mandatory: bool,
    /// "1, 2, 4A": the grades and classes it applies to; empty for the whole school.
    pub grades: String,
    pub active: bool,
}

/// One student's line in the teacher's class view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassViewRow {
    pub student_id: i64,
    pub code: String,
    pub full_name: String,
    pub total: crate::domain::money::Vnd,
    pub paid: crate::domain::money::Vnd,
    /// None: no invoice for the period.
    pub status: Option<crate::domain::invoice_status::InvoiceStatus>,
    /// Marked as having left school: listed for the month's invoice only.
    pub has_left: bool,
    /// Their personal data was anonymised: no family can be reached (no
    /// private link, no printed notice).
    pub erased: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassView {
    pub class_name: String,
    pub school_slug: String,
    pub period: crate::domain::date::Month,
    pub due_on: Option<crate::domain::date::Date>,
    pub rows: Vec<ClassViewRow>,
    /// Every month the class's children have invoices for, newest first,
    /// with what is still owed in each: a month issued early must not hide
    /// the one before it that is still unpaid.
    #[serde(default)]
    pub periods: Vec<PeriodOwing>,
}

/// A month of a class's invoices and what its children still owe for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodOwing {
    pub period: crate::domain::date::Month,
    /// Children whose invoice for the month is not fully paid.
    pub unpaid: u32,
    pub outstanding: crate::domain::money::Vnd,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeacherClass {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceFilter {
    /// `YYYY-MM`; empty for every period.
    pub period: String,
    /// A class name; empty for every class.
    pub class_name: String,
    /// "open", "paid", "overdue", "voided"; empty for all.
    pub status: String,
    /// Part of a student's name or code, or an invoice code.
    pub search: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub code: String,
    pub student_code: String,
    pub student_name: String,
    pub class_name: String,
    pub period: crate::domain::date::Month,
    pub total: crate::domain::money::Vnd,
    pub paid: crate::domain::money::Vnd,
    pub due_on: crate::domain::date::Date,
    pub status: crate::domain::invoice_status::InvoiceStatus,
    pub void_reason: Option<String>,
}

/// What moving a school into a new school year does (or did).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewYearPlan {
    pub label: String,
    /// (this year's class, next year's class)
    pub classes: Vec<(String, String)>,
    pub students_moving: usize,
    /// Classes whose children leave the school (the last grade).
    pub graduating: Vec<String>,
    pub students_graduating: usize,
    /// The school already has classes in that year: nothing more to do.
    pub already_started: bool,
}

/// A receipt in the accountant's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffReceiptRow {
    /// The receipt's public code (its link `/r/<code>`).
    pub code: String,
    /// `HP26E-0000001`.
    pub label: String,
    pub issued_at: i64,
    pub payer: String,
    pub student: String,
    pub class_name: String,
    pub invoice_code: String,
    pub period: String,
    pub total: crate::domain::money::Vnd,
    pub method: String,
    pub reference: String,
    pub replaces: Option<String>,
    /// (when, why) if cancelled.
    pub cancelled: Option<(i64, String)>,
    /// The label of the receipt replacing it.
    pub replaced_by: Option<String>,
}

/// A payment taken at the school office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficePayment {
    pub invoice_code: String,
    pub amount: crate::domain::money::Vnd,
    /// `card` or `cash`.
    pub method: String,
    /// Card only: the POS terminal's id, the approval code, the card's last 4 digits.
    #[serde(default)]
    pub terminal: String,
    #[serde(default)]
    pub approval_code: String,
    #[serde(default)]
    pub card_last4: String,
    /// Who paid, as they give their name (optional).
    #[serde(default)]
    pub payer: String,
}

/// What a POS settlement file records (or would).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosPreview {
    pub lines: Vec<PosLine>,
    /// (row, Vietnamese, English): why a row cannot be recorded.
    pub errors: Vec<(usize, String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosLine {
    pub row: usize,
    pub terminal: String,
    pub approval: String,
    pub last4: String,
    pub amount: crate::domain::money::Vnd,
    pub invoice_code: String,
    /// Recorded before (typed by hand, or in an earlier file): changes nothing.
    pub known: bool,
}

/// One attempt to pay online, as the school's accountant sees it: enough to
/// answer a parent who says "I paid on the website" (no names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineOrderRow {
    pub created_at: i64,
    /// The invoice or payment-group code it paid.
    pub code: String,
    pub amount: crate::domain::money::Vnd,
    /// `pending` (the gateway has not said yet), `paid` or `failed`.
    pub status: String,
    /// The gateway's response code (`00` success, `24` cancelled, `51` insufficient balance…).
    pub response_code: Option<String>,
    /// The gateway's own transaction number, to quote to it.
    pub transaction_no: Option<String>,
}

/// One family's printed notice: the invoice, and what paper needs besides
/// (the student code the parent's lookup asks for, the school's address in
/// the registry, and what is compulsory apart from what is voluntary).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedNotice {
    pub detail: crate::model::InvoiceDetail,
    pub student_code: String,
    pub school_slug: String,
    pub figures: crate::domain::notice::Figures,
}

/// A page of the change log; the next page is the rows older than `next_before`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub next_before: Option<i64>,
}

/// A credit still to take off a family's next invoices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditRow {
    pub id: i64,
    pub student_code: String,
    pub student_name: String,
    pub class_name: String,
    pub amount: crate::domain::money::Vnd,
    pub remaining: crate::domain::money::Vnd,
    pub reason: String,
    pub created_at: i64,
    /// Born of an overpayment (money received): undone or refunded in
    /// reconciliation, not cancelled by hand.
    pub from_payment: bool,
}

/// The school's digital-signature certificate in use (chữ ký số), as its staff see it:
/// whose, issued by which certification authority, valid when, added by whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningCertificate {
    pub owner: String,
    pub organization: Option<String>,
    pub issuer: String,
    pub serial_hex: String,
    /// Validity, Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub added_at: i64,
    pub added_by: String,
}

// --- The offices' and schools' dashboards and monthly reports (`api::dashboard`).

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolFigures {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Cashless methods declared and configured (the plan asks for 3 of 4).
    pub cashless_ready: usize,
    /// Contact people named for parents.
    pub contacts: i64,
    pub figures: crate::domain::report::Figures,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    pub schools: Vec<SchoolFigures>,
    pub total: crate::domain::report::Figures,
    /// The office whose schools these are, and the day the figures were read
    /// (the server's clock): what a printed or exported copy is headed with.
    pub office: String,
    pub read_on: crate::domain::date::Date,
}

/// The office's total for one month of a series (for the charts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthPoint {
    pub month: String,
    pub figures: crate::domain::report::Figures,
}

/// A school's report to its supervising office: a frozen copy of the figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    pub school_id: i64,
    pub school: String,
    /// The office it is sent to: the school's own supervising office, the
    /// only one that may send it back.
    pub office_id: i64,
    pub office: String,
    pub from: String,
    pub to: String,
    pub note: String,
    pub submitted_at: i64,
    pub submitted_by: String,
    pub returned: bool,
    pub return_comment: Option<String>,
    pub figures: crate::domain::report::Figures,
}

/// A period the office asks its schools to report on, and the last day to submit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDeadline {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub due_on: crate::domain::date::Date,
    /// The office that set the day, on a school's calendar: a ward's school
    /// also answers to the Department, and meets whichever day comes first,
    /// so it is told whose day that is. None on an office's own calendar.
    pub set_by: Option<String>,
}

/// A class's collection for one month: how many invoices, how many paid in
/// full, collected of due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassFigures {
    pub class_name: String,
    pub invoices: i64,
    pub paid_in_full: i64,
    pub collected: crate::domain::money::Vnd,
    pub due: crate::domain::money::Vnd,
}

// --- The registry of official accounts (`api::registry`).

/// One confirmed receiving account, as the public registry shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficialAccount {
    pub bin: String,
    pub bank_short_name: String,
    pub bank_name: String,
    pub account_number: String,
    pub account_name: String,
    /// A Mobile Money wallet rather than a bank account.
    pub wallet: bool,
    /// When it was confirmed (Unix seconds), and by which office.
    pub confirmed_at: i64,
    pub confirmed_by_office: String,
}

/// A school and its official accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficialSchool {
    pub slug: String,
    pub name: String,
    /// The school's supervising office ("UBND phường Hồng Gai").
    pub office: String,
    pub accounts: Vec<OfficialAccount>,
}

/// What the registry says about an account a QR pays into. (Returned once per
/// check, never stored in bulk: its size does not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountCheck {
    /// An official account of this school, and the office that confirmed it.
    Official {
        school: String,
        slug: String,
        office: String,
        account: OfficialAccount,
    },
    /// No school's official account: a personal account, or a stranger's.
    NotOfficial,
}

/// An account waiting for the supervising office's confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAccount {
    pub id: i64,
    pub school: String,
    pub bank_short_name: String,
    pub account_number: String,
    pub account_name: String,
}

// --- Webhooks for the school's software (`api::webhooks`).

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
    pub delivered: i64,
    /// Waiting for their first try or a retry.
    pub pending: i64,
    /// Given up after every retry.
    pub failed: i64,
}

/// A new address: the only time its signing secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub id: i64,
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: String,
    pub kind: String,
    pub created_at: i64,
    pub attempts: i64,
    pub last_attempt_at: Option<i64>,
    /// The receiver's HTTP status, if it answered.
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: i64,
    pub delivered_at: Option<i64>,
    pub gave_up_at: Option<i64>,
}

// --- API keys for the school's software (`api::api_keys`).

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// Read-only, or read and write.
    pub can_write: bool,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A new key: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub id: i64,
    pub secret: String,
}

// --- The invoice list (`api::invoices`).

/// The most invoices one list answers with (the newest): beyond it, the
/// screen asks for a period or a class.
pub const MAX_LISTED: usize = 5000;

/// What voiding an invoice did with its money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidDone {
    /// Paid on it: now a credit, taken off the invoice reissued for the period.
    pub paid: crate::domain::money::Vnd,
    /// Given back to the credits it had taken off.
    pub credits_back: crate::domain::money::Vnd,
}
