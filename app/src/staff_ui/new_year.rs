//! Starting the next school year: preview the moves, then do them once.

use super::tr;
use super::widgets::*;
use crate::api::school_year::start_next_year;
use crate::staff::NewYearPlan;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn NewYear(school_id: i64) -> impl IntoView {
    let plan = RwSignal::new(None::<NewYearPlan>);
    let outcome = RwSignal::new(None);
    let changes = super::workspace::Changes::here();
    let run = move |commit: bool| {
        spawn_local(async move {
            match start_next_year(school_id, commit).await {
                Ok(p) => {
                    if commit {
                        changes.announce();
                        outcome.set(Some(Outcome::Done(format!(
                            "{} {}",
                            tr("Đã chuẩn bị năm học", "Prepared the school year"),
                            p.label
                        ))));
                    }
                    plan.set(Some(p));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="new-year-title">
            <h2 id="new-year-title" class=H2>{tr("Năm học mới", "A new school year")}</h2>
            <p class="text-sm text-gray-700">{tr("Các lớp lên lớp, khối cuối ra trường. Hoá đơn và khoản đã nộp của năm cũ được giữ nguyên.",
                "Classes move up a grade, the last grade leaves. Last year's invoices and payments stay as they were.")}</p>
            <button type="button" class=format!("{BUTTON_QUIET} mt-2") on:click=move |_| run(false)>{tr("Xem trước", "Preview")}</button>
            {move || plan.get().map(|p| if p.already_started && p.classes.is_empty() {
                view! { <p class="mt-2 text-sm text-green-800">{format!("{} {} {}", tr("Năm học", "School year"), p.label,
                    tr("đã được chuẩn bị.", "is already prepared."))}</p> }.into_any()
            } else { view! {
                <div class="mt-2 text-sm">
                    <p class="font-semibold">{format!("{} {}: {} {} · {} {}", tr("Năm học", "School year"), p.label,
                        p.students_moving, tr("học sinh lên lớp", "students move up"), p.students_graduating, tr("ra trường", "leave"))}</p>
                    <p>{p.classes.iter().map(|(a, b)| format!("{a} → {b}")).collect::<Vec<_>>().join(" · ")}</p>
                    {(!p.graduating.is_empty()).then(|| view! { <p>{format!("{} {}", tr("Ra trường:", "Leaving:"), p.graduating.join(", "))}</p> })}
                    {if p.already_started {
                        view! { <p class="text-green-800">{tr("Năm học này đã được chuẩn bị.", "This school year is already prepared.")}</p> }.into_any()
                    } else {
                        view! { <button type="button" class=format!("{BUTTON} mt-2") on:click=move |_| run(true)>{tr("Chuẩn bị năm học mới", "Prepare the new year")}</button> }.into_any()
                    }}
                </div>
            }.into_any() })}
            <OutcomeNotice outcome/>
        </section>
    }
}
