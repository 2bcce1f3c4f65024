//! The errors a server function can return, each mapped to a message a person can
//! act on (see `i18n::Texts::error_message`).

use serde::{Deserialize, Serialize};

use leptos::server_fn::{
    codec::PostcardEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
    ContentType,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    School,
    StudentCode,
    BirthDate,
    InvoiceCode,
    Username,
    Password,
    DisplayName,
    SchoolName,
    LegalName,
    Address,
    TaxCode,
    Slug,
    Bank,
    AccountNumber,
    AccountName,
    ContactName,
    Phone,
    Role,
    ClassName,
    Logo,
    FeeName,
    Amount,
    Grades,
    PolicyName,
    Percent,
    Grounds,
    Period,
    DueDate,
    /// A bank's transaction reference, or a refund's.
    Reference,
    /// Which of the school's accounts a statement is for.
    Account,
    /// The statement's column mapping.
    Mapping,
    /// Why something is undone, cancelled or voided.
    Reason,
    /// An amount that must be more than 0 đ.
    PositiveAmount,
    /// A POS terminal id or approval code.
    Terminal,
    /// A card's last 4 digits.
    CardLast4,
    /// The gateway's merchant code (vnp_TmnCode).
    MerchantCode,
    /// A merchant code another school has registered: the gateway's callbacks
    /// name the school by it, so it belongs to one school only.
    MerchantCodeTaken,
    /// The gateway's secret.
    GatewaySecret,
    /// The day money was sent back.
    RefundDate,
    /// A complaint's description or an answer to it.
    Message,
    /// A photo of a transfer slip attached to a complaint.
    Photo,
    /// A complaint's tracking code.
    TrackingCode,
    /// Where a school's software receives events.
    WebhookUrl,
    /// An address inside the server's own network.
    WebhookInternal,
    /// The access tokens a phone sends to be forgotten (a family's children:
    /// at most 50).
    AccessTokens,
    /// Words to search for (at most 100 characters).
    SearchText,
    /// A day to look at, as a date.
    Day,
    /// A student code no student of the school has.
    UnknownStudent,
    /// A class name another class of the year already has.
    ClassTaken,
    /// A class that still has students.
    ClassNotEmpty,
    /// A class that was billed (its invoices name it, voided ones too).
    ClassBilled,
    /// A fee limited to a grade or class the school does not have.
    NoSuchClassOrGrade,
    /// Notices asked for a period the class has no invoice for.
    NoInvoicesInPeriod,
    /// The receipt form and series a school registered: both, as registered, or neither.
    ReceiptNumbering,
    /// A reporting deadline: a day after the period ends, within a year.
    ReportDue,
    /// A school level this office does not supervise (THPT: the Department;
    /// the others: their commune/ward), or not a level at all.
    SchoolLevel,
    /// A fee of the same name already billed to some of the same students
    /// (they would pay it twice on one invoice).
    FeeNameTaken,
    /// Another student of the school has this code.
    StudentCodeTaken,
    /// No exemption policy chosen (or none of this school's).
    Policy,
    /// What an invoice run would issue is not what its preview showed (a fee
    /// or a student changed since).
    PreviewChanged,
    /// More contact people than a school's page shows (`staff::MAX_CONTACTS`).
    /// New variants go last: the parent's app decodes them by position.
    TooManyContacts,
    /// A date of birth written well that no child can have: a day the
    /// calendar has not (31/02) or one still to come.
    BirthDateImpossible,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The same answer for a wrong code, a wrong date of birth, or both: the reply
    /// must never reveal that a student code exists.
    #[error("no student matches")]
    NoMatch,
    #[error("too many attempts, retry in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("missing or unreadable: {0:?}")]
    InvalidInput(Field),
    /// The device's access to a child expired or was revoked: look the child up again.
    #[error("access expired")]
    AccessExpired,
    #[error("not found")]
    NotFound,
    #[error("request refused: it did not come from this site")]
    CrossSite,
    #[error("not signed in")]
    NotSignedIn,
    /// Signed in, but this account may not do that (or see that school).
    #[error("not allowed")]
    Forbidden,
    /// Wrong user name or password, or a deactivated account: one answer for all.
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("this link was used already or has expired")]
    LinkInvalid,
    #[error("this user name is taken")]
    UsernameTaken,
    #[error("this address (slug) is used by another school")]
    SlugTaken,
    /// An import with bad rows (or an unreadable file) writes nothing.
    #[error("the import has errors and was not written")]
    ImportRejected,
    /// The transfer is already allocated to invoices: undo that first.
    #[error("this payment is already settled")]
    PaymentAlreadySettled,
    /// More than the transfer, or more than an invoice still owes.
    #[error("the amounts exceed the transfer or what is due")]
    AllocationTooLarge,
    /// An overpayment's credit was already taken off a later invoice.
    #[error("the credit from this payment was already used")]
    CreditAlreadyUsed,
    /// This terminal's approval code was recorded for another payment.
    #[error("this card approval is already recorded for another payment")]
    CardApprovalUsed,
    /// Nothing is due on that invoice any more.
    #[error("this invoice is already paid")]
    InvoiceAlreadyPaid,
    /// Only money not allocated to invoices can be refunded.
    #[error("the refund exceeds what can be refunded")]
    RefundTooLarge,
    /// An uploaded file that cannot be taken as it is (unreadable, or past a limit).
    #[error("the file was refused: {0}")]
    File(crate::domain::student_import::FileProblem),
    /// The request's body is larger than this kind of request may send.
    #[error("the request is larger than {limit_bytes} bytes")]
    TooLarge { limit_bytes: u64 },
    /// The server's heavy work (files, passwords, PDFs) is fully booked: try again shortly.
    #[error("the server is busy")]
    Busy,
    /// Four eyes: the person who made this change cannot also approve it.
    #[error("another person must approve this")]
    SecondPersonNeeded,
    /// Something failed on the server; the details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("network: {0}")]
    Network(String),
    /// This period's report was submitted already (at this Unix time): send it
    /// again with `replace` to replace it, so no second copy appears by mistake.
    #[error("this period's report was already submitted")]
    ReportAlreadySubmitted { submitted_at: i64 },
    /// A digital-signature certificate file that cannot be used, and why.
    #[error("the certificate file was refused: {0:?}")]
    Certificate(CertificateProblem),
    /// A long import failed on the server after recording its first `recorded`
    /// of `lines` lines (whole write turns, each logged). Importing the same
    /// file again finishes it: recorded lines are known and change nothing.
    #[error("the import stopped after {recorded} of {lines} lines")]
    ImportCutShort { recorded: u64, lines: u64 },
}

/// Why a school's certificate file (.p12/.pfx) cannot sign, as the staff are told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateProblem {
    /// Larger than a certificate file can be (64 KiB).
    TooLarge,
    /// Not a PKCS#12 file, or damaged.
    Unreadable,
    WrongPassword,
    /// Exported without its private key.
    NoPrivateKey,
    /// A key without its certificate, or a key of another certificate.
    NoCertificate,
    /// Neither RSA (2048 bits or more) nor ECDSA P-256.
    UnsupportedKey,
    /// Valid only from this Unix time.
    NotYetValid {
        not_before: i64,
    },
    /// Expired at this Unix time.
    Expired {
        not_after: i64,
    },
    /// Issued by itself, not by a certification authority.
    SelfSigned,
}

impl AppError {
    /// The HTTP status a server function answers with when it fails this way:
    /// what went wrong for the caller is a 4xx (logged, counted and alerted on
    /// apart from the server's own failures, which alone are 5xx).
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::NoMatch | AppError::NotFound => 404,
            AppError::TooManyAttempts { .. } => 429,
            AppError::TooLarge { .. } => 413,
            AppError::Busy => 503,
            AppError::InvalidInput(_)
            | AppError::File(_)
            | AppError::ImportRejected
            | AppError::AllocationTooLarge
            | AppError::RefundTooLarge
            | AppError::Certificate(_) => 422,
            AppError::AccessExpired | AppError::NotSignedIn | AppError::BadCredentials => 401,
            AppError::CrossSite | AppError::Forbidden => 403,
            AppError::LinkInvalid => 410,
            AppError::UsernameTaken
            | AppError::SlugTaken
            | AppError::PaymentAlreadySettled
            | AppError::CreditAlreadyUsed
            | AppError::CardApprovalUsed
            | AppError::InvoiceAlreadyPaid
            | AppError::SecondPersonNeeded
            | AppError::ReportAlreadySubmitted { .. } => 409,
            AppError::Internal | AppError::ImportCutShort { .. } => 500,
            AppError::Network(_) => 502,
        }
    }
}

/// How a server function's error travels: postcard, like the parent's answers,
/// so that the parent's wasm carries one small binary decoder and no JSON parser.
pub type ErrorEncoding = PostcardEncoding;

impl AppError {
    /// The content type of an encoded error.
    pub const CONTENT_TYPE: &'static str = ErrorEncoding::CONTENT_TYPE;

    /// The error as the server functions send it (also for the server's own
    /// refusals before a function runs, such as a cross-site call).
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// An error read back from a server function's answer.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        postcard::from_bytes(bytes).ok()
    }
}

impl FromServerFnError for AppError {
    type Encoder = ErrorEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e)
            | ServerFnErrorErr::Response(e)
            | ServerFnErrorErr::Deserialization(e) => AppError::Network(e),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Internal,
            other => AppError::Network(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!("database error: {e}");
        AppError::Internal
    }
}
