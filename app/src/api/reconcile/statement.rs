//! Importing a bank statement: the school's accounts and column presets, the
//! preview (reads only) and the recording.

use crate::error::AppError;
use crate::reconciliation::{MappingChoice, StatementPreview, StatementResult, StatementSetup};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::server::reconcile;

/// The school's accounts, the bank presets and the mapping used last time.
#[server(prefix = "/rpc", endpoint = "reconcile/setup", input = Json)]
pub async fn load_statement_setup(school_id: i64) -> Result<StatementSetup, AppError> {
    use crate::domain::statement::PRESETS;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    Ok(StatementSetup {
        accounts: reconcile::statement_accounts(&state.db, school_id).await?,
        presets: PRESETS
            .iter()
            .map(|p| (p.id.to_string(), p.bank.to_string()))
            .collect(),
        saved: reconcile::saved_mapping(&state.db, school_id).await?,
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
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let account = reconcile::account(&state.db, school_id, account_id).await?;
    let (mut preview, lines) =
        reconcile::read(&state, school_id, &content_base64, &mapping).await?;
    let incoming: Vec<_> = lines
        .iter()
        .map(|l| crate::server::bank::statement_line(&account, l))
        .collect();
    let mut conn = state.db.acquire().await?;
    let planned = crate::server::ledger::plan(&mut conn, school_id, &incoming).await?;
    preview.lines = lines
        .iter()
        .zip(&planned)
        .map(|(line, p)| reconcile::shown(line, p.outcome(), p.is_new()))
        .collect();
    Ok(preview)
}

/// Records every line of the statement, or none if any row is wrong; lines
/// already known (notified or imported before) change nothing. The lines go in
/// write turns (`ledger::turns`), each its own transaction with its audit line,
/// so bank notifications keep being answered during a long import. A file cut
/// short (an error, a stop) keeps its whole turns; importing it again finishes
/// it, since every line is keyed by the bank's reference.
#[server(prefix = "/rpc", endpoint = "reconcile/statement-commit", input = Json)]
pub async fn commit_statement(
    school_id: i64,
    account_id: i64,
    content_base64: String,
    mapping: MappingChoice,
) -> Result<StatementResult, AppError> {
    use crate::server::audit::{by_staff, Entry};
    use crate::server::ledger::owed;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let account = reconcile::account(&state.db, school_id, account_id).await?;
    let (preview, lines) = reconcile::read(&state, school_id, &content_base64, &mapping).await?;
    let Some(used) = preview.mapping.clone() else {
        return Err(AppError::InvalidInput(crate::error::Field::Mapping));
    };
    if !preview.errors.is_empty() {
        return Err(AppError::ImportRejected);
    }
    let now = state.clock.now_time();
    let incoming: Vec<_> = lines
        .iter()
        .map(|l| crate::server::bank::statement_line(&account, l))
        .collect();
    // In write turns, each its own transaction with its own line in the audit
    // log, so what a turn recorded is never without its "who"; a turn ends
    // early when a notification waits (`ledger::turns`).
    let mut done = Vec::with_capacity(incoming.len());
    // What to tell the accountant when a turn fails after others committed:
    // how far the file got, and that importing it again finishes it.
    let cut_short = |e: AppError, done: usize| {
        if done == 0 {
            return e;
        }
        tracing::error!(
            "statement import of school {school_id} stopped after {done} of {} lines: {e}",
            incoming.len()
        );
        AppError::ImportCutShort {
            recorded: done as u64,
            lines: incoming.len() as u64,
        }
    };
    loop {
        let from = done.len();
        let turn = async {
            let crate::server::ledger::Turn {
                mut tx,
                lines,
                recorded,
            } = crate::server::ledger::record_turn(&state.db, school_id, &incoming, from, now)
                .await?;
            let mut after = serde_json::to_value(reconcile::summary(&recorded))
                .map_err(|_| AppError::Internal)?;
            let last = lines.end == incoming.len();
            if lines.len() < incoming.len() {
                after["lines"] = serde_json::json!(format!(
                    "{}–{}/{}",
                    lines.start + 1,
                    lines.end,
                    incoming.len()
                ));
            }
            by_staff(
                &mut tx,
                &state,
                &staff,
                Entry::at_school(
                    school_id,
                    "import",
                    "bank_statement",
                    &account.account_number,
                )
                .after(after),
            )
            .await?;
            if last {
                reconcile::save_mapping(&mut tx, school_id, &used, now).await?;
            }
            tx.commit().await?;
            Ok::<_, AppError>((recorded, last))
        };
        let (recorded, last) = match turn.await {
            Ok(turn) => turn,
            Err(e) => {
                // What the committed turns owe is issued all the same.
                owed::issue_later_for(&state, &done);
                return Err(cut_short(e, from));
            }
        };
        done.extend(recorded);
        if last {
            break;
        }
    }
    // The turns owe the new payments' receipts (`ledger::owed`): this file's
    // are issued before the answer, or for a long file just after it.
    let mut summary = reconcile::summary(&done);
    summary.receipts_pending =
        owed::issue_for_statement(&state, &done, incoming.len() <= RECEIPTS_BEFORE_ANSWER).await;
    Ok(summary)
}

/// Statements up to this many lines have their receipts issued before the
/// import answers: under a second's work on a small machine.
#[cfg(feature = "ssr")]
pub const RECEIPTS_BEFORE_ANSWER: usize = 5_000;
