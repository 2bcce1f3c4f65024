//! The sums behind an office's and its schools' figures, one grouped query per
//! kind of sum (never a query per school), for the months `from..=to`. Money
//! due and paid comes from `month_figure`, which triggers keep on every write;
//! `direct` computes the same from the invoices themselves, to check it.

use crate::domain::date::Month;
use crate::domain::money::Vnd;
use crate::domain::report::{Channel, Figures, Flow};
use crate::error::AppError;
use crate::server::state::Db;
use std::collections::BTreeMap;

/// Unix seconds at 00:00 in Vietnam on a month's first day.
fn month_start(m: Month) -> i64 {
    m.first_day().to_days() * 86_400 - 7 * 3_600
}

/// Figures per school of `schools` (ids), for the months `from..=to`.
pub async fn figures(
    db: &Db,
    schools: &[i64],
    from: Month,
    to: Month,
) -> Result<BTreeMap<i64, Figures>, AppError> {
    let mut out: BTreeMap<i64, Figures> =
        schools.iter().map(|id| (*id, Figures::default())).collect();
    if schools.is_empty() {
        return Ok(out);
    }
    // The ids are numbers from the database: safe to inline, and one query
    // whatever the number of schools.
    let ids = schools
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let (from_s, to_s) = (from.to_string(), to.to_string());

    // The monthly sums the triggers keep (migration 0014): a few rows per
    // school and month, whatever the number of invoices.
    let sums: Vec<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT school_id, method, CAST(SUM(invoices) AS BIGINT), CAST(SUM(due) AS BIGINT), CAST(SUM(payments) AS BIGINT), CAST(SUM(paid) AS BIGINT) FROM month_figure \
         WHERE school_id IN ({ids}) AND period BETWEEN $1 AND $2 GROUP BY school_id, method"
    ))
    .bind(&from_s)
    .bind(&to_s)
    .fetch_all(db)
    .await?;
    for (school, method, invoices, due, count, amount) in sums {
        let Some(f) = out.get_mut(&school) else {
            continue;
        };
        if method.is_empty() {
            f.invoices = invoices;
            f.due = Vnd::new(due);
        } else {
            let c = Channel::from_method(&method);
            let i = Channel::ALL.iter().position(|x| *x == c).unwrap_or(0);
            f.by_channel[i] += Flow {
                count,
                amount: Vnd::new(amount),
            };
            f.collected += Vnd::new(amount);
        }
    }

    // Waiting now, whatever the period: transfers to match by hand, open complaints.
    let unmatched: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT school_id, COUNT(*) FROM payment WHERE school_id IN ({ids}) AND outcome = 'unmatched' GROUP BY school_id"
    ))
    .fetch_all(db)
    .await?;
    for (school, n) in unmatched {
        if let Some(f) = out.get_mut(&school) {
            f.unmatched = n;
        }
    }
    let open: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT school_id, COUNT(*) FROM complaint WHERE school_id IN ({ids}) \
         AND status NOT IN ('resolved', 'rejected') GROUP BY school_id"
    ))
    .fetch_all(db)
    .await?;
    for (school, n) in open {
        if let Some(f) = out.get_mut(&school) {
            f.complaints_open = n;
        }
    }
    let closed: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT school_id, closed_at - created_at FROM complaint WHERE school_id IN ({ids}) \
         AND closed_at >= $1 AND closed_at < $2 ORDER BY closed_at, id"
    ))
    .bind(month_start(from))
    .bind(month_start(to.next()))
    .fetch_all(db)
    .await?;
    for (school, secs) in closed {
        if let Some(f) = out.get_mut(&school) {
            f.resolve_times.push(secs);
        }
    }
    Ok(out)
}

/// Every school's readiness, contacts and figures, in the order of `ids`: a
/// handful of queries whatever the number of schools.
pub async fn school_figures(
    db: &Db,
    ids: &[i64],
    from: Month,
    to: Month,
) -> Result<Vec<crate::api::dashboard::SchoolFigures>, AppError> {
    use crate::staff::PaymentMethod;
    let mut figures = figures(db, ids, from, to).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let names: BTreeMap<i64, (String, String)> = sqlx::query_as::<_, (i64, String, String)>(
        &format!("SELECT id, slug, name FROM school WHERE id IN ({list})"),
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|(id, slug, name)| (id, (slug, name)))
    .collect();
    let contacts: BTreeMap<i64, i64> = sqlx::query_as(&format!(
        "SELECT school_id, COUNT(*) FROM school_contact WHERE school_id IN ({list}) GROUP BY school_id"
    ))
    .fetch_all(db)
    .await?
    .into_iter()
    .collect();
    // Ready: declared, and configured (a confirmed account of the right kind, or the gateway's
    // merchant code), as the school's own page counts it.
    let declared: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT school_id, method FROM school_method WHERE school_id IN ({list})"
    ))
    .fetch_all(db)
    .await?;
    let bins: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT school_id, bin FROM beneficiary_account WHERE school_id IN ({list}) AND confirmed_at IS NOT NULL"
    ))
    .fetch_all(db)
    .await?;
    let gateways: Vec<(i64,)> = sqlx::query_as(&format!(
        "SELECT school_id FROM gateway_config WHERE school_id IN ({list})"
    ))
    .fetch_all(db)
    .await?;
    let kind_of = |bin: &str| {
        crate::domain::banks::by_bin(bin)
            .map(|b| b.kind)
            .unwrap_or(crate::domain::banks::BankKind::Bank)
    };
    let mut out = Vec::new();
    for id in ids {
        let has_bank = bins
            .iter()
            .any(|(s, b)| s == id && kind_of(b) == crate::domain::banks::BankKind::Bank);
        let has_wallet = bins
            .iter()
            .any(|(s, b)| s == id && kind_of(b) == crate::domain::banks::BankKind::Wallet);
        let has_gateway = gateways.iter().any(|(s,)| s == id);
        let ready = declared
            .iter()
            .filter(|(s, _)| s == id)
            .filter_map(|(_, m)| PaymentMethod::parse(m))
            .filter(|m| match m {
                PaymentMethod::QrTransfer => has_bank,
                PaymentMethod::MobileMoney => has_wallet,
                PaymentMethod::Website => has_gateway,
                PaymentMethod::CardPos => true,
                PaymentMethod::Cash => false,
            })
            .count();
        let (slug, name) = names.get(id).cloned().unwrap_or_default();
        out.push(crate::api::dashboard::SchoolFigures {
            id: *id,
            slug,
            name,
            cashless_ready: ready,
            contacts: contacts.get(id).copied().unwrap_or(0),
            figures: figures.remove(id).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The same sums as `month_figure` holds, computed from invoices, allocations
/// and payments directly: (school, period, method, invoices, due, payments, paid).
/// For tests and the consistency check, not for the dashboard (it is slow).
pub async fn direct(db: &Db) -> Result<Vec<(i64, String, String, i64, i64, i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT school_id, period, '', COUNT(*), CAST(SUM(total) AS BIGINT), 0, 0 FROM invoice WHERE voided_at IS NULL \
         GROUP BY school_id, period \
         UNION ALL \
         SELECT i.school_id, i.period, p.method, 0, 0, COUNT(*), CAST(SUM(a.amount) AS BIGINT) FROM payment_allocation a \
         JOIN invoice i ON i.id = a.invoice_id JOIN payment p ON p.id = a.payment_id WHERE i.voided_at IS NULL \
         GROUP BY i.school_id, i.period, p.method ORDER BY 1, 2, 3",
    )
    .fetch_all(db)
    .await?)
}

/// What `month_figure` holds, in `direct`'s shape (rows that sum to nothing left out).
pub async fn kept(db: &Db) -> Result<Vec<(i64, String, String, i64, i64, i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT school_id, period, method, invoices, due, payments, paid FROM month_figure \
         WHERE invoices <> 0 OR due <> 0 OR payments <> 0 OR paid <> 0 ORDER BY 1, 2, 3",
    )
    .fetch_all(db)
    .await?)
}
