//! The supervising office's dashboard: every school's readiness and figures for a
//! period, sortable and filterable, the total of all its schools, charts (drawn as SVG,
//! numbers alongside), the .xlsx export and a print layout; and the schools'
//! reports, submitted or not, which the office can send back. The school's own
//! figures and its reports live on the school's page (`SchoolFigures`).

use super::tr;
use super::widgets::*;
use crate::api::dashboard::{
    export_dashboard, office_dashboard, office_months, office_reports, return_report,
    school_dashboard, school_reports, submit_report, Dashboard, MonthPoint, ReportRow,
};
use crate::domain::date::Date;
use crate::domain::report::{percent_label, Channel, Figures};
use crate::staff::REQUIRED_CASHLESS_METHODS;
use leptos::prelude::*;
use leptos::task::spawn_local;

const COLORS: [&str; 5] = ["#0f766e", "#1d4ed8", "#7c3aed", "#b45309", "#6b7280"];

/// This month by the server's clock (as the home page's figures), the
/// computer's only before the session is known.
pub(super) fn this_month() -> String {
    let server = super::session()
        .0
        .get_untracked()
        .flatten()
        .map(|me| crate::domain::date::Month::of(me.today).to_string());
    server.unwrap_or_else(|| {
        let d = js_sys::Date::new_0();
        format!("{:04}-{:02}", d.get_full_year(), d.get_month() + 1)
    })
}

/// A period's two months: those in the address (`?tu=2026-09&den=2026-11`),
/// else both this month, by the server's clock once the session is known. A
/// page opened by its address (a reload) is drawn before the session arrives,
/// with the computer's month; the server's replaces it then, unless a month
/// has been chosen meanwhile. Every change is written back to the address, so
/// a reload keeps the period and an officer can send it as a link.
fn this_month_period() -> (RwSignal<String>, RwSignal<String>) {
    let first = this_month();
    let asked = address_period();
    let (from, to) = match &asked {
        Some((f, t)) => (RwSignal::new(f.clone()), RwSignal::new(t.clone())),
        None => (RwSignal::new(first.clone()), RwSignal::new(first.clone())),
    };
    let me = super::session().0;
    Effect::new(move |_| {
        let Some(Some(me)) = me.get() else {
            return;
        };
        let server = crate::domain::date::Month::of(me.today).to_string();
        if asked.is_none()
            && server != first
            && from.get_untracked() == first
            && to.get_untracked() == first
        {
            from.set(server.clone());
            to.set(server);
        }
    });
    Effect::new(move |drawn: Option<()>| {
        let (f, t) = (from.get(), to.get());
        // Not at first: an address without a period stays as it was opened.
        if drawn.is_some() {
            write_address_period(&f, &t);
        }
    });
    (from, to)
}

const FROM_KEY: &str = "tu";
const TO_KEY: &str = "den";

/// The two months of the address's query, when both are months ("2026-09").
fn address_period() -> Option<(String, String)> {
    use crate::domain::date::Month;
    let search = web_sys::window()?.location().search().ok()?;
    let value = |key: &str| {
        search.trim_start_matches('?').split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == key)
                .then(|| Month::parse(v).ok())
                .flatten()
                .map(|m| m.to_string())
        })
    };
    Some((value(FROM_KEY)?, value(TO_KEY)?))
}

/// The period into the address, in place (no new history entry per keystroke
/// of a month typed): the router does not draw the page again for it.
fn write_address_period(from: &str, to: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(path) = window.location().pathname() else {
        return;
    };
    if let Ok(history) = window.history() {
        let to_url = format!("{path}?{FROM_KEY}={from}&{TO_KEY}={to}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&to_url));
    }
}

fn hours(h: Option<i64>) -> String {
    h.map(|h| format!("{h} {}", tr("giờ", "h")))
        .unwrap_or_else(|| "—".into())
}

fn channel_label(c: Channel) -> &'static str {
    let (vi, en) = c.label();
    tr(vi, en)
}

/// The period: two months, `from` and `to` (inclusive).
#[component]
fn PeriodPicker(from: RwSignal<String>, to: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="flex flex-wrap gap-3">
            <MonthField id="period-from" label=tr("Từ tháng", "From") value=from/>
            <MonthField id="period-to" label=tr("Đến tháng", "To") value=to/>
        </div>
    }
}

/// A month typed as accountants write it ("11/2026", "T11/2026", "2026-11") and
/// shown so; the signal keeps the form the server reads ("2026-11"). A browser's
/// month picker would show "November 2026" on a phone set to English.
#[component]
fn MonthField(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    use crate::domain::date::Month;
    let wrong = RwSignal::new(false);
    let hint = format!("{id}-hint");
    let shown = move || {
        let v = value.get();
        Month::label_of(&v)
    };
    // Taken when the field is left (or Enter pressed), not on each keystroke, so
    // the text is never rewritten under the cursor; a field that holds no month
    // says so, and the figures stay those of the last month typed right.
    let take = move |text: String| match Month::parse_typed(&text) {
        Ok(m) => {
            wrong.set(false);
            value.set(m.to_string());
        }
        Err(_) => wrong.set(true),
    };
    view! {
        <div>
            <label for=id class="block text-sm font-semibold">{label}</label>
            <input id=id class=format!("{INPUT} w-32") inputmode="numeric" autocomplete="off" placeholder="11/2026"
                aria-describedby=hint.clone() aria-invalid=move || wrong.get().to_string()
                prop:value=shown
                on:change=move |ev| take(event_target_value(&ev))/>
            <p id=hint class=move || if wrong.get() { "mt-1 text-sm font-semibold text-red-800" } else { "sr-only" }>
                {tr("Tháng viết như 11/2026", "A month such as 11/2026")}
            </p>
        </div>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum SortBy {
    Name,
    Collection,
    Cashless,
    Complaints,
}

#[component]
pub fn OfficeDashboard() -> impl IntoView {
    let (from, to) = this_month_period();
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(SortBy::Name);
    let data = LocalResource::new(move || office_dashboard(from.get(), to.get()));
    let months = LocalResource::new(move || office_months(from.get(), to.get()));
    let outcome = RwSignal::new(None::<Outcome>);
    let export = move |_| {
        // Nothing to export: the table says why, once.
        if reversed(from, to) {
            return;
        }
        spawn_local(async move {
            match export_dashboard(from.get_untracked(), to.get_untracked()).await {
                Ok(b64) => download(
                    &format!(
                        "tong-hop-{}-{}.xlsx",
                        from.get_untracked(),
                        to.get_untracked()
                    ),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &b64,
                ),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <super::workspace::OfficePage current=super::workspace::OfficeTask::Dashboard own_title=true>
        <div class="page-landscape">
        <h1 class="mt-6 text-2xl font-bold print:hidden">{tr("Theo dõi thu không dùng tiền mặt", "Cashless collection across schools")}</h1>
        <section class=format!("{CARD} print:shadow-none print:ring-0") aria-labelledby="dash-title">
            <h2 id="dash-title" class="sr-only">{tr("Bảng tổng hợp", "Summary")}</h2>
            <div class="flex flex-wrap items-end justify-between gap-3 print:hidden">
                <PeriodPicker from to/>
                <div class="flex flex-wrap items-end gap-2">
                    <div>
                        <label for="dash-filter" class="block text-sm font-semibold">{tr("Lọc trường", "Filter schools")}</label>
                        <input id="dash-filter" class=INPUT on:input=move |ev| filter.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for="dash-sort" class="block text-sm font-semibold">{tr("Sắp xếp", "Sort by")}</label>
                        <select id="dash-sort" class=INPUT on:change=move |ev| sort.set(match event_target_value(&ev).as_str() {
                            "collection" => SortBy::Collection, "cashless" => SortBy::Cashless, "complaints" => SortBy::Complaints, _ => SortBy::Name })>
                            <option value="name">{tr("Tên trường", "School name")}</option>
                            <option value="collection">{tr("Tỷ lệ thu (thấp trước)", "Collection rate (lowest first)")}</option>
                            <option value="cashless">{tr("Tỷ lệ không tiền mặt (thấp trước)", "Cashless share (lowest first)")}</option>
                            <option value="complaints">{tr("Khiếu nại chưa giải quyết (nhiều trước)", "Open complaints (most first)")}</option>
                        </select>
                    </div>
                    <button type="button" class=BUTTON_QUIET on:click=export>{tr("Xuất Excel (.xlsx)", "Export (.xlsx)")}</button>
                    <button type="button" class=BUTTON_QUIET on:click=|_| { let _ = web_sys::window().map(|w| w.print()); }>{tr("In / lưu PDF", "Print / PDF")}</button>
                </div>
            </div>
            <OutcomeNotice outcome/>
            {move || data.get().map(|r| match r {
                Err(_) if reversed(from, to) => view! { <PeriodReversed/> }.into_any(),
                Err(e) => view! { <LoadFailed error=e retry=move || data.refetch()/> }.into_any(),
                Ok(d) => view! { <DashboardTable d filter=filter.get() sort=sort.get()/> }.into_any(),
            })}
        </section>
        {move || months.get().and_then(Result::ok).map(|m| view! { <MonthlyChart months=m/> })}
        {move || data.get().and_then(Result::ok).map(|d| view! { <MethodsChart d/> })}
        // Signed at the end of what prints; the reports panel is a working tool, not part of the paper.
        <div class="mt-8 hidden break-inside-avoid grid-cols-2 pb-20 text-center print:grid" data-testid="print-signatures">
            <div>
                <p class="font-bold">{tr("NGƯỜI LẬP BIỂU", "PREPARED BY")}</p>
                <p class="italic">{tr("(Ký, ghi rõ họ tên)", "(signature and full name)")}</p>
            </div>
            <div>
                <p class="font-bold">{tr("THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF THE OFFICE")}</p>
                <p class="italic">{tr("(Ký, ghi rõ họ tên, đóng dấu)", "(signature, full name and seal)")}</p>
            </div>
        </div>
        <div class="print:hidden"><Reports from to/></div>
        </div>
        </super::workspace::OfficePage>
    }
}

#[component]
fn DashboardTable(d: Dashboard, filter: String, sort: SortBy) -> impl IntoView {
    let query = crate::domain::search::Query::new(&filter);
    let all = d.schools.len();
    let mut schools: Vec<_> = d
        .schools
        .into_iter()
        .filter(|s| query.matches(&s.name))
        .collect();
    // The foot adds up the rows above it: with a filter, the schools shown.
    let (total_label, total) = if schools.len() == all {
        (tr("Tất cả các trường", "All schools").to_string(), d.total)
    } else {
        (
            format!(
                "{} ({}/{all})",
                tr("Các trường khớp bộ lọc", "Schools matching the filter"),
                schools.len()
            ),
            crate::domain::report::Figures::total(schools.iter().map(|s| &s.figures)),
        )
    };
    let none = (schools.is_empty() && all > 0).then(|| {
        view! { <p class="mt-2 text-gray-700" data-testid="dashboard-none">{tr("Không có trường nào khớp bộ lọc.", "No school matches the filter.")}</p> }
    });
    match sort {
        SortBy::Name => schools.sort_by(|a, b| crate::domain::collate::text_cmp(&a.name, &b.name)),
        SortBy::Collection => schools.sort_by_key(|s| s.figures.collection_rate().unwrap_or(-1)),
        SortBy::Cashless => {
            schools.sort_by_key(|s| s.figures.cashless_share_by_value().unwrap_or(-1))
        }
        SortBy::Complaints => schools.sort_by_key(|s| -s.figures.complaints_open),
    }
    let th = "px-2 py-2 text-left align-bottom";
    // The columns that answer "which school needs a call": what each method
    // brought in is in the chart below and in the export, not here, so the
    // table fits a laptop's width and unmatched transfers and complaints are
    // never behind a sideways scroll. On a phone each school is a card.
    view! {
        // On paper: headed as a report sent upwards (the office, the title, the
        // period, the day) and signed under the table; on screen the page says it.
        <div class="hidden text-center print:block" data-testid="print-heading">
            <p class="font-bold">{d.office.to_uppercase()}</p>
            <p class="mt-1 text-base font-bold">{tr("BÁO CÁO TÌNH HÌNH THU KHÔNG DÙNG TIỀN MẶT", "CASHLESS FEE COLLECTION REPORT")}</p>
            <p class="italic">{format!("{} {} · {} {}", tr("Kỳ báo cáo:", "Period:"), crate::domain::date::period_words(&d.from, &d.to, tr), tr("ngày lập:", "made on"), d.read_on.dmy())}</p>
        </div>
        <p class="mt-2 text-sm text-gray-700 print:hidden">{format!("{} {}", tr("Kỳ", "Period"), crate::domain::date::period_words(&d.from, &d.to, tr))}</p>
        <table class="mt-2 w-full text-sm" data-testid="dashboard-table">
            <thead class="hidden border-b text-gray-700 sm:table-header-group">
                <tr>
                    <th class=th>{tr("Trường", "School")}</th>
                    <th class=th>{tr("Phương thức (≥3/4)", "Methods (≥3/4)")}</th>
                    <th class=th>{tr("Liên hệ", "Contacts")}</th>
                    <th class=th>{tr("Hoá đơn", "Invoices")}</th>
                    <th class=th>{tr("Phải thu", "Due")}</th>
                    <th class=th>{tr("Đã thu", "Collected")}</th>
                    <th class=th>{tr("Tỷ lệ thu", "Rate")}</th>
                    <th class=th>{tr("Không tiền mặt (số lượng / giá trị)", "Cashless (count / value)")}</th>
                    <th class=th>{tr("Chờ đối soát", "Unmatched")}</th>
                    <th class=th>{tr("Khiếu nại chưa giải quyết", "Open complaints")}</th>
                    <th class=th title=tr("Một nửa số khiếu nại được giải quyết nhanh hơn thời gian này", "Half the complaints were resolved faster than this")>{tr("Thời gian giải quyết thường gặp", "Median to resolve")}</th>
                </tr>
            </thead>
            <tbody>
                {schools.into_iter().map(|s| {
                    let ready = s.cashless_ready >= REQUIRED_CASHLESS_METHODS;
                    let methods_class = if ready { "text-green-800" } else { "font-semibold text-red-800" };
                    let methods = format!("{}/4{}", s.cashless_ready, if ready { " ✓" } else { "" });
                    let (contacts_class, contacts) = if s.contacts > 0 {
                        ("", s.contacts.to_string())
                    } else {
                        ("whitespace-nowrap font-semibold text-red-800", tr("chưa có", "none").to_string())
                    };
                    view! {
                        <tr class="border-b border-gray-100" data-testid="dashboard-row">
                            <td class="min-w-40 px-2 py-2 font-semibold">
                                {s.name.clone()}
                                <div class="font-normal sm:hidden">
                                    <span>{format!("{}: ", tr("Phương thức", "Methods"))}</span><span class=methods_class>{methods.clone()}</span>
                                    <span>{format!(" · {}: ", tr("Liên hệ", "Contacts"))}</span><span class=contacts_class>{contacts.clone()}</span>
                                    <PhoneFigures f=s.figures.clone()/>
                                </div>
                            </td>
                            <td class=format!("hidden px-2 sm:table-cell {methods_class}")>{methods}</td>
                            <td class=format!("hidden px-2 sm:table-cell {contacts_class}")>{contacts}</td>
                            <FigureCells f=s.figures/>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
            <tfoot class="border-t-2 font-bold">
                <tr data-testid="dashboard-total">
                    <td class="px-2 py-2">{total_label}
                        <div class="font-normal sm:hidden"><PhoneFigures f=total.clone()/></div></td>
                    <td class="hidden sm:table-cell"></td><td class="hidden sm:table-cell"></td>
                    <FigureCells f=total/>
                </tr>
            </tfoot>
        </table>
        {none}
    }
}

/// A school's figures on a phone, under its name: collection, cashless share,
/// and what waits for someone.
#[component]
fn PhoneFigures(f: Figures) -> impl IntoView {
    let waiting = f.unmatched > 0 || f.complaints_open > 0;
    view! {
        <div>{format!("{} {} · {} / {}", tr("Thu", "Collected"), percent_label(f.collection_rate()), f.collected.unbroken(), f.due.unbroken())}</div>
        <div>{format!("{} {}", tr("Không tiền mặt (giá trị):", "Cashless (value):"), percent_label(f.cashless_share_by_value()))}</div>
        <div class:font-semibold=waiting>
            {format!("{} {} · {} {}", tr("Chờ đối soát", "Unmatched"), f.unmatched, tr("khiếu nại mở", "open complaints"), f.complaints_open)}</div>
    }
}

#[component]
fn FigureCells(f: Figures) -> impl IntoView {
    let cell = "hidden px-2 sm:table-cell";
    let money = "hidden px-2 whitespace-nowrap sm:table-cell";
    view! {
        <td class=cell>{f.invoices}</td>
        <td class=money data-testid="due">{f.due.to_string()}</td>
        <td class=money>{f.collected.to_string()}</td>
        <td class=money>{percent_label(f.collection_rate())}</td>
        <td class=money>{format!("{} / {}", percent_label(f.cashless_share_by_count()), percent_label(f.cashless_share_by_value()))}</td>
        <td class=cell>{f.unmatched}</td>
        <td class=cell>{f.complaints_open}</td>
        <td class=money>{hours(f.median_resolve_hours())}</td>
    }
}

/// A legend's colour square (an SVG fill: the CSP allows no inline styles).
#[component]
fn Swatch(k: usize) -> impl IntoView {
    view! { <svg class="mr-1 inline h-3 w-3" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill=COLORS[k]/></svg> }
}

/// A range whose first month is after its last. Months are "YYYY-MM": as
/// text they sort as time.
fn reversed(from: RwSignal<String>, to: RwSignal<String>) -> bool {
    from.with(|f| to.with(|t| !t.is_empty() && f > t))
}

/// Said as it is, not as a badly written month (the server's refusal).
#[component]
fn PeriodReversed() -> impl IntoView {
    view! {
        <p role="alert" class="mt-3 rounded-lg border border-red-300 bg-red-50 p-3 text-red-900" data-testid="period-reversed">{tr(
            "“Từ tháng” đang sau “Đến tháng”. Hãy chọn “Từ tháng” sớm hơn hoặc bằng “Đến tháng”.",
            "“From” is after “To”. Choose a “From” month no later than the “To” month.")}</p>
    }
}

/// Narrower than Tailwind's `sm` (640 px), where the charts are not drawn.
fn narrow_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 640.0)
}

/// Collection rate and cashless share (by value) month by month: paired bars.
#[component]
fn MonthlyChart(months: Vec<MonthPoint>) -> impl IntoView {
    let n = months.len().max(1) as i64;
    let (w, h, pad) = (640i64, 220i64, 30i64);
    // A month's pair of bars is never wider than 90 units, however few months.
    let slot = ((w - pad) / n).min(90);
    let bar = (slot / 3).max(4);
    let y = |bp: i64| h - pad - bp * (h - 2 * pad) / 10_000;
    // A month's label with its year (a school year spans two); a month with
    // nothing due or collected has no bar, not a bar of 0 %.
    let label = |m: &MonthPoint| {
        crate::domain::date::Month::parse(&m.month)
            .map(|m| m.label())
            .unwrap_or_else(|_| m.month.clone())
    };
    let bars = months.iter().enumerate().map(|(i, m)| {
        let x = pad + i as i64 * slot + slot / 6;
        let (x2, label_y, label_x, dash_y) = (x + bar, h - 10, x + bar, h - pad - 4);
        let name = label(m);
        let column = |x: i64, value: Option<i64>, k: usize| {
            value.map(|v| {
                let (top, height) = (y(v), h - pad - y(v));
                view! { <rect x=x y=top width=bar height=height fill=COLORS[k]><title>{format!("{name} · {}", percent_label(Some(v)))}</title></rect> }
            })
        };
        let empty = m.figures.collection_rate().is_none() && m.figures.cashless_share_by_value().is_none();
        view! {
            <g>
                {column(x, m.figures.collection_rate(), 0)}
                {column(x2, m.figures.cashless_share_by_value(), 1)}
                {empty.then(|| view! { <text x=label_x y=dash_y font-size="10" text-anchor="middle" fill="#6b7280">"—"</text> })}
                <text x=label_x y=label_y font-size="10" text-anchor="middle" fill="#374151">{name.clone()}</text>
            </g>
        }
    }).collect_view();
    let (full, half) = (y(10_000), y(5_000));
    let (full_label, half_label) = (full + 4, half + 4);
    view! {
        <section class=CARD aria-labelledby="monthly-title">
            <h2 id="monthly-title" class=H2>{tr("Theo tháng: tỷ lệ thu và tỷ lệ không tiền mặt", "By month: collection rate and cashless share")}</h2>
            // Not on a phone: 640 units drawn in 300 px make 5 px labels. The
            // figures are opened there instead.
            <svg viewBox=format!("0 0 {w} {h}") class="mt-2 hidden w-full sm:block" role="img" aria-labelledby="monthly-title">
                <line x1=pad y1=full x2=w y2=full stroke="#e5e7eb"/>
                <line x1=pad y1=half x2=w y2=half stroke="#e5e7eb"/>
                <text x="0" y=full_label font-size="11" fill="#374151">"100%"</text>
                <text x="0" y=half_label font-size="11" fill="#374151">"50%"</text>
                {bars}
            </svg>
            <p class="hidden text-sm sm:block"><Swatch k=0/>{tr("Tỷ lệ thu", "Collection rate")}
                <span class="ml-3"><Swatch k=1/></span>{tr("Không tiền mặt (giá trị)", "Cashless (value)")}</p>
            <details class="mt-2 text-sm" open=narrow_screen()>
                <summary class="flex min-h-11 cursor-pointer items-center">{tr("Xem số liệu", "See the numbers")}</summary>
                <table class="mt-1 w-full" data-testid="monthly-numbers">
                    <thead><tr class="text-left text-gray-700">
                        <th scope="col" class="pr-3">{tr("Tháng", "Month")}</th>
                        <th scope="col" class="pr-3">{tr("Đã thu", "Collected")}</th>
                        <th scope="col" class="pr-3">{tr("Tỷ lệ thu", "Collection rate")}</th>
                        <th scope="col">{tr("Không tiền mặt (giá trị)", "Cashless (value)")}</th>
                    </tr></thead>
                    <tbody>
                    {months.iter().map(|m| view! {
                        <tr><th scope="row" class="pr-3 text-left font-normal">{label(m)}</th><td class="pr-3 whitespace-nowrap">{m.figures.collected.to_string()}</td>
                            <td class="pr-3">{percent_label(m.figures.collection_rate())}</td><td>{percent_label(m.figures.cashless_share_by_value())}</td></tr>
                    }).collect_view()}
                    </tbody>
                </table>
            </details>
        </section>
    }
}

/// Each school's collected money split by method: stacked bars.
#[component]
fn MethodsChart(d: Dashboard) -> impl IntoView {
    let max = d
        .schools
        .iter()
        .map(|s| s.figures.collected.dong())
        .max()
        .unwrap_or(0)
        .max(1);
    let row_h = 28i64;
    let (label_w, bar_w) = (180i64, 440i64);
    let h = row_h * d.schools.len() as i64 + 10;
    let view_w = label_w + bar_w;
    let rows = d.schools.iter().enumerate().map(|(i, s)| {
        let y = i as i64 * row_h + 4;
        let mut x = label_w;
        let segments = Channel::ALL.into_iter().enumerate().map(|(k, c)| {
            let width = s.figures.channel(c).amount.dong() * bar_w / max;
            let seg_h = row_h - 8;
            let seg = view! { <rect x=x y=y width=width height=seg_h fill=COLORS[k]><title>{format!("{} · {}", channel_label(c), s.figures.channel(c).amount)}</title></rect> };
            x += width;
            seg
        }).collect_view();
        let text_y = y + 14;
        view! {
            <g>
                <text x="0" y=text_y font-size="12" fill="#111827">{s.name.chars().take(26).collect::<String>()}</text>
                {segments}
            </g>
        }
    }).collect_view();
    view! {
        <section class=CARD aria-labelledby="methods-title">
            <h2 id="methods-title" class=H2>{tr("Số tiền đã thu theo phương thức, từng trường", "Money collected by method, per school")}</h2>
            // Not on a phone (labels of 5 px): the figures below say it all there.
            <svg viewBox=format!("0 0 {view_w} {h}") class="mt-2 hidden w-full sm:block" role="img" aria-labelledby="methods-title">{rows}</svg>
            <p class="hidden text-sm sm:block">
                {Channel::ALL.into_iter().enumerate().map(|(k, c)| view! { <span class="mr-3"><Swatch k/>{channel_label(c)}</span> }).collect_view()}
            </p>
            // The figures themselves, readable on a phone and on paper (the
            // bars' own titles show only under a mouse).
            // On a phone each school lists its methods under its name.
            <table class="mt-3 w-full text-sm tabular-nums" data-testid="methods-numbers">
                <thead class="hidden sm:table-header-group"><tr class="text-left text-gray-700">
                    <th scope="col" class="pr-3">{tr("Trường", "School")}</th>
                    {Channel::ALL.into_iter().map(|c| view! { <th scope="col" class="pr-3 text-right">{channel_label(c)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {d.schools.iter().map(|s| view! {
                        <tr class="border-t border-gray-100">
                            <th scope="row" class="py-1 pr-3 text-left font-normal">
                                <span class="font-semibold sm:font-normal">{s.name.clone()}</span>
                                <ul class="sm:hidden">
                                    {Channel::ALL.into_iter().map(|c| view! {
                                        <li>{format!("{}: ", channel_label(c))}<span class="whitespace-nowrap">{s.figures.channel(c).amount.to_string()}</span></li>
                                    }).collect_view()}
                                </ul>
                            </th>
                            {Channel::ALL.into_iter().map(|c| view! {
                                <td class="hidden pr-3 text-right whitespace-nowrap sm:table-cell">{s.figures.channel(c).amount.to_string()}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The schools' reports for a period of the office's calendar (or, without
/// one, the range shown above): who submitted, on time or not, who has not;
/// send back.
#[component]
fn Reports(from: RwSignal<String>, to: RwSignal<String>) -> impl IntoView {
    use super::report_calendar::{default_deadline, standing_of, CalendarEditor, StandingBadge};
    let calendar = LocalResource::new(crate::api::dashboard::report_calendar);
    let chosen = RwSignal::new(None::<crate::api::dashboard::ReportDeadline>);
    // Today by the server's clock, as the calendar call tells it.
    let today = RwSignal::new(None::<Date>);
    // When the calendar first arrives, its next deadline (else its newest).
    let defaulted = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok((day, list))) = calendar.get() {
            today.set(Some(day));
            if !defaulted.get_value() {
                defaulted.set_value(true);
                chosen.set(default_deadline(&list, day));
            }
        }
    });
    let list = LocalResource::new(move || {
        let (f, t) = match chosen.get() {
            Some(d) => (d.from, d.to),
            None => (from.get(), to.get()),
        };
        office_reports(f, t)
    });
    let outcome = RwSignal::new(None::<Outcome>);
    let comment = RwSignal::new(String::new());
    let send_back = move |id: i64| {
        spawn_local(async move {
            match return_report(id, comment.get_untracked()).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(
                        tr(
                            "Đã gửi trả báo cáo cho trường.",
                            "The report was sent back to the school.",
                        )
                        .into(),
                    )));
                    list.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="reports-title">
            <h2 id="reports-title" class=H2>{tr("Báo cáo của các trường", "Schools' reports")}</h2>
            <CalendarEditor calendar chosen/>
            <p class="mt-3 text-sm font-semibold text-gray-800" data-testid="reports-period">{move || match chosen.get() {
                Some(d) => super::report_calendar::deadline_label(&d),
                None => format!("{} {}", tr("Kỳ", "Period"), crate::domain::date::period_words(&from.get(), &to.get(), tr)),
            }}</p>
            {move || list.get().map(|r| match r {
                // The range above is the period only without a deadline chosen:
                // the same words as above it, not the server's generic refusal.
                Err(_) if chosen.with(Option::is_none) && reversed(from, to) => view! { <PeriodReversed/> }.into_any(),
                Err(e) => view! { <LoadFailed error=e retry=move || list.refetch()/> }.into_any(),
                Ok(rows) => view! {
                    <ul class="mt-2 divide-y divide-gray-100">
                        {rows.into_iter().map(|(_, name, report)| {
                            let badge = chosen.get_untracked().zip(today.get_untracked()).map(|(d, day)| view! { <StandingBadge standing=standing_of(report.as_ref(), d.due_on, day)/> });
                            // With a deadline its badge says "not submitted"; without, this does.
                            let missing = (badge.is_none() && report.is_none()).then(|| view! {
                                <span class="ml-2 font-semibold text-red-800">{tr("chưa nộp báo cáo", "no report yet")}</span>
                            });
                            view! {
                                <li class="py-2" data-testid="report-row">
                                    <span class="font-semibold">{name}</span>
                                    {badge}
                                    {missing}
                                    {report.map(|rep| view! { <ReportLine rep on_return=send_back comment/> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <OutcomeNotice outcome/>
        </section>
    }
}

#[component]
fn ReportLine(
    rep: ReportRow,
    on_return: impl Fn(i64) + Copy + 'static,
    comment: RwSignal<String>,
) -> impl IntoView {
    let id = rep.id;
    // Sent to this office: it alone may send it back (the Department sees a
    // ward's schools' reports, addressed to the ward).
    let mine = super::session()
        .0
        .get_untracked()
        .flatten()
        .is_some_and(|me| me.office_id == rep.office_id);
    view! {
        <span class=if rep.returned { "ml-2 text-amber-800" } else { "ml-2 text-green-800" }>
            {if rep.returned { tr("đã gửi trả", "sent back") } else { tr("đã nộp", "submitted") }}
            {format!(" · {} · {}", Date::moment_label(rep.submitted_at), rep.submitted_by)}
        </span>
        <div class="text-sm text-gray-700">{format!("{}: {} · {}: {} · {}", tr("Phải thu", "Due"), rep.figures.due, tr("Đã thu", "Collected"), rep.figures.collected,
            percent_label(rep.figures.collection_rate()))}</div>
        {(!rep.note.is_empty()).then(|| view! { <div class="text-sm italic">{format!("“{}”", rep.note)}</div> })}
        {rep.return_comment.clone().map(|c| view! { <div class="text-sm text-amber-900">{format!("{} {c}", tr("Ý kiến của cơ quan quản lý:", "The office's comment:"))}</div> })}
        <ReportDownload id school=rep.school.clone() from=rep.from.clone()/>
        {(!mine).then(|| view! {
            <div class="text-sm text-gray-700">{format!("{} {}", tr("Gửi cho", "Sent to"), rep.office)}</div>
        })}
        {(mine && !rep.returned).then(|| view! {
            <div class="mt-1 flex flex-wrap items-end gap-2 print:hidden">
                <div class="flex-1">
                    <label for=format!("return-{id}") class="block text-sm">{tr("Ý kiến khi gửi trả", "Comment when sending back")}</label>
                    <input id=format!("return-{id}") class=INPUT on:input=move |ev| comment.set(event_target_value(&ev))/>
                </div>
                <button type="button" class=BUTTON_QUIET on:click=move |_| on_return(id)>{tr("Gửi trả", "Send back")}</button>
            </div>
        })}
    }
}

/// A submitted report as .xlsx, as it was frozen.
#[component]
fn ReportDownload(id: i64, school: String, from: String) -> impl IntoView {
    let name = format!(
        "bao-cao-{}-{from}.xlsx",
        crate::domain::validate::slug_from_name(&school)
    );
    let get = move |_| {
        let name = name.clone();
        spawn_local(async move {
            if let Ok(b64) = crate::api::dashboard::export_report(id).await {
                download(
                    &name,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &b64,
                );
            }
        });
    };
    let pdf_name = format!(
        "bao-cao-{}-{from}.pdf",
        crate::domain::validate::slug_from_name(&school)
    );
    view! {
        <span class="inline-flex flex-wrap items-center gap-2 print:hidden">
            <button type="button" class="min-h-11 text-sm underline" on:click=get>{tr("Tải báo cáo (.xlsx)", "Download (.xlsx)")}</button>
            // Headed and signed for paper; digitally signed when the school has its certificate.
            <FileDownload href=format!("/staff/reports/{id}/pdf") label=tr("Tải báo cáo (PDF)", "Download (PDF)") fallback_name=pdf_name/>
        </span>
    }
}

/// A school's own figures and its reports to the office (on the school's page).
#[component]
pub fn SchoolFigures(school_id: i64, can_submit: bool) -> impl IntoView {
    let (from, to) = this_month_period();
    let figures = LocalResource::new(move || school_dashboard(school_id, from.get(), to.get()));
    let reports = LocalResource::new(move || school_reports(school_id));
    let note = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let pending = OneAtATime::new();
    // Read here, not after an await: the session lives in the component's context.
    let office = StoredValue::new(super::my_office());
    // Submitting a period already reported asks first: the answer offers to replace it.
    let send = move |replace: bool| {
        pending.run(async move {
            let r = submit_report(
                school_id,
                from.get_untracked(),
                to.get_untracked(),
                note.get_untracked(),
                replace,
            )
            .await;
            match r {
                Ok(rep) => {
                    let f = rep.figures;
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {}: {} {}, {} {} / {}.",
                        if replace {
                            tr(
                                "Đã nộp lại, thay báo cáo cũ,",
                                "Submitted again, replacing the earlier one, for",
                            )
                            .to_string()
                        } else {
                            format!(
                                "{} {}{}",
                                tr("Đã nộp báo cáo cho", "The report was submitted to"),
                                office.get_value(),
                                tr(",", ", for"),
                            )
                        },
                        crate::domain::date::period_words(&rep.from, &rep.to, tr),
                        f.invoices,
                        tr("hoá đơn", "invoices"),
                        tr("đã thu", "collected"),
                        f.collected,
                        f.due,
                    ))));
                    reports.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(false);
    };
    let already = move || {
        matches!(
            outcome.get(),
            Some(Outcome::Failed(
                crate::error::AppError::ReportAlreadySubmitted { .. }
            ))
        )
    };
    view! {
        <section class=CARD aria-labelledby="school-figures-title">
            <h2 id="school-figures-title" class=H2>{tr("Số liệu thu và báo cáo", "Figures and reports")}</h2>
            <super::report_calendar::SchoolDeadlines reports from to/>
            <PeriodPicker from to/>
            {move || figures.get().map(|r| match r {
                Err(_) if reversed(from, to) => view! { <PeriodReversed/> }.into_any(),
                Err(e) => view! { <LoadFailed error=e retry=move || figures.refetch()/> }.into_any(),
                Ok(s) => {
                    let f = s.figures;
                    view! {
                        <dl class="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4" data-testid="school-figures">
                            <dt class="text-gray-700">{tr("Hoá đơn", "Invoices")}</dt><dd>{f.invoices}</dd>
                            <dt class="text-gray-700">{tr("Phải thu", "Due")}</dt><dd>{f.due.to_string()}</dd>
                            <dt class="text-gray-700">{tr("Đã thu", "Collected")}</dt><dd>{f.collected.to_string()}</dd>
                            <dt class="text-gray-700">{tr("Tỷ lệ thu", "Rate")}</dt><dd>{percent_label(f.collection_rate())}</dd>
                            <dt class="text-gray-700">{tr("Không tiền mặt (giá trị)", "Cashless (value)")}</dt><dd>{percent_label(f.cashless_share_by_value())}</dd>
                            <dt class="text-gray-700">{tr("Chờ đối soát", "Unmatched")}</dt><dd>{f.unmatched}</dd>
                            <dt class="text-gray-700">{tr("Khiếu nại chưa giải quyết", "Open complaints")}</dt><dd>{f.complaints_open}</dd>
                            <dt class="text-gray-700">{tr("Thời gian giải quyết thường gặp", "Median to resolve")}</dt><dd>{hours(f.median_resolve_hours())}</dd>
                        </dl>
                    }.into_any()
                }
            })}
            {can_submit.then(|| view! {
                <form class="mt-3 space-y-2" on:submit=submit>
                    <Field id="report-note" label=tr("Ghi chú kèm báo cáo", "Note with the report") value=note/>
                    <button type="submit" class=BUTTON prop:disabled=move || pending.busy()>{format!("{} {}", tr("Nộp báo cáo kỳ này cho", "Submit this period's report to"), office.get_value())}</button>
                </form>
            })}
            <OutcomeNotice outcome/>
            {move || already().then(|| view! {
                <button type="button" class=format!("{BUTTON_QUIET} mt-2") prop:disabled=move || pending.busy() on:click=move |_| send(true)>
                    {tr("Nộp lại, thay báo cáo đã nộp", "Submit again, replacing it")}
                </button>
            })}
            {move || reports.get().and_then(Result::ok).map(|rows| view! {
                <ul class="mt-2 text-sm">
                    {rows.into_iter().take(6).map(|r| view! {
                        <li class="py-1">{format!("{} · {} · {}", crate::domain::date::period_words(&r.from, &r.to, tr), Date::moment_label(r.submitted_at),
                            if r.returned { tr("đã bị gửi trả", "sent back") } else { tr("đã nộp", "submitted") })}
                            {r.return_comment.clone().map(|c| view! { <span class="ml-1 text-amber-900">{format!("— {c}")}</span> })}
                            " " <ReportDownload id=r.id school=r.school.clone() from=r.from.clone()/>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}
