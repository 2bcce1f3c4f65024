//! Reports: the sums behind an office's and its schools' figures, the reporting
//! calendar an office sets, the frozen reports schools submit, and a month's
//! collection class by class.
//!
//! The sums are one grouped query per kind of sum (never a query per school),
//! for the months `from..=to`. Money due and paid comes from `month_figure`,
//! which triggers keep on every write; `direct` computes the same from the
//! invoices themselves, to check it.

use crate::domain::date::{Date, Month};
use crate::domain::ids::{SchoolId, StaffId};
use crate::domain::money::Vnd;
use crate::domain::report::{Channel, Figures, Flow};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::auth::Staff;
use crate::server::state::Db;
use crate::staff::{ClassFigures, ReportDeadline, ReportRow, SchoolFigures};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// A period typed as `YYYY-MM` twice, `from` not after `to`.
pub fn period(from: &str, to: &str) -> Result<(Month, Month), AppError> {
    let bad = || AppError::InvalidInput(crate::error::Field::Period);
    let (from, to) = (
        Month::parse(from.trim()).map_err(|_| bad())?,
        Month::parse(to.trim()).map_err(|_| bad())?,
    );
    if from > to {
        return Err(bad());
    }
    Ok((from, to))
}

/// Unix seconds at 00:00 in Vietnam on a month's first day.
fn month_start(m: Month) -> i64 {
    m.first_day().to_days() * 86_400 - 7 * 3_600
}

/// One school's sums for one payment method (`method` empty: the invoices).
#[derive(sqlx::FromRow)]
struct MethodSum {
    school_id: SchoolId,
    method: String,
    invoices: i64,
    due: Vnd,
    payments: i64,
    paid: Vnd,
}

/// Figures per school of `schools` (ids), for the months `from..=to`.
pub async fn figures(
    db: &Db,
    schools: &[SchoolId],
    from: Month,
    to: Month,
) -> Result<BTreeMap<SchoolId, Figures>, AppError> {
    let mut out: BTreeMap<SchoolId, Figures> =
        schools.iter().map(|id| (*id, Figures::default())).collect();
    if schools.is_empty() {
        return Ok(out);
    }
    // The ids are numbers from the database: safe to inline, and one query
    // whatever the number of schools.
    let ids = schools
        .iter()
        .map(SchoolId::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let (from_s, to_s) = (from.to_string(), to.to_string());

    // The monthly sums the triggers keep (migration 0014): a few rows per
    // school and month, whatever the number of invoices.
    let sums: Vec<MethodSum> = sqlx::query_as(&format!(
        "SELECT school_id, method, CAST(SUM(invoices) AS BIGINT) AS invoices, CAST(SUM(due) AS BIGINT) AS due, \
         CAST(SUM(payments) AS BIGINT) AS payments, CAST(SUM(paid) AS BIGINT) AS paid FROM month_figure \
         WHERE school_id IN ({ids}) AND period BETWEEN $1 AND $2 GROUP BY school_id, method"
    ))
    .bind(&from_s)
    .bind(&to_s)
    .fetch_all(db)
    .await?;
    for sum in sums {
        let Some(f) = out.get_mut(&sum.school_id) else {
            continue;
        };
        if sum.method.is_empty() {
            f.invoices = sum.invoices;
            f.due = sum.due;
        } else {
            let c = Channel::from_method(&sum.method);
            let i = Channel::ALL.iter().position(|x| *x == c).unwrap_or(0);
            f.by_channel[i] += Flow {
                count: sum.payments,
                amount: sum.paid,
            };
            f.collected += sum.paid;
        }
    }

    // Waiting now, whatever the period: transfers to match by hand, open complaints.
    let unmatched: Vec<(SchoolId, i64)> = sqlx::query_as(&format!(
        "SELECT school_id, COUNT(*) FROM payment WHERE school_id IN ({ids}) AND outcome = 'unmatched' GROUP BY school_id"
    ))
    .fetch_all(db)
    .await?;
    for (school, n) in unmatched {
        if let Some(f) = out.get_mut(&school) {
            f.unmatched = n;
        }
    }
    let open: Vec<(SchoolId, i64)> = sqlx::query_as(&format!(
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
    let closed: Vec<(SchoolId, i64)> = sqlx::query_as(&format!(
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

#[derive(sqlx::FromRow)]
struct SchoolName {
    id: SchoolId,
    slug: String,
    name: String,
}

/// Every school's readiness, contacts and figures, in the order of `ids`: a
/// handful of queries whatever the number of schools.
pub async fn school_figures(
    db: &Db,
    ids: &[SchoolId],
    from: Month,
    to: Month,
) -> Result<Vec<SchoolFigures>, AppError> {
    use crate::staff::PaymentMethod;
    let mut figures = figures(db, ids, from, to).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids
        .iter()
        .map(SchoolId::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let names: BTreeMap<SchoolId, (String, String)> = sqlx::query_as::<_, SchoolName>(&format!(
        "SELECT id, slug, name FROM school WHERE id IN ({list})"
    ))
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| (s.id, (s.slug, s.name)))
    .collect();
    let contacts: BTreeMap<SchoolId, i64> = sqlx::query_as(&format!(
        "SELECT school_id, COUNT(*) FROM school_contact WHERE school_id IN ({list}) GROUP BY school_id"
    ))
    .fetch_all(db)
    .await?
    .into_iter()
    .collect();
    // Ready: declared, and configured (a confirmed account of the right kind, or the gateway's
    // merchant code), as the school's own page counts it.
    let declared: Vec<(SchoolId, String)> = sqlx::query_as(&format!(
        "SELECT school_id, method FROM school_method WHERE school_id IN ({list})"
    ))
    .fetch_all(db)
    .await?;
    let bins: Vec<(SchoolId, String)> = sqlx::query_as(&format!(
        "SELECT school_id, bin FROM beneficiary_account WHERE school_id IN ({list}) AND confirmed_at IS NOT NULL"
    ))
    .fetch_all(db)
    .await?;
    let gateways: Vec<SchoolId> = sqlx::query_scalar(&format!(
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
        let has_gateway = gateways.contains(id);
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
        out.push(SchoolFigures {
            id: id.get(),
            slug,
            name,
            cashless_ready: ready,
            contacts: contacts.get(id).copied().unwrap_or(0),
            figures: figures.remove(id).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// One row of monthly sums: a school's period and payment method (empty for
/// the invoices), as `month_figure` keeps it or as `direct` computes it.
#[derive(Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MonthFigure {
    pub school_id: SchoolId,
    pub period: String,
    pub method: String,
    pub invoices: i64,
    pub due: Vnd,
    pub payments: i64,
    pub paid: Vnd,
}

/// The same sums as `month_figure` holds, computed from invoices, allocations
/// and payments directly.
/// For tests and the consistency check, not for the dashboard (it is slow).
pub async fn direct(db: &Db) -> Result<Vec<MonthFigure>, AppError> {
    Ok(sqlx::query_as(
        "SELECT school_id, period, '' AS method, COUNT(*) AS invoices, CAST(SUM(total) AS BIGINT) AS due, \
         0 AS payments, 0 AS paid FROM invoice WHERE voided_at IS NULL \
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
pub async fn kept(db: &Db) -> Result<Vec<MonthFigure>, AppError> {
    Ok(sqlx::query_as(
        "SELECT school_id, period, method, invoices, due, payments, paid FROM month_figure \
         WHERE invoices <> 0 OR due <> 0 OR payments <> 0 OR paid <> 0 ORDER BY 1, 2, 3",
    )
    .fetch_all(db)
    .await?)
}

/// An office's name, as a printed or exported dashboard is headed.
pub async fn office_name(db: &Db, office_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM office WHERE id = $1")
        .bind(office_id)
        .fetch_one(db)
        .await?)
}

// ---- The reporting calendar ----

#[derive(sqlx::FromRow)]
struct DeadlineRecord {
    id: i64,
    period_from: String,
    period_to: String,
    due_on: String,
    office: String,
}

/// The reporting calendar, newest period first: an office's own (a staff
/// member with no `school_id`), or the one a school answers to.
pub async fn calendar(
    db: &Db,
    office_id: i64,
    school_id: Option<SchoolId>,
) -> Result<Vec<ReportDeadline>, AppError> {
    // An officer sees (and edits) their own office's calendar. A school reads the
    // calendars of every office above it (its commune and the Department): for a
    // period both set, the earlier day is the one to meet, and the school is told
    // which office set it (ISO dates sort as text; on the same day, the
    // deadline entered first).
    let rows: Vec<DeadlineRecord> = match school_id {
        None => {
            sqlx::query_as(
                "SELECT d.id, d.period_from, d.period_to, d.due_on, o.name AS office FROM report_deadline d \
                 JOIN office o ON o.id = d.office_id WHERE d.office_id = $1 \
                 ORDER BY d.period_to DESC, d.period_from DESC",
            )
            .bind(office_id)
            .fetch_all(db)
            .await?
        }
        Some(school_id) => {
            sqlx::query_as(
                "SELECT d.id, d.period_from, d.period_to, d.due_on, o.name AS office FROM report_deadline d \
                 JOIN office o ON o.id = d.office_id \
                 WHERE d.office_id IN (SELECT os.office_id FROM office_school os WHERE os.school_id = $1) \
                 ORDER BY d.period_to DESC, d.period_from DESC, d.due_on, d.id",
            )
            .bind(school_id)
            .fetch_all(db)
            .await?
        }
    };
    let mut out: Vec<ReportDeadline> = Vec::with_capacity(rows.len());
    for r in rows {
        // Rows of one period are next to each other, the earliest day first.
        if out
            .last()
            .is_some_and(|d| d.from == r.period_from && d.to == r.period_to)
        {
            continue;
        }
        out.push(ReportDeadline {
            id: r.id,
            due_on: Date::parse_iso(&r.due_on).map_err(|_| AppError::Internal)?,
            from: r.period_from,
            to: r.period_to,
            set_by: school_id.is_some().then_some(r.office),
        });
    }
    Ok(out)
}

/// The day an office set for a period, if it set one.
pub async fn deadline_due(
    conn: &mut AnyConnection,
    office_id: i64,
    from: Month,
    to: Month,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT due_on FROM report_deadline WHERE office_id = $1 AND period_from = $2 AND period_to = $3",
    )
    .bind(office_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_optional(conn)
    .await?)
}

/// Sets (or moves) an office's deadline for a period: its id.
pub async fn save_deadline(
    conn: &mut AnyConnection,
    office_id: i64,
    from: Month,
    to: Month,
    due: Date,
    now: UnixTime,
    by: StaffId,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO report_deadline (office_id, period_from, period_to, due_on, set_at, set_by) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (office_id, period_from, period_to) \
         DO UPDATE SET due_on = excluded.due_on, set_at = excluded.set_at, set_by = excluded.set_by \
         RETURNING id",
    )
    .bind(office_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(due.to_string())
    .bind(now)
    .bind(by)
    .fetch_one(conn)
    .await?)
}

/// A deadline's period and day, as `YYYY-MM`, `YYYY-MM` and an ISO date.
#[derive(sqlx::FromRow)]
pub struct DeadlinePeriod {
    pub period_from: String,
    pub period_to: String,
    pub due_on: String,
}

/// One of an office's deadlines; another office's is as unknown as one that never was.
pub async fn office_deadline(
    conn: &mut AnyConnection,
    id: i64,
    office_id: i64,
) -> Result<Option<DeadlinePeriod>, AppError> {
    Ok(sqlx::query_as(
        "SELECT period_from, period_to, due_on FROM report_deadline WHERE id = $1 AND office_id = $2",
    )
    .bind(id)
    .bind(office_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn delete_deadline(conn: &mut AnyConnection, id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM report_deadline WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

// ---- Submitted reports ----

const REPORT_SQL: &str = "SELECT r.id, r.school_id, sc.name AS school, \
    sc.office_id, (SELECT o.name FROM office o WHERE o.id = sc.office_id) AS office, r.period_from, r.period_to, r.note, \
    r.submitted_at, st.display_name AS submitted_by, r.status, r.return_comment, r.figures_json FROM school_report r \
    JOIN school sc ON sc.id = r.school_id JOIN staff st ON st.id = r.submitted_by";

#[derive(sqlx::FromRow)]
struct ReportRecord {
    id: i64,
    school_id: SchoolId,
    school: String,
    office_id: i64,
    office: String,
    period_from: String,
    period_to: String,
    note: String,
    submitted_at: i64,
    submitted_by: String,
    status: String,
    return_comment: Option<String>,
    figures_json: String,
}

impl From<ReportRecord> for ReportRow {
    fn from(r: ReportRecord) -> Self {
        ReportRow {
            id: r.id,
            school_id: r.school_id.get(),
            school: r.school,
            office_id: r.office_id,
            office: r.office,
            from: r.period_from,
            to: r.period_to,
            note: r.note,
            submitted_at: r.submitted_at,
            submitted_by: r.submitted_by,
            returned: r.status == "returned",
            return_comment: r.return_comment,
            figures: serde_json::from_str(&r.figures_json).unwrap_or_default(),
        }
    }
}

/// One submitted report, whoever asks (the caller checks who may see it).
pub async fn report(db: &Db, report_id: i64) -> Result<Option<ReportRow>, AppError> {
    let row: Option<ReportRecord> = sqlx::query_as(&format!("{REPORT_SQL} WHERE r.id = $1"))
        .bind(report_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(ReportRow::from))
}

/// When the school last reported on exactly this period, and when (if) the
/// office sent that report back.
pub async fn last_submission(
    db: &Db,
    school_id: SchoolId,
    from: Month,
    to: Month,
) -> Result<Option<(i64, Option<i64>)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT submitted_at, returned_at FROM school_report \
         WHERE school_id = $1 AND period_from = $2 AND period_to = $3 ORDER BY id DESC LIMIT 1",
    )
    .bind(school_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_optional(db)
    .await?)
}

/// What a school submits: the figures frozen as JSON, and its note.
pub struct NewReport<'a> {
    pub school_id: SchoolId,
    pub from: Month,
    pub to: Month,
    pub figures_json: &'a str,
    pub note: &'a str,
    pub at: UnixTime,
    pub by: StaffId,
}

/// Stores a submitted report: its id.
pub async fn insert_report(conn: &mut AnyConnection, r: &NewReport<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO school_report (school_id, period_from, period_to, figures_json, note, submitted_at, submitted_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(r.school_id)
    .bind(r.from.to_string())
    .bind(r.to.to_string())
    .bind(r.figures_json)
    .bind(r.note)
    .bind(r.at)
    .bind(r.by)
    .fetch_one(conn)
    .await?)
}

/// A school's reports, newest first.
pub async fn school_reports(db: &Db, school_id: SchoolId) -> Result<Vec<ReportRow>, AppError> {
    let rows: Vec<ReportRecord> = sqlx::query_as(&format!(
        "{REPORT_SQL} WHERE r.school_id = $1 ORDER BY r.id DESC"
    ))
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ReportRow::from).collect())
}

/// Every school the office supervises (by name) with its latest report for
/// exactly this period, if any.
pub async fn office_reports(
    db: &Db,
    office_id: i64,
    from: Month,
    to: Month,
) -> Result<Vec<(i64, String, Option<ReportRow>)>, AppError> {
    let schools: Vec<(SchoolId, String)> = sqlx::query_as(
        "SELECT id, name FROM school \
         WHERE id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1) ORDER BY name",
    )
    .bind(office_id)
    .fetch_all(db)
    .await?;
    let rows: Vec<ReportRecord> = sqlx::query_as(&format!(
        "{REPORT_SQL} WHERE sc.id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1) \
         AND r.period_from = $2 AND r.period_to = $3 ORDER BY r.id"
    ))
    .bind(office_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(db)
    .await?;
    let mut latest: BTreeMap<i64, ReportRow> = Default::default();
    for r in rows.into_iter().map(ReportRow::from) {
        latest.insert(r.school_id, r);
    }
    Ok(schools
        .into_iter()
        .map(|(id, name)| (id.get(), name, latest.remove(&id.get())))
        .collect())
}

/// The school a report is from, and the office it was sent to (the school's
/// own supervising office).
pub async fn report_school(db: &Db, report_id: i64) -> Result<Option<(SchoolId, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT r.school_id, sc.office_id FROM school_report r JOIN school sc ON sc.id = r.school_id \
         WHERE r.id = $1",
    )
    .bind(report_id)
    .fetch_optional(db)
    .await?)
}

/// The office sends a report back with a comment.
pub async fn mark_returned(
    conn: &mut AnyConnection,
    report_id: i64,
    at: UnixTime,
    by: StaffId,
    comment: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE school_report SET status = 'returned', returned_at = $1, returned_by = $2, return_comment = $3 WHERE id = $4",
    )
    .bind(at)
    .bind(by)
    .bind(comment)
    .bind(report_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// One submitted report, for the school or an office that supervises it.
pub async fn report_for(db: &Db, staff: &Staff, report_id: i64) -> Result<ReportRow, AppError> {
    let report = report(db, report_id).await?.ok_or(AppError::NotFound)?;
    // Figures are for the school's accountant and its offices, never its teachers
    // (as `school_office_reader` keeps them from the school's figures).
    if staff.role == crate::staff::Role::Teacher {
        return Err(AppError::Forbidden);
    }
    staff.check_read(db, SchoolId(report.school_id)).await?;
    Ok(report)
}

// ---- A month class by class ----

#[derive(sqlx::FromRow)]
struct ClassSum {
    class_name: String,
    invoices: i64,
    paid_in_full: i64,
    collected: Vnd,
    due: Vnd,
}

/// A month's collection class by class, in grade order.
pub async fn class_collection(
    db: &Db,
    school_id: SchoolId,

    month: Month,
) -> Result<Vec<ClassFigures>, AppError> {
    let rows: Vec<ClassSum> = sqlx::query_as(
        "SELECT c.name AS class_name, CAST(COUNT(*) AS BIGINT) AS invoices, \
                CAST(SUM(CASE WHEN p.paid >= i.total THEN 1 ELSE 0 END) AS BIGINT) AS paid_in_full, \
                CAST(SUM(CASE WHEN p.paid > i.total THEN i.total ELSE p.paid END) AS BIGINT) AS collected, \
                CAST(SUM(i.total) AS BIGINT) AS due \
         FROM invoice i JOIN class c ON c.id = i.class_id \
         JOIN (SELECT i2.id, CAST(COALESCE((SELECT SUM(a.amount) FROM payment_allocation a WHERE a.invoice_id = i2.id), 0) AS BIGINT) AS paid \
               FROM invoice i2 WHERE i2.school_id = $1 AND i2.period = $2) p ON p.id = i.id \
         WHERE i.school_id = $1 AND i.period = $2 AND i.voided_at IS NULL GROUP BY c.name",
    )
    .bind(school_id)
    .bind(month.to_string())
    .fetch_all(db)
    .await?;
    let mut out: Vec<ClassFigures> = rows
        .into_iter()
        .map(|r| ClassFigures {
            class_name: r.class_name,
            invoices: r.invoices,
            paid_in_full: r.paid_in_full,
            collected: r.collected,
            due: r.due,
        })
        .collect();
    out.sort_by(|a, b| crate::domain::collate::class_cmp(&a.class_name, &b.class_name));
    Ok(out)
}
