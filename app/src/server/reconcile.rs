//! Reconciliation's reads and notes, over the ledger: the queue of bank
//! transfers a page at a time (with what each paid, its last hand decision and
//! the invoices it may be for), the note every hand decision leaves in the
//! transfer's history, and a bank statement's import: the school's accounts,
//! the column mapping saved last time, and the file read under a mapping. The
//! money itself is recorded and moved by `server::ledger`; the server
//! functions in `api::reconcile` check who asks and write the audit lines.

use crate::domain::ids::{PaymentId, SchoolId, StaffId};
use crate::domain::money::Vnd;
use crate::domain::settlement::Outcome;
use crate::domain::statement::{self, Line, Mapping};
use crate::domain::suggest::{suggest, Candidate};
use crate::domain::time::UnixTime;
use crate::error::{AppError, Field};
use crate::reconciliation::{
    MappingChoice, PreviewLine, StatementPreview, StatementResult, Suggestion, TransferFilter,
    TransferOrder, TransferPage, TransferRow,
};
use crate::server::bank::Account;
use crate::server::state::{AppState, Db};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct CandidateRecord {
    invoice_code: String,
    student_code: String,
    student_name: String,
    class_name: Option<String>,
    period: String,
    total: Vnd,
    paid: Vnd,
}

/// The school's open invoices, as suggestion candidates (with their period).
pub async fn candidates(
    db: &Db,
    school_id: SchoolId,
) -> Result<Vec<(Candidate, String)>, AppError> {
    let rows: Vec<CandidateRecord> = sqlx::query_as(
        "SELECT i.code AS invoice_code, s.code AS student_code, s.full_name AS student_name, c.name AS class_name, \
            i.period, i.total, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) AS paid \
         FROM invoice i JOIN student s ON s.id = i.student_id LEFT JOIN class c ON c.id = i.class_id \
         WHERE i.school_id = $1 AND i.voided_at IS NULL",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.total > r.paid)
        .map(|r| {
            (
                Candidate {
                    invoice_code: r.invoice_code,
                    student_code: r.student_code,
                    student_name: r.student_name,
                    class_name: r.class_name.unwrap_or_default(),
                    balance: r.total - r.paid,
                },
                r.period,
            )
        })
        .collect())
}

/// The invoices a transfer may be for, best first (at most five).
pub fn suggestions(
    amount: Vnd,
    memo: &str,
    payer: &str,
    candidates: &[(Candidate, String)],
) -> Vec<Suggestion> {
    let list: Vec<Candidate> = candidates.iter().map(|(c, _)| c.clone()).collect();
    suggest(amount, memo, payer, &list, 5)
        .into_iter()
        .map(|(c, reasons)| Suggestion {
            period: candidates
                .iter()
                .find(|(x, _)| x.invoice_code == c.invoice_code)
                .map(|(_, p)| p.clone())
                .unwrap_or_default(),
            invoice_code: c.invoice_code,
            student_name: c.student_name,
            class_name: c.class_name,
            balance: c.balance,
            reasons,
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct TransferRecord {
    id: PaymentId,
    external_id: String,
    received_at: i64,
    amount: Vnd,
    memo: Option<String>,
    payer_name: Option<String>,
    outcome: String,
    arrived_via: String,
    refunded: Vnd,
}

#[derive(sqlx::FromRow)]
struct AllocationRecord {
    code: String,
    full_name: String,
    amount: Vnd,
}

#[derive(sqlx::FromRow)]
struct ReviewRecord {
    action: String,
    detail: String,
    display_name: String,
    at: i64,
}

/// The school's bank transfers, a page at a time: those waiting for a decision
/// (`NeedsReview`), or all of them, in the order asked, those matching `search`
/// (words of the memo or payer, a bank reference, an invoice code, or an
/// amount in đồng; empty: everything); with suggested invoices for those no
/// code settled.
pub async fn transfers(
    db: &Db,
    school_id: SchoolId,
    filter: TransferFilter,
    search: &str,
    page: u32,
    order: TransferOrder,
) -> Result<TransferPage, AppError> {
    use crate::paging::PER_PAGE;
    // Memos and payer names arrive from banks without marks: search without them.
    let words = crate::domain::memo::fold_to_ascii(search.trim()).to_lowercase();
    let like = format!("%{}%", words.replace(['%', '_'], ""));
    let amount: Option<Vnd> = {
        let digits: String = words.chars().filter(char::is_ascii_digit).collect();
        // "100.000", "100,000 đ" (folded: "d"), "100000".
        (!digits.is_empty()
            && words
                .chars()
                .all(|c| c.is_ascii_digit() || ".,d ".contains(c)))
        .then(|| digits.parse().ok().map(Vnd::new))
        .flatten()
    };
    // A possible double payment refunded in full needs no decision any more.
    const REFUNDED: &str =
        "(SELECT COALESCE(CAST(SUM(r.amount) AS BIGINT), 0) FROM refund r WHERE r.payment_id = p.id)";
    let matching = format!(
        "FROM payment p WHERE p.school_id = $1 AND p.source = 'bank_transfer' \
           AND ($2 = 'all' OR p.outcome = 'unmatched' OR (p.outcome = 'duplicate' AND {REFUNDED} < p.amount)) \
           AND ($3 = '%%' OR LOWER(COALESCE(p.memo, '')) LIKE $3 OR LOWER(COALESCE(p.payer_name, '')) LIKE $3 \
                OR LOWER(p.external_id) LIKE $3 OR p.amount = $4 \
                OR EXISTS (SELECT 1 FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id \
                           WHERE a.payment_id = p.id AND LOWER(i.code) LIKE $3))"
    );
    let filter_key = match filter {
        TransferFilter::All => "all",
        TransferFilter::NeedsReview => "review",
    };
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {matching}"))
        .bind(school_id)
        .bind(filter_key)
        .bind(&like)
        .bind(amount.unwrap_or(Vnd::new(-1)))
        .fetch_one(db)
        .await?;
    let total = usize::try_from(total).unwrap_or(0);
    // A page past the end shows the last one, as the other lists do.
    let page = crate::paging::clamp_page(total, page as usize);
    let rows: Vec<TransferRecord> = sqlx::query_as(&format!(
        "SELECT p.id, p.external_id, p.received_at, p.amount, p.memo, p.payer_name, p.outcome, p.arrived_via, \
            {REFUNDED} AS refunded {matching} ORDER BY {} LIMIT {PER_PAGE} OFFSET {}",
        order.sql(),
        page * PER_PAGE
    ))
    .bind(school_id)
    .bind(filter_key)
    .bind(&like)
    .bind(amount.unwrap_or(Vnd::new(-1)))
    .fetch_all(db)
    .await?;
    let open_invoices = candidates(db, school_id).await?;
    let mut out = Vec::new();
    for row in rows {
        let outcome = Outcome::parse(&row.outcome).unwrap_or(Outcome::Unmatched);
        let allocations: Vec<AllocationRecord> = sqlx::query_as(
            "SELECT i.code, s.full_name, a.amount FROM payment_allocation a \
             JOIN invoice i ON i.id = a.invoice_id JOIN student s ON s.id = i.student_id \
             WHERE a.payment_id = $1 ORDER BY i.period, i.id",
        )
        .bind(row.id)
        .fetch_all(db)
        .await?;
        let last_review: Option<ReviewRecord> = sqlx::query_as(
            "SELECT r.action, r.detail, st.display_name, r.at FROM payment_review r \
             JOIN staff st ON st.id = r.staff_id WHERE r.payment_id = $1 ORDER BY r.id DESC LIMIT 1",
        )
        .bind(row.id)
        .fetch_optional(db)
        .await?;
        let memo = row.memo.unwrap_or_default();
        // A possible double payment names its (paid) invoice already: what it needs
        // is a refund or a decision, not other invoices of the same amount.
        let suggested = if outcome == Outcome::Unmatched {
            suggestions(
                row.amount,
                &memo,
                row.payer_name.as_deref().unwrap_or(""),
                &open_invoices,
            )
        } else {
            vec![]
        };
        out.push(TransferRow {
            payment_id: row.id.get(),
            reference: crate::server::bank::reference_of(&row.external_id).to_string(),
            received_at: row.received_at,
            amount: row.amount,
            memo,
            payer: row.payer_name,
            outcome,
            arrived_via: row.arrived_via,
            allocations: allocations
                .into_iter()
                .map(|a| (a.code, a.full_name, a.amount))
                .collect(),
            refunded: row.refunded,
            suggestions: suggested,
            last_review: last_review.map(|r| (r.action, r.detail, r.display_name, r.at)),
        });
    }
    Ok(TransferPage { rows: out, total })
}

/// Notes a hand decision in the transfer's history (`payment_review`).
pub async fn note_review(
    conn: &mut AnyConnection,
    payment_id: PaymentId,
    action: &str,
    detail: &str,
    staff_id: StaffId,
    at: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO payment_review (payment_id, action, detail, staff_id, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(payment_id)
    .bind(action)
    .bind(detail)
    .bind(staff_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AccountRecord {
    id: i64,
    bin: String,
    account_number: String,
}

/// The school's receiving accounts, default first: (id, "bank · number").
pub async fn statement_accounts(
    db: &Db,
    school_id: SchoolId,
) -> Result<Vec<(i64, String)>, AppError> {
    let rows: Vec<AccountRecord> = sqlx::query_as(
        "SELECT id, bin, account_number FROM beneficiary_account WHERE school_id = $1 ORDER BY is_default DESC, id",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let bank = crate::domain::banks::by_bin(&r.bin)
                .map(|b| b.short_name.to_string())
                .unwrap_or(r.bin);
            (r.id, format!("{bank} · {}", r.account_number))
        })
        .collect())
}

/// One of the school's receiving accounts, the statement is of.
pub async fn account(db: &Db, school_id: SchoolId, account_id: i64) -> Result<Account, AppError> {
    let row: Option<AccountRecord> = sqlx::query_as(
        "SELECT id, bin, account_number FROM beneficiary_account WHERE id = $1 AND school_id = $2",
    )
    .bind(account_id)
    .bind(school_id)
    .fetch_optional(db)
    .await?;
    let row = row.ok_or(AppError::InvalidInput(Field::Account))?;
    Ok(Account {
        id: row.id,
        bin: row.bin,
        account_number: row.account_number,
    })
}

/// The column mapping the school's last import used, if any.
pub async fn saved_mapping(db: &Db, school_id: SchoolId) -> Result<Option<Mapping>, AppError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT mapping FROM statement_mapping WHERE school_id = $1")
            .bind(school_id)
            .fetch_optional(db)
            .await?;
    Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
}

/// Keeps the column mapping an import used, for the school's next one.
pub async fn save_mapping(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    mapping: &Mapping,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO statement_mapping (school_id, mapping, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (school_id) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
    )
    .bind(school_id)
    .bind(serde_json::to_string(mapping).map_err(|_| AppError::Internal)?)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The statement's lines under the chosen columns, or the preview that says
/// why there are none (columns not found, or errors).
pub async fn read(
    state: &AppState,
    school_id: SchoolId,
    content_base64: &str,
    choice: &MappingChoice,
) -> Result<(StatementPreview, Vec<Line>), AppError> {
    let grid = crate::server::spreadsheet::read_upload(content_base64).await?;
    let saved = saved_mapping(&state.db, school_id).await?;
    let candidates: Vec<Mapping> = match choice {
        MappingChoice::Custom(m) => vec![m.clone()],
        MappingChoice::Preset(id) => statement::preset(id)
            .map(|p| vec![p.mapping()])
            .ok_or(AppError::InvalidInput(Field::Mapping))?,
        MappingChoice::Auto => saved.into_iter().chain(statement::detect(&grid)).collect(),
    };
    for mapping in candidates {
        match statement::read(&grid, &mapping) {
            Ok(read) => {
                let preview = StatementPreview {
                    headings: statement::headings(&grid, &mapping),
                    mapping: Some(mapping),
                    lines: vec![],
                    errors: read.errors,
                    skipped: read.skipped,
                };
                return Ok((preview, read.lines));
            }
            Err(statement::StatementProblem::ColumnsNotFound) => continue,
            Err(_) => return Err(AppError::ImportRejected),
        }
    }
    Ok((
        StatementPreview {
            headings: statement::headings(&grid, &Mapping::default()),
            ..StatementPreview::default()
        },
        vec![],
    ))
}

/// What recording some lines did, counted.
pub fn summary(done: &[crate::server::ledger::Recorded]) -> StatementResult {
    let new = || done.iter().filter(|l| l.new);
    let fresh = |o: Outcome| new().filter(move |l| l.outcome == o);
    StatementResult {
        recorded: new().count(),
        known: done.iter().filter(|l| !l.new).count(),
        matched: fresh(Outcome::Matched).count(),
        partly_paid: fresh(Outcome::PartlyPaid).count(),
        overpaid: fresh(Outcome::Overpaid).count(),
        duplicate: fresh(Outcome::Duplicate).count(),
        unmatched: fresh(Outcome::Unmatched).count(),
        recorded_amount: new().map(|l| l.amount).sum(),
        duplicate_amount: fresh(Outcome::Duplicate).map(|l| l.amount).sum(),
        unmatched_amount: fresh(Outcome::Unmatched).map(|l| l.amount).sum(),
        receipts_pending: 0,
    }
}

/// The preview's line: what recording it does (or did).
pub fn shown(line: &Line, outcome: Outcome, new: bool) -> PreviewLine {
    PreviewLine {
        row: line.row,
        reference: line.reference.clone(),
        amount: line.amount,
        at: line.at,
        memo: line.memo.clone(),
        outcome,
        known: !new,
    }
}
