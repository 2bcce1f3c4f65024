//! The supervising office's dashboard and a school's own: for a period of months,
//! each school's readiness and figures, and the office's total.

use crate::error::AppError;
pub use crate::staff::{
    ClassFigures, Dashboard, MonthPoint, ReportDeadline, ReportRow, SchoolFigures,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Every school the officer's office supervises, for the months `from..=to` (`YYYY-MM`).
#[server(prefix = "/rpc", endpoint = "dashboard/office", input = Json)]
pub async fn office_dashboard(from: String, to: String) -> Result<Dashboard, AppError> {
    use crate::server::reports;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let (f, t) = reports::period(&from, &to)?;
    let ids = crate::server::auth::supervised_schools(&state.db, staff.office_id).await?;
    let mut schools = reports::school_figures(&state.db, &ids, f, t).await?;
    // Vietnamese alphabetical order, on screen and in the export.
    schools.sort_by(|a, b| crate::domain::collate::text_cmp(&a.name, &b.name));
    let total = crate::domain::report::Figures::total(schools.iter().map(|s| &s.figures));
    let office = reports::office_name(&state.db, staff.office_id).await?;
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
    use crate::server::reports;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    let (f, t) = if from.trim().is_empty() && to.trim().is_empty() {
        let month = crate::domain::date::Month::of(state.clock.today());
        (month, month)
    } else {
        reports::period(&from, &to)?
    };
    reports::school_figures(&state.db, &[school_id], f, t)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The office's totals month by month, `from..=to`.
#[server(prefix = "/rpc", endpoint = "dashboard/months", input = Json)]
pub async fn office_months(from: String, to: String) -> Result<Vec<MonthPoint>, AppError> {
    use crate::server::reports;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let (mut m, t) = reports::period(&from, &to)?;
    let ids = crate::server::auth::supervised_schools(&state.db, staff.office_id).await?;
    let mut out = Vec::new();
    for _ in 0..36 {
        let by_school = reports::figures(&state.db, &ids, m, m).await?;
        out.push(MonthPoint {
            month: m.to_string(),
            figures: crate::domain::report::Figures::total(by_school.values()),
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

/// The reporting calendar of the staff member's office, newest period first,
/// with today by the server's clock (standings are read against it, not
/// against a computer's clock): the office sets it, its schools read it.
#[server(prefix = "/rpc", endpoint = "reports/calendar", input = Json)]
pub async fn report_calendar() -> Result<(crate::domain::date::Date, Vec<ReportDeadline>), AppError>
{
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    let calendar =
        crate::server::reports::calendar(&state.db, staff.office_id, staff.school_id).await?;
    Ok((state.clock.today(), calendar))
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
    use crate::server::reports;
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
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let before = reports::deadline_due(&mut tx, staff.office_id, f, t).await?;
    let id = reports::save_deadline(&mut tx, staff.office_id, f, t, due, now, staff.id).await?;
    let period = |due_on: String| serde_json::json!({"from": f.to_string(), "to": t.to_string(), "due_on": due_on});
    let mut entry = crate::server::audit::Entry::at_office(
        if before.is_some() { "update" } else { "create" },
        "report_deadline",
        id,
    )
    .after(period(due.to_string()));
    if let Some(was) = before {
        entry = entry.before(period(was));
    }
    crate::server::audit::by_staff(&mut tx, &state, &staff, entry).await?;
    tx.commit().await?;
    Ok(ReportDeadline {
        id,
        from: f.to_string(),
        to: t.to_string(),
        due_on: due,
        set_by: None,
    })
}

/// The office takes a period off its calendar (set by mistake): reports already
/// submitted for it stay; only the deadline goes, audited.
#[server(prefix = "/rpc", endpoint = "reports/calendar/remove", input = Json)]
pub async fn remove_report_deadline(id: i64) -> Result<(), AppError> {
    use crate::server::reports;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    // Another office's deadline is as unknown as one that never was.
    let deadline = reports::office_deadline(&mut tx, id, staff.office_id)
        .await?
        .ok_or(AppError::NotFound)?;
    reports::delete_deadline(&mut tx, id).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_office("remove", "report_deadline", id).before(
            serde_json::json!({"from": deadline.period_from, "to": deadline.period_to, "due_on": deadline.due_on}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
    use crate::server::reports;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    staff.require(crate::staff::Role::Accountant)?;
    let (f, t) = reports::period(&from, &to)?;
    let last = reports::last_submission(&state.db, school_id, f, t).await?;
    if let Some((submitted_at, None)) = last {
        if !replace {
            return Err(AppError::ReportAlreadySubmitted { submitted_at });
        }
    }
    let note = crate::domain::validate::free_text(&note, 0, 2000)
        .ok_or(AppError::InvalidInput(crate::error::Field::Message))?;
    let figures = reports::figures(&state.db, &[school_id], f, t)
        .await?
        .remove(&school_id)
        .unwrap_or_default();
    let json = serde_json::to_string(&figures).map_err(|_| AppError::Internal)?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let id = reports::insert_report(
        &mut tx,
        &reports::NewReport {
            school_id,
            from: f,
            to: t,
            figures_json: &json,
            note: &note,
            at: now,
            by: staff.id,
        },
    )
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
    // Just written: found unless the database lost it.
    reports::report(&state.db, id)
        .await?
        .ok_or(AppError::Internal)
}

/// A school's reports, newest first.
#[server(prefix = "/rpc", endpoint = "reports/school", input = Json)]
pub async fn school_reports(school_id: i64) -> Result<Vec<ReportRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    crate::server::reports::school_reports(&state.db, school_id).await
}

/// For the office: every school it supervises with its latest report for exactly this period, if any.
#[server(prefix = "/rpc", endpoint = "reports/office", input = Json)]
pub async fn office_reports(
    from: String,
    to: String,
) -> Result<Vec<(i64, String, Option<ReportRow>)>, AppError> {
    use crate::server::reports;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let (f, t) = reports::period(&from, &to)?;
    reports::office_reports(&state.db, staff.office_id, f, t).await
}

/// The office sends a report back to the school with a comment.
#[server(prefix = "/rpc", endpoint = "reports/return", input = Json)]
pub async fn return_report(report_id: i64, comment: String) -> Result<(), AppError> {
    use crate::server::reports;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let comment = crate::domain::validate::free_text(&comment, 5, 2000)
        .ok_or(AppError::InvalidInput(crate::error::Field::Message))?;
    let (school_id, addressee) = reports::report_school(&state.db, report_id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.check_read(&state.db, school_id).await?;
    // Only the office the report was sent to sends it back: the Department
    // reads a ward's schools, but does not overrule the ward on their reports.
    if staff.office_id != addressee {
        return Err(AppError::Forbidden);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    reports::mark_returned(
        &mut tx,
        report_id,
        state.clock.now_time(),
        staff.id,
        &comment,
    )
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

/// One submitted report as an .xlsx file (base64), for the school or its office.
#[server(prefix = "/rpc", endpoint = "reports/export", input = Json)]
pub async fn export_report(report_id: i64) -> Result<String, AppError> {
    use base64::Engine;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    let report = crate::server::reports::report_for(&state.db, &staff, report_id).await?;
    let bytes = crate::server::xlsx_export::school_report(&report).map_err(|e| {
        tracing::error!("xlsx export: {e}");
        AppError::Internal
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A month's collection class by class (grade order), for the accountant's
/// home: which classes to remind. `period` empty: this month.
#[server(prefix = "/rpc", endpoint = "dashboard/classes", input = Json)]
pub async fn class_collection(
    school_id: i64,
    period: String,
) -> Result<Vec<ClassFigures>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_office_reader(school_id).await?;
    // Empty: the current month by the server's clock (a phone's may be wrong).
    let month = match period.trim() {
        "" => crate::domain::date::Month::of(state.clock.today()),
        p => crate::domain::date::Month::parse(p)
            .map_err(|_| AppError::InvalidInput(crate::error::Field::Period))?,
    };
    crate::server::reports::class_collection(&state.db, school_id, month).await
}
