//! The change log as people read it: one sentence per change, who and when,
//! searchable by person, record and words, one day at a time, 100 at a time.

use super::tr;
use super::widgets::*;
use crate::api::school_setup::audit_log;
use crate::audit_text::{actor, by_office_for_school, sentence};
use crate::domain::date::Date;
use crate::staff::AuditRow;
use leptos::prelude::*;

#[component]
pub fn AuditList(school_id: Option<i64>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let rows: RwSignal<Vec<AuditRow>> = RwSignal::new(Vec::new());
    let next: RwSignal<Option<i64>> = RwSignal::new(None);
    let outcome = RwSignal::new(None::<Outcome>);
    let loading = RwSignal::new(false);
    let latest = Latest::new();
    // `more`: the next page of the same search, added below (once at a time).
    // A new search ("Xem tất cả" during a search, too) replaces whatever is on
    // its way: only the last one asked is shown.
    let load = move |more: bool| {
        if more && loading.get_untracked() {
            return;
        }
        loading.set(true);
        let before = if more { next.get_untracked() } else { None };
        let (t, d) = (text.get_untracked(), day.get_untracked());
        latest.run(
            move || audit_log(school_id, t, d, before),
            move |answer| {
                match answer {
                    Ok(page) => {
                        outcome.set(None);
                        if more {
                            rows.update(|r| r.extend(page.rows));
                        } else {
                            rows.set(page.rows);
                        }
                        next.set(page.next_before);
                    }
                    Err(e) => outcome.set(Some(Outcome::Failed(e))),
                }
                loading.set(false);
            },
        );
    };
    load(false);
    let office_wide = school_id.is_none();
    view! {
        <section class=CARD aria-labelledby="audit-title">
            // The page's title already says it: named for screen readers only.
            <h2 id="audit-title" class="sr-only">{tr("Nhật ký thay đổi", "Change log")}</h2>
            <form class="grid gap-3 sm:grid-cols-3" role="search"
                on:submit=move |ev| { ev.prevent_default(); load(false); }>
                <div class="sm:col-span-2">
                    <Field id="audit-text" label=tr("Tìm theo người, việc hoặc hồ sơ", "Search by person, change or record") value=text
                        hint=tr("Ví dụ: biên lai, 2026-0000205, tên học sinh, tên kế toán.", "E.g. receipt, 2026-0000205, a student's or colleague's name.")/>
                </div>
                <Field id="audit-day" label=tr("Ngày", "Day") value=day kind="date"/>
                <div class="flex gap-2 sm:col-span-3">
                    <button type="submit" class=BUTTON disabled=move || loading.get()>{tr("Tìm", "Search")}</button>
                    <button type="button" class=BUTTON_QUIET on:click=move |_| { text.set(String::new()); day.set(String::new()); load(false); }>
                        {tr("Xem tất cả", "Show all")}</button>
                </div>
            </form>
            <OutcomeNotice outcome=outcome/>
            <ul class="mt-3 divide-y divide-gray-100" data-testid="audit-list">
                {move || rows.get().into_iter().map(|r| {
                    let who = actor(&r).unwrap_or_else(|| tr("Hệ thống", "The system").to_string());
                    let school = r.school.clone().filter(|_| office_wide);
                    view! {
                        <li class="py-2">
                            <div class="text-gray-900">{sentence(tr, &r)}</div>
                            <div class="text-sm text-gray-700">
                                {format!("{} · {}", Date::moment_label(r.at), who)}
                                {school.map(|s| format!(" · {s}"))}
                                {by_office_for_school(&r).then(|| tr(" · cơ quan quản lý làm thay vì trường chưa có kế toán", " · the office, for a school with no accountant"))}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || (rows.with(Vec::is_empty) && !loading.get() && outcome.with(Option::is_none)).then(|| view! {
                <p class="mt-2 text-gray-700">{tr("Không có thay đổi nào khớp.", "No changes match.")}</p>
            })}
            {move || next.get().map(|_| view! {
                <button type="button" class=format!("{BUTTON_QUIET} mt-3") disabled=move || loading.get() on:click=move |_| load(true)>
                    {tr("Xem thêm", "Show more")}</button>
            })}
        </section>
    }
}

#[component]
pub fn OfficeAudit() -> impl IntoView {
    view! { <super::workspace::OfficePage current=super::workspace::OfficeTask::Log><AuditList school_id=None/></super::workspace::OfficePage> }
}
