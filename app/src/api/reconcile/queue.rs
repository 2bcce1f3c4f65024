//! The queue of transfers: those waiting for a decision, or all, with
//! suggested invoices for those no code settled.

use crate::error::AppError;
use crate::reconciliation::{TransferFilter, TransferOrder, TransferPage};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
mod imp {
    use crate::domain::money::Vnd;
    use crate::domain::suggest::{suggest, Candidate};
    use crate::error::AppError;
    use crate::reconciliation::Suggestion;
    use crate::server::state::Db;

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
    use crate::domain::money::Vnd;
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
