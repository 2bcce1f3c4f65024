//! Reconciliation for the accountant: importing a bank statement (preview, then
//! all-or-nothing), the queue of transfers no code settled, and the hand
//! decisions on a transfer (match or split, not a school fee, undo, refund), each
//! in the audit log and the transfer's own history.

use crate::domain::money::Vnd;
use crate::error::AppError;
use crate::reconciliation::{
    MappingChoice, Part, StatementPreview, StatementResult, StatementSetup, TransferFilter,
    TransferOrder, TransferPage,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
mod imp {
    use crate::domain::money::Vnd;
    use crate::domain::settlement::Outcome;
    use crate::domain::statement::{self, Line, Mapping};
    use crate::domain::suggest::{suggest, Candidate};
    use crate::error::{AppError, Field};
    use crate::reconciliation::{MappingChoice, PreviewLine, StatementPreview, Suggestion};
    use crate::server::bank::Account;
    use crate::server::ledger::by_hand::Transfer;
    use crate::server::state::{AppState, Db};
    use base64::Engine;
    use sqlx::AnyConnection;

    pub async fn account(db: &Db, school_id: i64, account_id: i64) -> Result<Account, AppError> {
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT id, bin, account_number FROM beneficiary_account WHERE id = $1 AND school_id = $2",
        )
        .bind(account_id)
        .bind(school_id)
        .fetch_optional(db)
        .await?;
        let (id, bin, account_number) = row.ok_or(AppError::InvalidInput(Field::Account))?;
        Ok(Account {
            id,
            bin,
            account_number,
        })
    }

    pub async fn saved_mapping(db: &Db, school_id: i64) -> Result<Option<Mapping>, AppError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT mapping FROM statement_mapping WHERE school_id = $1")
                .bind(school_id)
                .fetch_optional(db)
                .await?;
        Ok(row.and_then(|(json,)| serde_json::from_str(&json).ok()))
    }

    /// The statement's lines under the chosen columns, or the preview that says
    /// why there are none (columns not found, or errors).
    pub async fn read(
        state: &AppState,
        school_id: i64,
        content_base64: &str,
        choice: &MappingChoice,
    ) -> Result<(StatementPreview, Vec<Line>), AppError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(content_base64.trim())
            .map_err(|_| AppError::ImportRejected)?;
        let grid = crate::server::heavy::run(move || crate::server::spreadsheet::read(&bytes))
            .await?
            .map_err(AppError::File)?;
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

    /// The school's open invoices, as suggestion candidates (with their period).
    pub async fn candidates(db: &Db, school_id: i64) -> Result<Vec<(Candidate, String)>, AppError> {
        // invoice code, student code, name, class, period, total, paid
        type Row = (String, String, String, Option<String>, String, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT i.code, s.code, s.full_name, c.name, i.period, i.total, \
                (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
             FROM invoice i JOIN student s ON s.id = i.student_id LEFT JOIN class c ON c.id = i.class_id \
             WHERE i.school_id = $1 AND i.voided_at IS NULL",
        )
        .bind(school_id)
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .filter(|r| r.5 > r.6)
            .map(
                |(invoice_code, student_code, student_name, class, period, total, paid)| {
                    (
                        Candidate {
                            invoice_code,
                            student_code,
                            student_name,
                            class_name: class.unwrap_or_default(),
                            balance: Vnd::new(total - paid),
                        },
                        period,
                    )
                },
            )
            .collect())
    }

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

    /// What every hand decision with a reason starts from.
    pub struct Started {
        pub state: AppState,
        pub staff: crate::server::auth::Staff,
        pub reason: String,
        pub tx: crate::server::database::WriteTx,
        pub transfer: Transfer,
    }

    /// Checks the caller and the reason, and opens the transaction (taking the
    /// write lock first, so two decisions on one transfer queue, not collide).
    pub async fn start(school_id: i64, payment_id: i64, reason: &str) -> Result<Started, AppError> {
        let (state, staff) = crate::server::auth::school_writer(school_id).await?;
        let reason = crate::domain::validate::text(reason, 300)
            .ok_or(AppError::InvalidInput(Field::Reason))?;
        let mut tx = crate::server::database::begin_write(&state.db).await?;
        let transfer =
            crate::server::ledger::by_hand::transfer(&mut tx, school_id, payment_id).await?;
        Ok(Started {
            state,
            staff,
            reason,
            tx,
            transfer,
        })
    }

    /// A hand decision on a transfer, with what it replaced.
    pub struct Decision<'a> {
        pub school_id: i64,
        pub payment_id: i64,
        pub action: &'a str,
        pub detail: &'a str,
        pub before: serde_json::Value,
    }

    /// Ends a hand decision (the ledger has changed the books): the note in its
    /// history and the audit log, and the commit.
    pub async fn conclude(
        mut tx: crate::server::database::WriteTx,
        state: &AppState,
        staff: &crate::server::auth::Staff,
        decision: Decision<'_>,
    ) -> Result<(), AppError> {
        note(&mut tx, state, staff, decision).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notes a hand decision in the transfer's history and the audit log.
    pub async fn note(
        conn: &mut AnyConnection,
        state: &AppState,
        staff: &crate::server::auth::Staff,
        decision: Decision<'_>,
    ) -> Result<(), AppError> {
        use crate::server::audit::{by_staff, Entry};
        let Decision {
            school_id,
            payment_id,
            action,
            detail,
            before,
        } = decision;
        sqlx::query(
            "INSERT INTO payment_review (payment_id, action, detail, staff_id, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(payment_id)
        .bind(action)
        .bind(detail)
        .bind(staff.id)
        .bind(state.clock.now())
        .execute(&mut *conn)
        .await?;
        by_staff(
            conn,
            state,
            staff,
            Entry::at_school(school_id, action, "payment", payment_id)
                .before(before)
                .after(serde_json::json!({ "detail": detail })),
        )
        .await
    }
}

/// The school's accounts, the bank presets and the mapping used last time.
#[server(prefix = "/rpc", endpoint = "reconcile/setup", input = Json)]
pub async fn load_statement_setup(school_id: i64) -> Result<StatementSetup, AppError> {
    use crate::domain::{banks, statement::PRESETS};
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, bin, account_number FROM beneficiary_account WHERE school_id = $1 ORDER BY is_default DESC, id",
    )
    .bind(school_id)
    .fetch_all(&state.db)
    .await?;
    Ok(StatementSetup {
        accounts: rows
            .into_iter()
            .map(|(id, bin, number)| {
                let bank = banks::by_bin(&bin)
                    .map(|b| b.short_name.to_string())
                    .unwrap_or(bin);
                (id, format!("{bank} · {number}"))
            })
            .collect(),
        presets: PRESETS
            .iter()
            .map(|p| (p.id.to_string(), p.bank.to_string()))
            .collect(),
        saved: imp::saved_mapping(&state.db, school_id).await?,
    })
}

/// What importing this statement would do, line by line; nothing is written,
/// and no write lock is taken: the ledger plans with reads only, each line
/// seeing what the lines before it settle, exactly as recording does.
#[server(prefix = "/rpc", endpoint = "reconcile/statement-preview", input = Json)]
pub async fn preview_statement(
    school_id: i64,
    account_id: i64,
    content_base64: String,
    mapping: MappingChoice,
) -> Result<StatementPreview, AppError> {
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let account = imp::account(&state.db, school_id, account_id).await?;
    let (mut preview, lines) = imp::read(&state, school_id, &content_base64, &mapping).await?;
    let incoming: Vec<_> = lines
        .iter()
        .map(|l| crate::server::bank::statement_line(&account, l))
        .collect();
    let mut conn = state.db.acquire().await?;
    let planned = crate::server::ledger::plan(&mut conn, school_id, &incoming).await?;
    preview.lines = lines
        .iter()
        .zip(&planned)
        .map(|(line, p)| imp::shown(line, p.outcome(), p.is_new()))
        .collect();
    Ok(preview)
}

/// Records every line of the statement, or nothing if any row is wrong; lines
/// already known (notified or imported before) change nothing. The lines go in
/// turns of `ledger::TURN`, each its own transaction, so bank notifications keep
/// being answered during a long import; a file cut short by a stop is finished
/// by importing it again (every line is keyed by the bank's reference).
#[server(prefix = "/rpc", endpoint = "reconcile/statement-commit", input = Json)]
pub async fn commit_statement(
    school_id: i64,
    account_id: i64,
    content_base64: String,
    mapping: MappingChoice,
) -> Result<StatementResult, AppError> {
    use crate::domain::settlement::Outcome;
    use crate::server::audit::{by_staff, Entry};
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let account = imp::account(&state.db, school_id, account_id).await?;
    let (preview, lines) = imp::read(&state, school_id, &content_base64, &mapping).await?;
    let Some(used) = preview.mapping.clone() else {
        return Err(AppError::InvalidInput(crate::error::Field::Mapping));
    };
    if !preview.errors.is_empty() {
        return Err(AppError::ImportRejected);
    }
    let now = state.clock.now();
    let incoming: Vec<_> = lines
        .iter()
        .map(|l| crate::server::bank::statement_line(&account, l))
        .collect();
    let (done, mut tx) = crate::server::ledger::record_in_turns(
        &state.db,
        &state.vault,
        school_id,
        &incoming,
        crate::server::ledger::TURN,
        now,
    )
    .await?;
    sqlx::query(
        "INSERT INTO statement_mapping (school_id, mapping, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (school_id) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
    )
    .bind(school_id)
    .bind(serde_json::to_string(&used).map_err(|_| AppError::Internal)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let fresh = |o: Outcome| done.iter().filter(|l| l.new && l.outcome == o).count();
    let result = StatementResult {
        recorded: done.iter().filter(|l| l.new).count(),
        known: done.iter().filter(|l| !l.new).count(),
        matched: fresh(Outcome::Matched),
        partly_paid: fresh(Outcome::PartlyPaid),
        overpaid: fresh(Outcome::Overpaid),
        duplicate: fresh(Outcome::Duplicate),
        unmatched: fresh(Outcome::Unmatched),
    };
    by_staff(
        &mut tx,
        &state,
        &staff,
        Entry::at_school(
            school_id,
            "import",
            "bank_statement",
            account.account_number,
        )
        .after(serde_json::to_value(&result).map_err(|_| AppError::Internal)?),
    )
    .await?;
    tx.commit().await?;
    Ok(result)
}

/// The school's bank transfers, a page at a time: those waiting for a decision,
/// or all of them, in the order asked; with suggested invoices for those no
/// code settled.
#[server(prefix = "/rpc", endpoint = "reconcile/transfers", input = Json)]
pub async fn list_transfers(
    school_id: i64,
    filter: TransferFilter,
    // Words of the memo or payer, a bank reference, an invoice code, or an
    // amount in đồng; empty: everything.
    #[server(default)] search: String,
    // From 0, pages of `paging::PER_PAGE`.
    #[server(default)] page: u32,
    #[server(default)] order: TransferOrder,
) -> Result<TransferPage, AppError> {
    use crate::domain::settlement::Outcome;
    use crate::paging::PER_PAGE;
    use crate::reconciliation::TransferRow;
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    if search.chars().count() > 100 {
        return Err(AppError::InvalidInput(crate::error::Field::SearchText));
    }
    // Memos and payer names arrive from banks without marks: search without them.
    let words = crate::domain::memo::fold_to_ascii(search.trim()).to_lowercase();
    let like = format!("%{}%", words.replace(['%', '_'], ""));
    let amount: Option<i64> = {
        let digits: String = words.chars().filter(char::is_ascii_digit).collect();
        // "100.000", "100,000 đ" (folded: "d"), "100000".
        (!digits.is_empty()
            && words
                .chars()
                .all(|c| c.is_ascii_digit() || ".,d ".contains(c)))
        .then(|| digits.parse().ok())
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
        .bind(amount.unwrap_or(-1))
        .fetch_one(&state.db)
        .await?;
    let total = usize::try_from(total).unwrap_or(0);
    // A page past the end shows the last one, as the other lists do.
    let page = crate::paging::clamp_page(total, page as usize);
    type Row = (
        i64,
        String,
        i64,
        i64,
        Option<String>,
        Option<String>,
        String,
        String,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT p.id, p.external_id, p.received_at, p.amount, p.memo, p.payer_name, p.outcome, p.arrived_via, \
            {REFUNDED} {matching} ORDER BY {} LIMIT {PER_PAGE} OFFSET {}",
        order.sql(),
        page * PER_PAGE
    ))
    .bind(school_id)
    .bind(filter_key)
    .bind(&like)
    .bind(amount.unwrap_or(-1))
    .fetch_all(&state.db)
    .await?;
    let candidates = imp::candidates(&state.db, school_id).await?;
    let mut out = Vec::new();
    for (id, external_id, at, amount, memo, payer, outcome, via, refunded) in rows {
        let outcome = Outcome::parse(&outcome).unwrap_or(Outcome::Unmatched);
        let (amount, refunded) = (Vnd::new(amount), Vnd::new(refunded));
        let allocations: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT i.code, s.full_name, a.amount FROM payment_allocation a \
             JOIN invoice i ON i.id = a.invoice_id JOIN student s ON s.id = i.student_id \
             WHERE a.payment_id = $1 ORDER BY i.period, i.id",
        )
        .bind(id)
        .fetch_all(&state.db)
        .await?;
        let last_review: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT r.action, r.detail, st.display_name, r.at FROM payment_review r \
             JOIN staff st ON st.id = r.staff_id WHERE r.payment_id = $1 ORDER BY r.id DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&state.db)
        .await?;
        let memo = memo.unwrap_or_default();
        // A possible double payment names its (paid) invoice already: what it needs
        // is a refund or a decision, not other invoices of the same amount.
        let suggestions = if outcome == Outcome::Unmatched {
            imp::suggestions(amount, &memo, payer.as_deref().unwrap_or(""), &candidates)
        } else {
            vec![]
        };
        out.push(TransferRow {
            payment_id: id,
            reference: crate::server::bank::reference_of(&external_id).to_string(),
            received_at: at,
            amount,
            memo,
            payer,
            outcome,
            arrived_via: via,
            allocations: allocations
                .into_iter()
                .map(|(code, name, a)| (code, name, Vnd::new(a)))
                .collect(),
            refunded,
            suggestions,
            last_review,
        });
    }
    Ok(TransferPage { rows: out, total })
}

/// Settles a transfer by hand: one invoice, or split across several; what is
/// left over becomes a credit for the first invoice's student.
#[server(prefix = "/rpc", endpoint = "reconcile/match", input = Json)]
pub async fn match_transfer(
    school_id: i64,
    payment_id: i64,
    parts: Vec<Part>,
) -> Result<(), AppError> {
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    if parts.is_empty() || parts.len() > 20 || parts.iter().any(|p| !p.amount.is_positive()) {
        return Err(AppError::InvalidInput(Field::PositiveAmount));
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let before = crate::server::ledger::by_hand::transfer(&mut tx, school_id, payment_id).await?;
    let parts: Vec<(String, Vnd)> = parts
        .into_iter()
        .map(|p| (p.invoice_code, p.amount))
        .collect();
    let matched = crate::server::ledger::by_hand::match_by_hand(
        &mut tx,
        &state.vault,
        school_id,
        payment_id,
        &parts,
        &staff.display_name,
        state.clock.now(),
    )
    .await?;
    imp::conclude(
        tx,
        &state,
        &staff,
        imp::Decision {
            school_id,
            payment_id,
            action: "match",
            detail: &matched.detail.join("; "),
            before: serde_json::json!({ "outcome": before.outcome.as_str() }),
        },
    )
    .await
}

/// Marks a transfer as not a school fee (a grant, a staff transfer…), with why.
#[server(prefix = "/rpc", endpoint = "reconcile/not-fee", input = Json)]
pub async fn mark_transfer_not_fee(
    school_id: i64,
    payment_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let imp::Started {
        state,
        staff,
        reason,
        mut tx,
        transfer,
    } = imp::start(school_id, payment_id, &reason).await?;
    crate::server::ledger::by_hand::mark_not_fee(&mut tx, school_id, payment_id).await?;
    imp::conclude(
        tx,
        &state,
        &staff,
        imp::Decision {
            school_id,
            payment_id,
            action: "not_fee",
            detail: &reason,
            before: serde_json::json!({ "outcome": transfer.outcome.as_str() }),
        },
    )
    .await
}

/// Takes back a match (automatic or by hand) or a "not a fee", with why: the
/// transfer returns to the queue and its invoices are due again.
#[server(prefix = "/rpc", endpoint = "reconcile/undo", input = Json)]
pub async fn undo_transfer(
    school_id: i64,
    payment_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let imp::Started {
        state,
        staff,
        reason,
        mut tx,
        transfer: _,
    } = imp::start(school_id, payment_id, &reason).await?;
    let undone = crate::server::ledger::by_hand::undo(
        &mut tx,
        &state.vault,
        school_id,
        payment_id,
        &reason,
        staff.id,
        state.clock.now(),
    )
    .await?;
    imp::conclude(
        tx,
        &state,
        &staff,
        imp::Decision {
            school_id,
            payment_id,
            action: "undo",
            detail: &reason,
            before: serde_json::json!({ "outcome": undone.before.outcome.as_str(), "allocations": undone.allocations, "credit": undone.credit }),
        },
    )
    .await
}

/// Records money sent back to the family (a double payment, an overpayment):
/// at most what the transfer did not settle.
#[server(prefix = "/rpc", endpoint = "reconcile/refund", input = Json)]
pub async fn refund_transfer(
    school_id: i64,
    payment_id: i64,
    amount: Vnd,
    reference: String,
    refunded_on: String,
) -> Result<(), AppError> {
    use crate::domain::date::Date;
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reference = crate::domain::validate::text(&reference, 100)
        .ok_or(AppError::InvalidInput(Field::Reference))?;
    let day = Date::parse_dmy(&refunded_on)
        .ok()
        .filter(|d| *d <= state.clock.today())
        .ok_or(AppError::InvalidInput(Field::RefundDate))?;
    if !amount.is_positive() {
        return Err(AppError::InvalidInput(Field::PositiveAmount));
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let transfer = crate::server::ledger::by_hand::refund(
        &mut tx,
        school_id,
        payment_id,
        amount,
        &reference,
        &day.to_string(),
        staff.id,
        state.clock.now(),
    )
    .await?;
    imp::conclude(
        tx,
        &state,
        &staff,
        imp::Decision {
            school_id,
            payment_id,
            action: "refund",
            detail: &format!("{} ({reference}, {})", amount.grouped(), day.dmy()),
            before: serde_json::json!({ "refunded": transfer.refunded.dong() }),
        },
    )
    .await
}
