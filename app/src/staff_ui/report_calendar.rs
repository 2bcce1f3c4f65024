//! The reporting calendar: the office sets which periods its schools report on
//! and by when; the office reads each school's standing against a deadline
//! (not against whatever range its dashboard shows), and a school sees its
//! deadlines, and a report sent back, at the top of its figures.

use super::tr;
use super::widgets::*;
use crate::api::dashboard::{
    remove_report_deadline, report_calendar, set_report_deadline, ReportDeadline, ReportRow,
};
use crate::domain::date::{period_words, Date};
use crate::domain::report::{deadline_to_show, standing, Standing};
use leptos::prelude::*;

/// "tháng 11/2026 · hạn 05/12/2026"
pub fn deadline_label(d: &ReportDeadline) -> String {
    let by = d
        .set_by
        .as_ref()
        .map(|office| {
            format!(" ({} {office} {})", tr("do", "set by"), tr("đặt", "")).replace(" )", ")")
        })
        .unwrap_or_default();
    format!(
        "{} · {} {}{by}",
        period_words(&d.from, &d.to, tr),
        tr("hạn", "due"),
        d.due_on.dmy()
    )
}

/// What the calendar call gives: today by the server's clock, and the deadlines.
pub type Calendar = LocalResource<Result<(Date, Vec<ReportDeadline>), crate::error::AppError>>;

/// The deadline shown first: the next one to come, else the newest.
pub fn default_deadline(list: &[ReportDeadline], today: Date) -> Option<ReportDeadline> {
    let dues: Vec<(usize, Date)> = list.iter().map(|d| d.due_on).enumerate().collect();
    deadline_to_show(&dues, today).map(|i| list[i].clone())
}

/// A school's standing for a deadline, from its latest report for that period.
pub fn standing_of(report: Option<&ReportRow>, due: Date, today: Date) -> Standing {
    standing(
        report.map(|r| (Date::in_vietnam(r.submitted_at), r.returned)),
        due,
        today,
    )
}

/// The standing in words, with its colour.
#[component]
pub fn StandingBadge(standing: Standing) -> impl IntoView {
    let (class, text) = match standing {
        Standing::OnTime => (
            "bg-green-100 text-green-900",
            tr("đã nộp đúng hạn", "submitted on time").to_string(),
        ),
        Standing::Late { days } => (
            "bg-amber-100 text-amber-950",
            format!(
                "{} {days} {}",
                tr("nộp trễ", "submitted"),
                tr("ngày", "days late")
            ),
        ),
        Standing::SentBack => (
            "bg-amber-100 text-amber-950",
            tr(
                "bị gửi trả, chờ nộp lại",
                "sent back, awaiting resubmission",
            )
            .to_string(),
        ),
        Standing::Due => (
            "bg-sky-100 text-sky-900",
            tr("chưa nộp, còn hạn", "not yet submitted, not yet due").to_string(),
        ),
        Standing::Overdue { days } => (
            "bg-red-100 text-red-900",
            format!(
                "{} {days} {}",
                tr("quá hạn", "overdue by"),
                tr("ngày, chưa nộp", "days, not submitted")
            ),
        ),
    };
    view! { <span class=format!("ml-2 inline-block rounded px-2 py-0.5 text-sm font-semibold {class}") data-testid="report-standing">{text}</span> }
}

/// The office's calendar: its deadlines to pick from, and a form to add or move one.
#[component]
pub fn CalendarEditor(
    calendar: Calendar,
    chosen: RwSignal<Option<ReportDeadline>>,
) -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let pending = OneAtATime::new();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (f, t, d) = (
            from.get_untracked(),
            to.get_untracked(),
            due.get_untracked(),
        );
        let t = if t.trim().is_empty() { f.clone() } else { t };
        pending.run(async move {
            match set_report_deadline(f, t, d).await {
                Ok(saved) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {}",
                        tr("Đã lưu lịch báo cáo:", "Reporting calendar saved:"),
                        deadline_label(&saved)
                    ))));
                    chosen.set(Some(saved));
                    calendar.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <div class="mt-2" data-testid="report-calendar">
            <h3 class="text-base font-semibold">{tr("Lịch báo cáo", "Reporting calendar")}</h3>
            {move || calendar.get().and_then(Result::ok).map(|(_, list)| {
                if list.is_empty() {
                    view! { <p class="text-sm text-gray-700">{tr(
                        "Chưa đặt kỳ báo cáo nào: danh sách dưới đây theo khoảng thời gian đang xem ở trên. Đặt kỳ và hạn nộp để biết trường nào nộp đúng hạn.",
                        "No reporting period set: the list below follows the range shown above. Set periods and deadlines to see who reported on time.")}</p> }.into_any()
                } else {
                    view! {
                        <div class="mt-1 flex flex-wrap gap-2" role="group" aria-label=tr("Kỳ báo cáo", "Reporting period")>
                            {list.into_iter().map(|d| {
                                let label = deadline_label(&d);
                                let id = d.id;
                                view! {
                                    <button type="button" class="min-h-11 rounded-lg border-2 border-teal-800 px-3 text-sm font-semibold text-teal-900 aria-pressed:bg-teal-800 aria-pressed:text-white"
                                        aria-pressed=move || (chosen.get().map(|c| c.id) == Some(id)).to_string()
                                        on:click=move |_| chosen.set(Some(d.clone()))>
                                        {label}
                                    </button>
                                }
                            }).collect_view()}
                            <button type="button" class="min-h-11 rounded-lg border-2 border-gray-400 px-3 text-sm text-gray-800 aria-pressed:bg-gray-700 aria-pressed:text-white"
                                aria-pressed=move || chosen.get().is_none().to_string()
                                on:click=move |_| chosen.set(None)>
                                {tr("Theo khoảng đang xem ở trên", "The range shown above")}
                            </button>
                        </div>
                    }.into_any()
                }
            })}
            // A period set by mistake comes off the calendar (its reports stay).
            {move || chosen.get().map(|d| {
                let label = deadline_label(&d);
                let remove = move |_| {
                    let (id, label) = (d.id, label.clone());
                    pending.run(async move {
                        match remove_report_deadline(id).await {
                            Ok(()) => {
                                outcome.set(Some(Outcome::Done(format!("{} {label}", tr("Đã bỏ khỏi lịch báo cáo:", "Taken off the calendar:")))));
                                chosen.set(None);
                                calendar.refetch();
                            }
                            Err(e) => outcome.set(Some(Outcome::Failed(e))),
                        }
                    });
                };
                view! {
                    <button type="button" class=format!("{BUTTON_QUIET} mt-2") prop:disabled=move || pending.busy() on:click=remove>
                        {tr("Bỏ kỳ đang chọn khỏi lịch", "Take the chosen period off the calendar")}
                    </button>
                }
            })}
            <form class="mt-2 flex flex-wrap items-end gap-3" on:submit=save>
                <div><Field id="deadline-from" label=tr("Kỳ từ tháng", "Period from") value=from hint=tr("Ví dụ 11/2026", "E.g. 11/2026")/></div>
                <div><Field id="deadline-to" label=tr("Đến tháng (nếu nhiều tháng)", "To (if several months)") value=to/></div>
                <div><Field id="deadline-due" label=tr("Hạn nộp", "Deadline") value=due hint=tr("ngày/tháng/năm, ví dụ 05/12/2026", "day/month/year, e.g. 05/12/2026")/></div>
                <button type="submit" class=BUTTON prop:disabled=move || pending.busy()>{tr("Lưu lịch", "Save")}</button>
            </form>
            <OutcomeNotice outcome/>
        </div>
    }
}

/// On a school's figures: a report the office sent back, first, with its
/// comment; then the office's deadlines, each with the school's standing and a
/// way to pick its period for submitting.
#[component]
pub fn SchoolDeadlines(
    reports: LocalResource<Result<Vec<ReportRow>, crate::error::AppError>>,
    from: RwSignal<String>,
    to: RwSignal<String>,
) -> impl IntoView {
    let calendar = LocalResource::new(report_calendar);
    // The latest report of a period (reports arrive newest first).
    let latest_for = move |f: &str, t: &str| {
        reports
            .get()
            .and_then(Result::ok)
            .and_then(|rows| rows.into_iter().find(|r| r.from == f && r.to == t))
    };
    // Opened for the first time, the figures show the period still to report
    // (sent back, due or overdue, the earliest deadline first), not this month.
    let picked = StoredValue::new(false);
    Effect::new(move |_| {
        let (Some(Ok((today, list))), Some(Ok(rows))) = (calendar.get(), reports.get()) else {
            return;
        };
        if picked.get_value() {
            return;
        }
        picked.set_value(true);
        let to_report = list
            .iter()
            .filter(|d| {
                let report = rows.iter().find(|r| r.from == d.from && r.to == d.to);
                !matches!(
                    standing_of(report, d.due_on, today),
                    Standing::OnTime | Standing::Late { .. }
                )
            })
            .min_by_key(|d| d.due_on);
        if let Some(d) = to_report {
            from.set(d.from.clone());
            to.set(d.to.clone());
        }
    });
    let sent_back = move || {
        reports.get().and_then(Result::ok).and_then(|rows| {
            // A period's newest report decides: sent back and not submitted again.
            let mut seen = std::collections::HashSet::new();
            rows.into_iter()
                .filter(|r| seen.insert((r.from.clone(), r.to.clone())))
                .find(|r| r.returned)
        })
    };
    view! {
        {move || sent_back().map(|r| view! {
            <div role="alert" class="mt-3 rounded-lg border-2 border-amber-500 bg-amber-50 p-3 text-amber-950" data-testid="report-sent-back">
                <p class="font-semibold">{format!("{} {}", tr("Cơ quan quản lý đã gửi trả báo cáo", "The office sent back the report for"), period_words(&r.from, &r.to, tr))}</p>
                {r.return_comment.clone().map(|c| view! { <p class="mt-1">{format!("“{c}”")}</p> })}
                <p class="mt-1 text-sm">{tr("Sửa số liệu theo ý kiến trên, rồi chọn kỳ này và nộp lại.", "Fix the figures as asked, then pick this period and submit again.")}</p>
            </div>
        })}
        {move || calendar.get().and_then(Result::ok).filter(|(_, l)| !l.is_empty()).map(|(today, list)| view! {
            <div class="mt-3" data-testid="school-deadlines">
                <h3 class="text-base font-semibold">{tr("Lịch báo cáo của cơ quan quản lý", "The office's reporting calendar")}</h3>
                <ul class="mt-1 divide-y divide-gray-100">
                    {list.into_iter().take(6).map(|d| {
                        let report = latest_for(&d.from, &d.to);
                        let (f, t) = (d.from.clone(), d.to.clone());
                        view! {
                            <li class="flex flex-wrap items-center justify-between gap-2 py-1">
                                <span>{deadline_label(&d)}<StandingBadge standing=standing_of(report.as_ref(), d.due_on, today)/></span>
                                <button type="button" class=BUTTON_QUIET on:click=move |_| { from.set(f.clone()); to.set(t.clone()); }>
                                    {tr("Chọn kỳ này", "Pick this period")}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        })}
    }
}
