//! The supervising office's dashboard and a school's own: for a period of months,
//! each school's readiness and figures, and the office's total.

use crate::domain::report::Figures;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolFigures {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Cashless methods declared and configured (the plan asks for 3 of 4).
    pub cashless_ready: usize,
    /// Contact people named for parents.
    pub contacts: i64,
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    pub schools: Vec<SchoolFigures>,
    pub total: Figures,
    /// The office whose schools these are, and the day the figures were read
    /// (the server's clock): what a printed or exported copy is headed with.
    pub office: String,
    pub read_on: crate::domain::date::Date,
}

#[cfg(feature = "ssr")]
pub(crate) fn period(
    from: &str,
    to: &str,
) -> Result<(crate::domain::date::Month, crate::domain::date::Month), AppError> {
    use crate::domain::date::Month;
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

/// Every school the officer's office supervises, for the months `from..=to` (`YYYY-MM`).
#[server(prefix = "/rpc", endpoint = "dashboard/office", input = Json)]
pub async fn office_dashboard(from: String, to: String) -> Result<Dashboard, AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let (f, t) = period(&from, &to)?;
    let ids = crate::server::auth::supervised_schools(&state.db, staff.office_id).await?;
    let mut schools = crate::server::report_queries::school_figures(&state.db, &ids, f, t).await?;
    // Vietnamese alphabetical order, on screen and in the export.
    schools.sort_by(|a, b| crate::domain::collate::text_cmp(&a.name, &b.name));
    let total = Figures::total(schools.iter().map(|s| &s.figures));
    let (office,): (String,) = sqlx::query_as("SELECT name FROM office WHERE id = $1")
        .bind(staff.office_id)
        .fetch_one(&state.db)
        .await?;
    Ok(Dashboard {
        from,
        to,
        schools,
        total,
        office,
        read_on: state.clock.today(),
    })
}

/// One school's figures, for its accountant (and its supervising offices).
/// `from` and `to` both empty: this month, by the server's clock (a phone's
/// clock may be wrong).
#[server(prefix = "/rpc", endpoint = "dashboard/school", input = Json)]
pub async fn school_dashboard(
    school_id: i64,
    from: String,
    to: String,
) -> Result<SchoolFigures, AppError> {
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    let (f, t) = if from.trim().is_empty() && to.trim().is_empty() {
        let month = crate::domain::date::Month::of(state.clock.today());
        (month, month)
    } else {
        period(&from, &to)?
    };
    crate::server::report_queries::school_figures(&state.db, &[school_id], f, t)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The office's total for one month of a series (for the charts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthPoint {
    pub month: String,
    pub figures: Figures,
}

/// The office's totals month by month, `from..=to`.
#[server(prefix = "/rpc", endpoint = "dashboard/months", input = Json)]
pub async fn office_months(from: String, to: String) -> Result<Vec<MonthPoint>, AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let (mut m, t) = period(&from, &to)?;
    let ids = crate::server::auth::supervised_schools(&state.db, staff.office_id).await?;
    let mut out = Vec::new();
    for _ in 0..36 {
        let by_school = crate::server::report_queries::figures(&state.db, &ids, m, m).await?;
        out.push(MonthPoint {
            month: m.to_string(),
            figures: Figures::total(by_school.values()),
        });
        if m >= t {
            break;
        }
        m = m.next();
    }
    Ok(out)
}

/// The dashboard as an .xlsx file (base64): Vietnamese headers, formatted numbers.
#[server(prefix = "/rpc", endpoint = "dashboard/export", input = Json)]
pub async fn export_dashboard(from: String, to: String) -> Result<String, AppError> {
    use base64::Engine;
    let dashboard = office_dashboard(from, to).await?;
    let bytes = crate::server::xlsx_export::dashboard(&dashboard).map_err(|e| {
        tracing::error!("xlsx export: {e}");
        AppError::Internal
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A school's report to its supervising office: a frozen copy of the figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    pub school_id: i64,
    pub school: String,
    /// The office it is sent to: the school's own supervising office.
    pub office: String,
    pub from: String,
    pub to: String,
    pub note: String,
    pub submitted_at: i64,
    pub submitted_by: String,
    pub returned: bool,
    pub return_comment: Option<String>,
    pub figures: Figures,
}

/// A period the office asks its schools to report on, and the last day to submit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDeadline {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub due_on: crate::domain::date::Date,
}

/// The reporting calendar of the staff member's office, newest period first,
/// with today by the server's clock (standings are read against it, not
/// against a computer's clock): the office sets it, its schools read it.
#[server(prefix = "/rpc", endpoint = "reports/calendar", input = Json)]
pub async fn report_calendar() -> Result<(crate::domain::date::Date, Vec<ReportDeadline>), AppError>
{
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    Ok((state.clock.today(), calendar_of(&state.db, &staff).await?))
}

#[cfg(feature = "ssr")]
async fn calendar_of(
    db: &crate::server::state::Db,
    staff: &crate::server::auth::Staff,
) -> Result<Vec<ReportDeadline>, AppError> {
    // An officer sees (and edits) their own office's calendar. A school reads the
    // calendars of every office above it (its commune and the Department): for a
    // period both set, the earlier day is the one to meet (ISO dates sort as text).
    let rows: Vec<(i64, String, String, String)> = match staff.school_id {
        None => {
            sqlx::query_as(
                "SELECT id, period_from, period_to, due_on FROM report_deadline WHERE office_id = $1 \
                 ORDER BY period_to DESC, period_from DESC",
            )
            .bind(staff.office_id)
            .fetch_all(db)
            .await?
        }
        Some(school_id) => {
            sqlx::query_as(
                "SELECT MIN(id), period_from, period_to, MIN(due_on) FROM report_deadline \
                 WHERE office_id IN (SELECT os.office_id FROM office_school os WHERE os.school_id = $1) \
                 GROUP BY period_from, period_to ORDER BY period_to DESC, period_from DESC",
            )
            .bind(school_id)
            .fetch_all(db)
            .await?
        }
    };
    rows.into_iter()
        .map(|(id, from, to, due_on)| {
            Ok(ReportDeadline {
                id,
                from,
                to,
                due_on: crate::domain::date::Date::parse_iso(&due_on)
                    .map_err(|_| AppError::Internal)?,
            })
        })
        .collect()
}

/// The office sets (or moves) the deadline of a period, typed as people type
/// it (`05/12/2026`). A deadline before the period ends is refused: a typo.
#[server(prefix = "/rpc", endpoint = "reports/calendar/set", input = Json)]
pub async fn set_report_deadline(
    from: String,
    to: String,
    due_on: String,
) -> Result<ReportDeadline, AppError> {
    use crate::domain::date::{Date, Month};
    use crate::error::Field;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let (f, t) = match (Month::parse_typed(&from), Month::parse_typed(&to)) {
        (Ok(f), Ok(t)) if f <= t => (f, t),
        _ => return Err(AppError::InvalidInput(Field::Period)),
    };
    // Bounded before it is split: "05/12/2026" and its typed variants are short.
    if due_on.len() > 32 {
        return Err(AppError::InvalidInput(Field::ReportDue));
    }
    let due = Date::parse_dmy(due_on.trim())
        .or_else(|_| Date::parse_iso(due_on.trim()))
        .map_err(|_| AppError::InvalidInput(Field::ReportDue))?;
    let period_end = t.next().first_day().add_days(-1);
    if due <= period_end || due > period_end.add_days(366) {
        return Err(AppError::InvalidInput(Field::ReportDue));
    }
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let before: Option<(String,)> = sqlx::query_as(
        "SELECT due_on FROM report_deadline WHERE office_id = $1 AND period_from = $2 AND period_to = $3",
    )
    .bind(staff.office_id)
    .bind(f.to_string())
    .bind(t.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO report_deadline (office_id, period_from, period_to, due_on, set_at, set_by) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (office_id, period_from, period_to) \
         DO UPDATE SET due_on = excluded.due_on, set_at = excluded.set_at, set_by = excluded.set_by \
         RETURNING id",
    )
    .bind(staff.office_id)
    .bind(f.to_string())
    .bind(t.to_string())
    .bind(due.to_string())
    .bind(now)
    .bind(staff.id)
    .fetch_one(&mut *tx)
    .await?;
    let period = |due_on: String| serde_json::json!({"from": f.to_string(), "to": t.to_string(), "due_on": due_on});
    let mut entry = crate::server::audit::Entry::at_office(
        if before.is_some() { "update" } else { "create" },
        "report_deadline",
        id,
    )
    .after(period(due.to_string()));
    if let Some((was,)) = before {
        entry = entry.before(period(was));
    }
    crate::server::audit::by_staff(&mut tx, &state, &staff, entry).await?;
    tx.commit().await?;
    Ok(ReportDeadline {
        id,
        from: f.to_string(),
        to: t.to_string(),
        due_on: due,
    })
}

/// The office takes a period off its calendar (set by mistake): reports already
/// submitted for it stay; only the deadline goes, audited.
#[server(prefix = "/rpc", endpoint = "reports/calendar/remove", input = Json)]
pub async fn remove_report_deadline(id: i64) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    // Another office's deadline is as unknown as one that never was.
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT period_from, period_to, due_on FROM report_deadline WHERE id = $1 AND office_id = $2",
    )
    .bind(id)
    .bind(staff.office_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (from, to, due_on) = row.ok_or(AppError::NotFound)?;
    sqlx::query("DELETE FROM report_deadline WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_office("remove", "report_deadline", id)
            .before(serde_json::json!({"from": from, "to": to, "due_on": due_on})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(feature = "ssr")]
const REPORT_SQL: &str =
    "SELECT r.id, r.school_id, sc.name, (SELECT o.name FROM office o WHERE o.id = sc.office_id), r.period_from, r.period_to, r.note, r.submitted_at, \
    st.display_name, r.status, r.return_comment, r.figures_json FROM school_report r \
    JOIN school sc ON sc.id = r.school_id JOIN staff st ON st.id = r.submitted_by";

#[cfg(feature = "ssr")]
type ReportT = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
);

#[cfg(feature = "ssr")]
fn report_row(r: ReportT) -> ReportRow {
    let (
        id,
        school_id,
        school,
        office,
        from,
        to,
        note,
        submitted_at,
        submitted_by,
        status,
        return_comment,
        json,
    ) = r;
    ReportRow {
        id,
        school_id,
        school,
        office,
        from,
        to,
        note,
        submitted_at,
        submitted_by,
        returned: status == "returned",
        return_comment,
        figures: serde_json::from_str(&json).unwrap_or_default(),
    }
}

/// The accountant submits the period's report: the figures as they are now,
/// frozen, and a note. A period already reported is refused unless `replace`
/// says to replace it (the office then sees the newer one; the older stays in
/// the history), or the office sent the last one back, which asks for exactly that.
#[server(prefix = "/rpc", endpoint = "reports/submit", input = Json)]
pub async fn submit_report(
    school_id: i64,
    from: String,
    to: String,
    note: String,
    #[server(default)] replace: bool,
) -> Result<ReportRow, AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    staff.require(crate::staff::Role::Accountant)?;
    let (f, t) = period(&from, &to)?;
    let last: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT submitted_at, returned_at FROM school_report \
         WHERE school_id = $1 AND period_from = $2 AND period_to = $3 ORDER BY id DESC LIMIT 1",
    )
    .bind(school_id)
    .bind(f.to_string())
    .bind(t.to_string())
    .fetch_optional(&state.db)
    .await?;
    if let Some((submitted_at, None)) = last {
        if !replace {
            return Err(AppError::ReportAlreadySubmitted { submitted_at });
        }
    }
    let note = crate::domain::validate::free_text(&note, 0, 2000)
        .ok_or(AppError::InvalidInput(crate::error::Field::Message))?;
    let figures = crate::server::report_queries::figures(&state.db, &[school_id], f, t)
        .await?
        .remove(&school_id)
        .unwrap_or_default();
    let json = serde_json::to_string(&figures).map_err(|_| AppError::Internal)?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO school_report (school_id, period_from, period_to, figures_json, note, submitted_at, submitted_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(school_id)
    .bind(f.to_string())
    .bind(t.to_string())
    .bind(&json)
    .bind(&note)
    .bind(now)
    .bind(staff.id)
    .fetch_one(&mut *tx)
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "submit", "school_report", id)
            .after(serde_json::json!({"from": f.to_string(), "to": t.to_string(), "note": note})),
    )
    .await?;
    tx.commit().await?;
    let row: ReportT = sqlx::query_as(&format!("{REPORT_SQL} WHERE r.id = $1"))
        .bind(id)
        .fetch_one(&state.db)
        .await?;
    Ok(report_row(row))
}

/// A school's reports, newest first.
#[server(prefix = "/rpc", endpoint = "reports/school", input = Json)]
pub async fn school_reports(school_id: i64) -> Result<Vec<ReportRow>, AppError> {
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    let rows: Vec<ReportT> = sqlx::query_as(&format!(
        "{REPORT_SQL} WHERE r.school_id = $1 ORDER BY r.id DESC"
    ))
    .bind(school_id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows.into_iter().map(report_row).collect())
}

/// For the office: every school it supervises with its latest report for exactly this period, if any.
#[server(prefix = "/rpc", endpoint = "reports/office", input = Json)]
pub async fn office_reports(
    from: String,
    to: String,
) -> Result<Vec<(i64, String, Option<ReportRow>)>, AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let (f, t) = period(&from, &to)?;
    let schools: Vec<(i64, String)> =
        sqlx::query_as(
            "SELECT id, name FROM school \
             WHERE id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1) ORDER BY name",
        )
            .bind(staff.office_id)
            .fetch_all(&state.db)
            .await?;
    let rows: Vec<ReportT> = sqlx::query_as(&format!(
        "{REPORT_SQL} WHERE sc.id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1) \
         AND r.period_from = $2 AND r.period_to = $3 ORDER BY r.id"
    ))
    .bind(staff.office_id)
    .bind(f.to_string())
    .bind(t.to_string())
    .fetch_all(&state.db)
    .await?;
    let mut latest: std::collections::BTreeMap<i64, ReportRow> = Default::default();
    for r in rows.into_iter().map(report_row) {
        latest.insert(r.school_id, r);
    }
    Ok(schools
        .into_iter()
        .map(|(id, name)| (id, name, latest.remove(&id)))
        .collect())
}

/// The office sends a report back to the school with a comment.
#[server(prefix = "/rpc", endpoint = "reports/return", input = Json)]
pub async fn return_report(report_id: i64, comment: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let comment = crate::domain::validate::free_text(&comment, 5, 2000)
        .ok_or(AppError::InvalidInput(crate::error::Field::Message))?;
    let (school_id,): (i64,) = sqlx::query_as("SELECT school_id FROM school_report WHERE id = $1")
        .bind(report_id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.check_read(&state.db, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query(
        "UPDATE school_report SET status = 'returned', returned_at = $1, returned_by = $2, return_comment = $3 WHERE id = $4",
    )
    .bind(state.clock.now())
    .bind(staff.id)
    .bind(&comment)
    .bind(report_id)
    .execute(&mut *tx)
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "return", "school_report", report_id)
            .after(serde_json::json!({"comment": comment})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One submitted report, for the school or an office that supervises it.
#[cfg(feature = "ssr")]
pub async fn report_for(
    db: &crate::server::state::Db,
    staff: &crate::server::auth::Staff,
    report_id: i64,
) -> Result<ReportRow, AppError> {
    let row: ReportT = sqlx::query_as(&format!("{REPORT_SQL} WHERE r.id = $1"))
        .bind(report_id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let report = report_row(row);
    // Figures are for the school's accountant and its offices, never its teachers
    // (as `school_office_reader` keeps them from the school's figures).
    if staff.role == crate::staff::Role::Teacher {
        return Err(AppError::Forbidden);
    }
    staff.check_read(db, report.school_id).await?;
    Ok(report)
}

/// One submitted report as an .xlsx file (base64), for the school or its office.
#[server(prefix = "/rpc", endpoint = "reports/export", input = Json)]
pub async fn export_report(report_id: i64) -> Result<String, AppError> {
    use base64::Engine;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    let report = report_for(&state.db, &staff, report_id).await?;
    let bytes = crate::server::xlsx_export::school_report(&report).map_err(|e| {
        tracing::error!("xlsx export: {e}");
        AppError::Internal
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A class's collection for one month: how many invoices, how many paid in
/// full, collected of due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassFigures {
    pub class_name: String,
    pub invoices: i64,
    pub paid_in_full: i64,
    pub collected: crate::domain::money::Vnd,
    pub due: crate::domain::money::Vnd,
}

/// A month's collection class by class (grade order), for the accountant's
/// home: which classes to remind. `period` empty: this month.
#[server(prefix = "/rpc", endpoint = "dashboard/classes", input = Json)]
pub async fn class_collection(
    school_id: i64,
    period: String,
) -> Result<Vec<ClassFigures>, AppError> {
    use crate::domain::money::Vnd;
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    // Empty: the current month by the server's clock (a phone's may be wrong).
    let month = match period.trim() {
        "" => crate::domain::date::Month::of(state.clock.today()),
        p => crate::domain::date::Month::parse(p)
            .map_err(|_| AppError::InvalidInput(crate::error::Field::Period))?,
    };
    let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT c.name, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN p.paid >= i.total THEN 1 ELSE 0 END) AS BIGINT), \
                CAST(SUM(CASE WHEN p.paid > i.total THEN i.total ELSE p.paid END) AS BIGINT), CAST(SUM(i.total) AS BIGINT) \
         FROM invoice i JOIN class c ON c.id = i.class_id \
         JOIN (SELECT i2.id, CAST(COALESCE((SELECT SUM(a.amount) FROM payment_allocation a WHERE a.invoice_id = i2.id), 0) AS BIGINT) AS paid \
               FROM invoice i2 WHERE i2.school_id = $1 AND i2.period = $2) p ON p.id = i.id \
         WHERE i.school_id = $1 AND i.period = $2 AND i.voided_at IS NULL GROUP BY c.name",
    )
    .bind(school_id)
    .bind(month.to_string())
    .fetch_all(&state.db)
    .await?;
    let mut out: Vec<ClassFigures> = rows
        .into_iter()
        .map(
            |(class_name, invoices, paid_in_full, collected, due)| ClassFigures {
                class_name,
                invoices,
                paid_in_full,
                collected: Vnd::new(collected),
                due: Vnd::new(due),
            },
        )
        .collect();
    out.sort_by(|a, b| crate::domain::collate::class_cmp(&a.class_name, &b.class_name));
    Ok(out)
}
