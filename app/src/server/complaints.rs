//! Complaints: the tracking codes parents follow them with (stored hashed), the
//! photo and text checks, and every read and write of `complaint` and its
//! conversation (`complaint_message`). The server functions in
//! `api::complaints` check who asks and write the audit lines.

use crate::domain::ids::{InvoiceId, SchoolId, StaffId, StudentId};
use crate::domain::invoice_code::ALPHABET;
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::model::{
    ComplaintKind, ComplaintMessage, ComplaintRow, ComplaintStatus, ComplaintView,
    MatchingTransfer, MAX_PHOTO_BYTES,
};
use crate::server::state::{AppState, Db};
use sqlx::AnyConnection;

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
    let kind =
        crate::domain::validate::image_type(&bytes).ok_or(AppError::InvalidInput(Field::Photo))?;
    Ok(Some((kind, bytes)))
}

/// A complaint's text or an answer: trimmed, 5 to 2,000 characters.
pub fn message_text(text: &str) -> Result<String, AppError> {
    crate::domain::validate::free_text(text, 5, 2000)
        .ok_or(AppError::InvalidInput(crate::error::Field::Message))
}

/// One message of the conversation, with the status it sets (if any):
/// from the school when a staff member wrote it, else from the parent.
pub async fn add_message(
    conn: &mut AnyConnection,
    complaint_id: i64,
    staff_id: Option<StaffId>,
    body: &str,
    status: Option<ComplaintStatus>,
    at: UnixTime,
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

#[derive(sqlx::FromRow)]
struct MessageRecord {
    author: String,
    body: String,
    status: Option<String>,
    at: i64,
}

/// A complaint's conversation, oldest first.
pub async fn messages(db: &Db, complaint_id: i64) -> Result<Vec<ComplaintMessage>, AppError> {
    let rows: Vec<MessageRecord> = sqlx::query_as(
        "SELECT author, body, status, at FROM complaint_message WHERE complaint_id = $1 ORDER BY at, id",
    )
    .bind(complaint_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|m| ComplaintMessage {
            from_school: m.author == "school",
            body: m.body,
            status: m.status.as_deref().and_then(ComplaintStatus::parse),
            at: m.at,
        })
        .collect())
}

/// The queue's columns, for one complaint or a school's.
const ROW_SQL: &str = "SELECT c.id, c.kind, c.status, st.full_name AS student, \
    COALESCE((SELECT cl.name FROM enrolment e JOIN class cl ON cl.id = e.class_id WHERE e.student_id = st.id ORDER BY e.school_year_id DESC LIMIT 1), '') AS class_name, \
    i.title AS invoice_title, rc.series AS receipt_series, rc.number AS receipt_number, c.bank_reference, c.created_at, c.due_at \
    FROM complaint c JOIN student st ON st.id = c.student_id LEFT JOIN invoice i ON i.id = c.invoice_id \
    LEFT JOIN receipt rc ON rc.public_code = c.receipt_code AND rc.school_id = c.school_id";

/// What a complaint is about: its invoice's title, or its receipt by number.
/// Never the receipt's link code: that is a capability (whoever has it opens
/// the receipt), and 43 characters no one can read out on the phone.
#[derive(sqlx::FromRow)]
struct Subject {
    invoice_title: Option<String>,
    receipt_series: Option<String>,
    receipt_number: Option<i64>,
}

impl Subject {
    fn text(self) -> String {
        match (self.invoice_title, self.receipt_series, self.receipt_number) {
            (Some(title), _, _) => title,
            (None, Some(series), Some(number)) => {
                format!(
                    "Biên lai {}",
                    crate::domain::receipt::label_of(&series, number)
                )
            }
            _ => String::new(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct RowRecord {
    id: i64,
    kind: String,
    status: String,
    student: String,
    class_name: String,
    #[sqlx(flatten)]
    subject: Subject,
    bank_reference: Option<String>,
    created_at: i64,
    due_at: i64,
}

impl RowRecord {
    /// The queue's row, overdue when still open past its due time at `now`.
    fn at(self, now: UnixTime) -> ComplaintRow {
        let status = ComplaintStatus::parse(&self.status).unwrap_or(ComplaintStatus::Received);
        ComplaintRow {
            id: self.id,
            kind: ComplaintKind::parse(&self.kind).unwrap_or(ComplaintKind::Other),
            status,
            student: self.student,
            class_name: self.class_name,
            subject: self.subject.text(),
            bank_reference: self.bank_reference,
            created_at: self.created_at,
            due_at: self.due_at,
            overdue: !status.is_closed() && now.seconds() > self.due_at,
        }
    }
}

/// The complaint a tracking code opens, and where it belongs.
#[derive(sqlx::FromRow)]
pub struct Tracked {
    pub id: i64,
    pub school_id: SchoolId,
    pub office_id: i64,
}

/// The complaint a tracking code opens, counting failures per client address.
pub async fn by_code(state: &AppState, code: &str) -> Result<Tracked, AppError> {
    use crate::server::limiter::PER_CLIENT;
    let now = state.clock.now();
    let client = format!("complaint:{}", crate::server::state::client_key());
    let attempt = state
        .lookups
        .attempt(&[(&client, PER_CLIENT)], now)
        .await
        .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;
    let found: Option<Tracked> = match tracking_hash(code) {
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

/// A student's school and the office supervising it.
pub async fn school_of_student(
    db: &Db,
    student_id: StudentId,
) -> Result<(SchoolId, i64), AppError> {
    Ok(sqlx::query_as(
        "SELECT st.school_id, sc.office_id FROM student st JOIN school sc ON sc.id = st.school_id WHERE st.id = $1",
    )
    .bind(student_id)
    .fetch_one(db)
    .await?)
}

/// The id of the invoice with this code, if it is this student's.
pub async fn child_invoice(
    db: &Db,
    code: &str,
    student_id: StudentId,
) -> Result<Option<InvoiceId>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM invoice WHERE code = $1 AND student_id = $2")
            .bind(code)
            .bind(student_id)
            .fetch_optional(db)
            .await?,
    )
}

/// Whether the receipt with this public code is this student's.
pub async fn is_child_receipt(
    db: &Db,
    receipt: &str,
    student_id: StudentId,
) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM receipt WHERE public_code = $1 AND student_id = $2",
    )
    .bind(receipt)
    .bind(student_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// How many complaints were filed for a student after `since`.
pub async fn filed_since(db: &Db, student_id: StudentId, since: UnixTime) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM complaint WHERE student_id = $1 AND created_at > $2",
    )
    .bind(student_id)
    .bind(since)
    .fetch_one(db)
    .await?)
}

/// A complaint as a parent files it.
pub struct NewComplaint<'a> {
    pub school_id: SchoolId,
    pub student_id: StudentId,
    pub invoice_id: Option<InvoiceId>,
    /// Empty: about an invoice, not a receipt.
    pub receipt: &'a str,
    pub tracking_hash: &'a str,
    pub kind: ComplaintKind,
    /// Empty: none given.
    pub bank_reference: &'a str,
    pub description: &'a str,
    pub photo: Option<(&'static str, &'a [u8])>,
    pub created_at: UnixTime,
    pub due_at: UnixTime,
}

/// Stores a new complaint: its id.
pub async fn insert(conn: &mut AnyConnection, c: &NewComplaint<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO complaint (school_id, student_id, invoice_id, receipt_code, tracking_hash, kind, bank_reference, \
         description, photo, photo_type, created_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(c.school_id)
    .bind(c.student_id)
    .bind(c.invoice_id)
    .bind(Some(c.receipt).filter(|r| !r.is_empty()))
    .bind(c.tracking_hash)
    .bind(c.kind.as_str())
    .bind(Some(c.bank_reference).filter(|r| !r.is_empty()))
    .bind(c.description)
    .bind(c.photo.map(|(_, b)| b.to_vec()))
    .bind(c.photo.map(|(t, _)| t))
    .bind(c.created_at)
    .bind(c.due_at)
    .fetch_one(conn)
    .await?)
}

#[derive(sqlx::FromRow)]
struct ViewRecord {
    kind: String,
    status: String,
    school: String,
    #[sqlx(flatten)]
    subject: Subject,
    bank_reference: Option<String>,
    created_at: i64,
    due_at: i64,
}

/// A complaint as its parent sees it, with the conversation.
pub async fn parent_view(db: &Db, id: i64) -> Result<ComplaintView, AppError> {
    let r: ViewRecord = sqlx::query_as(
        "SELECT c.kind, c.status, sc.name AS school, i.title AS invoice_title, rc.series AS receipt_series, \
         rc.number AS receipt_number, c.bank_reference, c.created_at, c.due_at FROM complaint c JOIN school sc ON sc.id = c.school_id \
         LEFT JOIN invoice i ON i.id = c.invoice_id \
         LEFT JOIN receipt rc ON rc.public_code = c.receipt_code AND rc.school_id = c.school_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(ComplaintView {
        kind: ComplaintKind::parse(&r.kind).unwrap_or(ComplaintKind::Other),
        status: ComplaintStatus::parse(&r.status).unwrap_or(ComplaintStatus::Received),
        school: r.school,
        subject: r.subject.text(),
        bank_reference: r.bank_reference,
        created_at: r.created_at,
        due_at: r.due_at,
        messages: messages(db, id).await?,
    })
}

/// A school's complaints, open ones first, by due date.
pub async fn school_queue(
    db: &Db,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<Vec<ComplaintRow>, AppError> {
    let rows: Vec<RowRecord> = sqlx::query_as(&format!(
        "{ROW_SQL} WHERE c.school_id = $1 ORDER BY CASE WHEN c.status IN ('resolved', 'rejected') THEN 1 ELSE 0 END, c.due_at, c.id"
    ))
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.at(now)).collect())
}

/// One of a school's complaints as its queue shows it.
pub async fn school_complaint(
    db: &Db,
    school_id: SchoolId,
    id: i64,
    now: UnixTime,
) -> Result<Option<ComplaintRow>, AppError> {
    let row: Option<RowRecord> =
        sqlx::query_as(&format!("{ROW_SQL} WHERE c.id = $1 AND c.school_id = $2"))
            .bind(id)
            .bind(school_id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| r.at(now)))
}

/// The transfer slip sent with a complaint, as a `data:` address.
pub async fn photo_of(db: &Db, id: i64) -> Result<Option<String>, AppError> {
    use base64::Engine;
    let (photo, photo_type): (Option<Vec<u8>>, Option<String>) =
        sqlx::query_as("SELECT photo, photo_type FROM complaint WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await?;
    Ok(photo.zip(photo_type).map(|(bytes, kind)| {
        format!(
            "data:{kind};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    }))
}

#[derive(sqlx::FromRow)]
struct TransferRecord {
    external_id: String,
    amount: Vnd,
    received_at: i64,
    outcome: String,
}

/// The school's latest transfers (10 at most) whose bank reference ends with `reference`.
pub async fn matching_transfers(
    db: &Db,
    school_id: SchoolId,
    reference: &str,
) -> Result<Vec<MatchingTransfer>, AppError> {
    let rows: Vec<TransferRecord> = sqlx::query_as(
        "SELECT external_id, amount, received_at, outcome FROM payment \
         WHERE school_id = $1 AND upper(external_id) LIKE '%' || upper($2) ORDER BY received_at DESC LIMIT 10",
    )
    .bind(school_id)
    .bind(reference)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| MatchingTransfer {
            reference: crate::server::bank::reference_of(&t.external_id).to_string(),
            amount: t.amount,
            received_at: t.received_at,
            status: t.outcome,
        })
        .collect())
}

/// The stored status of one of a school's complaints.
pub async fn status_of(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    id: i64,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT status FROM complaint WHERE id = $1 AND school_id = $2")
            .bind(id)
            .bind(school_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Sets a complaint's status; resolved and rejected close it at `now`.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: ComplaintStatus,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE complaint SET status = $1, closed_at = CASE WHEN $1 IN ('resolved', 'rejected') THEN $2 END WHERE id = $3",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
