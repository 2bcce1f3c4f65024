//! The sums behind the district's and schools' figures, one grouped query per
//! kind of sum (never a query per school), for the months `from..=to`.

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

    let issued: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT school_id, COUNT(*), COALESCE(SUM(total), 0) FROM invoice \
         WHERE school_id IN ({ids}) AND voided_at IS NULL AND period BETWEEN $1 AND $2 GROUP BY school_id"
    ))
    .bind(&from_s)
    .bind(&to_s)
    .fetch_all(db)
    .await?;
    for (school, n, due) in issued {
        if let Some(f) = out.get_mut(&school) {
            f.invoices = n;
            f.due = Vnd::new(due);
        }
    }

    // What was paid towards those invoices, by how it came (a payment split
    // across invoices counts once).
    let paid: Vec<(i64, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT i.school_id, p.method, COUNT(DISTINCT p.id), COALESCE(SUM(a.amount), 0) \
         FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id JOIN payment p ON p.id = a.payment_id \
         WHERE i.school_id IN ({ids}) AND i.voided_at IS NULL AND i.period BETWEEN $1 AND $2 \
         GROUP BY i.school_id, p.method"
    ))
    .bind(&from_s)
    .bind(&to_s)
    .fetch_all(db)
    .await?;
    for (school, method, count, amount) in paid {
        if let Some(f) = out.get_mut(&school) {
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
         AND closed_at >= $1 AND closed_at < $2"
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
