//! Complaints, handled in the product: a parent files one from an invoice or a
//! receipt and follows it with a tracking code; the school's accountant answers
//! it before its due date and resolves or rejects it. Every step is in the audit
//! log. The tracking code is stored hashed: without it, nothing is revealed.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

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

#[cfg(feature = "ssr")]
mod imp {
    use super::*;
    use crate::domain::invoice_code::ALPHABET;
    use crate::server::state::Db;

    /// `KN-XXXXX-XXXXX`: 10 characters without look-alikes (~50 bits).
    pub fn new_tracking_code() -> String {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes).expect("the operating system's random source");
        let chars: String = bytes
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        format!("KN-{}-{}", &chars[..5], &chars[5..])
    }

    /// The code as typed (any case, spaces, missing dashes) to its stored hash.
    pub fn tracking_hash(code: &str) -> Option<String> {
        use crate::domain::tracking_code::{body, tidy};
        let tidy = tidy(code).ok()?;
        Some(crate::server::auth::secret_hash(&body(&tidy)))
    }

    /// A photo sent as a `data:` address: its type and bytes, if it is an image.
    pub fn photo(data_url: &str) -> Result<Option<(&'static str, Vec<u8>)>, AppError> {
        use crate::error::Field;
        use base64::Engine;
        if data_url.is_empty() {
            return Ok(None);
        }
        let b64 = data_url
            .split_once(";base64,")
            .map(|(_, b)| b)
            .ok_or(AppError::InvalidInput(Field::Photo))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| AppError::InvalidInput(Field::Photo))?;
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(AppError::InvalidInput(Field::Photo));
        }
        // The bytes decide what it is, not what the browser claimed (as for logos).
        let kind = crate::api::school_setup::logo_type(&bytes)
            .ok_or(AppError::InvalidInput(Field::Photo))?;
        Ok(Some((kind, bytes)))
    }

    /// A complaint's text or an answer: trimmed, 5 to 2,000 characters.
    pub fn message_text(text: &str) -> Result<String, AppError> {
        crate::domain::validate::free_text(text, 5, 2000)
            .ok_or(AppError::InvalidInput(crate::error::Field::Message))
    }

    /// One message of the conversation, with the status it sets (if any).
    pub async fn add_message(
        conn: &mut sqlx::AnyConnection,
        complaint_id: i64,
        staff_id: Option<i64>,
        body: &str,
        status: Option<ComplaintStatus>,
        at: i64,
    ) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO complaint_message (complaint_id, author, staff_id, body, status, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(complaint_id)
        .bind(if staff_id.is_some() { "school" } else { "parent" })
        .bind(staff_id)
        .bind(body)
        .bind(status.map(ComplaintStatus::as_str))
        .bind(at)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn messages(db: &Db, complaint_id: i64) -> Result<Vec<ComplaintMessage>, AppError> {
        let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT author, body, status, at FROM complaint_message WHERE complaint_id = $1 ORDER BY at, id",
        )
        .bind(complaint_id)
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(author, body, status, at)| ComplaintMessage {
                from_school: author == "school",
                body,
                status: status.as_deref().and_then(ComplaintStatus::parse),
                at,
            })
            .collect())
    }

    pub type RowT = (
        i64,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        i64,
        i64,
    );

    /// The queue's columns, for one complaint or a school's.
    pub const ROW_SQL: &str = "SELECT c.id, c.kind, c.status, st.full_name, \
        COALESCE((SELECT cl.name FROM enrolment e JOIN class cl ON cl.id = e.class_id WHERE e.student_id = st.id ORDER BY e.school_year_id DESC LIMIT 1), ''), \
        COALESCE(i.title, 'Biên lai ' || c.receipt_code, ''), c.bank_reference, c.created_at, c.due_at \
        FROM complaint c JOIN student st ON st.id = c.student_id LEFT JOIN invoice i ON i.id = c.invoice_id";

    pub fn row(r: RowT, now: i64) -> ComplaintRow {
        let (id, kind, status, student, class_name, subject, bank_reference, created_at, due_at) =
            r;
        let status = ComplaintStatus::parse(&status).unwrap_or(ComplaintStatus::Received);
        ComplaintRow {
            id,
            kind: ComplaintKind::parse(&kind).unwrap_or(ComplaintKind::Other),
            status,
            student,
            class_name,
            subject,
            bank_reference,
            created_at,
            due_at,
            overdue: !status.is_closed() && now > due_at,
        }
    }

    /// The complaint a tracking code opens, counting failures per client address.
    pub async fn by_code(
        state: &crate::server::state::AppState,
        code: &str,
    ) -> Result<(i64, i64, i64), AppError> {
        use crate::server::limiter::PER_CLIENT;
        let now = state.clock.now();
        let client = format!("complaint:{}", crate::server::state::client_key());
        let attempt = state
            .lookups
            .attempt(&[(&client, PER_CLIENT)], now)
            .await
            .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;
        let found: Option<(i64, i64, i64)> = match tracking_hash(code) {
            Some(hash) => {
                sqlx::query_as(
                    "SELECT c.id, c.school_id, sc.office_id FROM complaint c JOIN school sc ON sc.id = c.school_id \
                     WHERE c.tracking_hash = $1",
                )
                .bind(hash)
                .fetch_optional(&state.db)
                .await?
            }
            None => None,
        };
        match found {
            Some(found) => {
                state.lookups.forget(attempt).await;
                Ok(found)
            }
            // A wrong code: the attempt stays counted.
            None => Err(AppError::NotFound),
        }
    }
}

#[cfg(feature = "ssr")]
pub use imp::tracking_hash;

/// A parent files a complaint about one of their child's invoices or receipts.
#[server(prefix = "/rpc", endpoint = "complaint/file", input = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn file_complaint(
    token: String,
    invoice: String,
    receipt: String,
    kind: ComplaintKind,
    bank_reference: String,
    description: String,
    photo: String,
) -> Result<FiledComplaint, AppError> {
    use crate::error::Field;
    use crate::server::audit::{record, Entry};
    let state = crate::server::state::app_state()?;
    let now = state.clock.now();
    let student_id = crate::api::parent::imp::child_of(&state, &token).await?;
    let description = imp::message_text(&description)?;
    let bank_reference = bank_reference.trim().to_string();
    if bank_reference.len() > 64 {
        return Err(AppError::InvalidInput(Field::Reference));
    }
    let photo = imp::photo(&photo)?;
    let (school_id, office_id): (i64, i64) = sqlx::query_as(
        "SELECT st.school_id, sc.office_id FROM student st JOIN school sc ON sc.id = st.school_id WHERE st.id = $1",
    )
    .bind(student_id)
    .fetch_one(&state.db)
    .await?;
    // The invoice or receipt must be this child's.
    let invoice_id: Option<i64> = if invoice.is_empty() {
        None
    } else {
        let code = crate::domain::invoice_code::InvoiceCode::parse(&invoice)
            .map_err(|_| AppError::InvalidInput(Field::InvoiceCode))?;
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM invoice WHERE code = $1 AND student_id = $2")
                .bind(code.as_str())
                .bind(student_id)
                .fetch_optional(&state.db)
                .await?;
        Some(found.ok_or(AppError::NotFound)?.0)
    };
    let receipt = receipt.trim().to_string();
    if !receipt.is_empty() {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM receipt WHERE public_code = $1 AND student_id = $2",
        )
        .bind(&receipt)
        .bind(student_id)
        .fetch_one(&state.db)
        .await?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
    }
    // A few a day per child: enough for any real problem.
    let (today,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM complaint WHERE student_id = $1 AND created_at > $2")
            .bind(student_id)
            .bind(now - 86_400)
            .fetch_one(&state.db)
            .await?;
    if today >= 5 {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: 86_400,
        });
    }
    let code = imp::new_tracking_code();
    let hash = imp::tracking_hash(&code).ok_or(AppError::Internal)?;
    let due_at = now + ANSWER_WITHIN_DAYS * 86_400;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO complaint (school_id, student_id, invoice_id, receipt_code, tracking_hash, kind, bank_reference, \
         description, photo, photo_type, created_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(school_id)
    .bind(student_id)
    .bind(invoice_id)
    .bind(Some(&receipt).filter(|r| !r.is_empty()))
    .bind(&hash)
    .bind(kind.as_str())
    .bind(Some(&bank_reference).filter(|r| !r.is_empty()))
    .bind(&description)
    .bind(photo.as_ref().map(|(_, b)| b.clone()))
    .bind(photo.as_ref().map(|(t, _)| *t))
    .bind(now)
    .bind(due_at)
    .fetch_one(&mut *tx)
    .await?;
    imp::add_message(
        &mut tx,
        id,
        None,
        &description,
        Some(ComplaintStatus::Received),
        now,
    )
    .await?;
    record(
        &mut tx,
        now,
        None,
        office_id,
        Entry::at_school(school_id, "file", "complaint", id).after(serde_json::json!({
            "kind": kind.as_str(), "invoice_id": invoice_id, "receipt": receipt,
            "bank_reference": bank_reference, "photo": photo.is_some(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(FiledComplaint {
        tracking_code: code,
        due_at,
    })
}

/// A complaint by its tracking code, with the school's answers.
#[server(prefix = "/rpc", endpoint = "complaint/track", input = Json)]
pub async fn track_complaint(code: String) -> Result<ComplaintView, AppError> {
    let state = crate::server::state::app_state()?;
    let (id, _, _) = imp::by_code(&state, &code).await?;
    #[allow(clippy::type_complexity)]
    let (kind, status, school, subject, bank_reference, created_at, due_at): (
        String,
        String,
        String,
        String,
        Option<String>,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT c.kind, c.status, sc.name, COALESCE(i.title, 'Biên lai ' || c.receipt_code, ''), c.bank_reference, \
         c.created_at, c.due_at FROM complaint c JOIN school sc ON sc.id = c.school_id \
         LEFT JOIN invoice i ON i.id = c.invoice_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(&state.db)
    .await?;
    Ok(ComplaintView {
        kind: ComplaintKind::parse(&kind).unwrap_or(ComplaintKind::Other),
        status: ComplaintStatus::parse(&status).unwrap_or(ComplaintStatus::Received),
        school,
        subject,
        bank_reference,
        created_at,
        due_at,
        messages: imp::messages(&state.db, id).await?,
    })
}

/// The parent adds to their complaint (a detail, an answer to the school's question).
#[server(prefix = "/rpc", endpoint = "complaint/reply", input = Json)]
pub async fn reply_to_complaint(code: String, body: String) -> Result<(), AppError> {
    use crate::server::audit::{record, Entry};
    let state = crate::server::state::app_state()?;
    let (id, school_id, office_id) = imp::by_code(&state, &code).await?;
    let body = imp::message_text(&body)?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    imp::add_message(&mut tx, id, None, &body, None, now).await?;
    record(
        &mut tx,
        now,
        None,
        office_id,
        Entry::at_school(school_id, "reply", "complaint", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A school's complaints, open ones first, by due date.
#[server(prefix = "/rpc", endpoint = "complaint/list", input = Json)]
pub async fn school_complaints(school_id: i64) -> Result<Vec<ComplaintRow>, AppError> {
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    let now = state.clock.now();
    let rows: Vec<imp::RowT> = sqlx::query_as(&format!(
        "{} WHERE c.school_id = $1 ORDER BY CASE WHEN c.status IN ('resolved', 'rejected') THEN 1 ELSE 0 END, c.due_at, c.id",
        imp::ROW_SQL
    ))
    .bind(school_id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows.into_iter().map(|r| imp::row(r, now)).collect())
}

/// One complaint with its photo, its conversation and the school's transfers
/// carrying the bank reference the parent gave. Opening it is in the audit log
/// (it shows a child's data).
#[server(prefix = "/rpc", endpoint = "complaint/detail", input = Json)]
pub async fn open_complaint(school_id: i64, id: i64) -> Result<ComplaintDetail, AppError> {
    use base64::Engine;
    let (state, staff) = crate::server::auth::school_office_reader(school_id).await?;
    let now = state.clock.now();
    let row: imp::RowT = sqlx::query_as(&format!(
        "{} WHERE c.id = $1 AND c.school_id = $2",
        imp::ROW_SQL
    ))
    .bind(id)
    .bind(school_id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    let row = imp::row(row, now);
    let (photo, photo_type): (Option<Vec<u8>>, Option<String>) =
        sqlx::query_as("SELECT photo, photo_type FROM complaint WHERE id = $1")
            .bind(id)
            .fetch_one(&state.db)
            .await?;
    let photo = photo.zip(photo_type).map(|(bytes, kind)| {
        format!(
            "data:{kind};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    });
    let transfers = match &row.bank_reference {
        Some(reference) if reference.len() >= 4 => {
            let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
                "SELECT external_id, amount, received_at, outcome FROM payment \
                 WHERE school_id = $1 AND upper(external_id) LIKE '%' || upper($2) ORDER BY received_at DESC LIMIT 10",
            )
            .bind(school_id)
            .bind(reference)
            .fetch_all(&state.db)
            .await?;
            rows.into_iter()
                .map(
                    |(external_id, amount, received_at, status)| MatchingTransfer {
                        reference: crate::server::bank::reference_of(&external_id).to_string(),
                        amount: crate::domain::money::Vnd::new(amount),
                        received_at,
                        status,
                    },
                )
                .collect()
        }
        _ => Vec::new(),
    };
    crate::server::audit::viewed(&state, &staff, school_id, "complaint", id).await?;
    Ok(ComplaintDetail {
        messages: imp::messages(&state.db, id).await?,
        row,
        photo,
        transfers,
    })
}

/// The school answers a complaint and sets its status (resolved and rejected close it).
#[server(prefix = "/rpc", endpoint = "complaint/answer", input = Json)]
pub async fn answer_complaint(
    school_id: i64,
    id: i64,
    body: String,
    status: ComplaintStatus,
) -> Result<(), AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let body = imp::message_text(&body)?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let before: Option<(String,)> =
        sqlx::query_as("SELECT status FROM complaint WHERE id = $1 AND school_id = $2")
            .bind(id)
            .bind(school_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (before,) = before.ok_or(AppError::NotFound)?;
    sqlx::query(
        "UPDATE complaint SET status = $1, closed_at = CASE WHEN $1 IN ('resolved', 'rejected') THEN $2 END WHERE id = $3",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    imp::add_message(&mut tx, id, Some(staff.id), &body, Some(status), now).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "answer", "complaint", id)
            .before(serde_json::json!({"status": before}))
            .after(serde_json::json!({"status": status.as_str(), "answer": body})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
