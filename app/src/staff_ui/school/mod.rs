//! A school's page for its staff: the school's workspace, one page per task
//! (`frame`); the school's settings (profile, bank accounts, payment methods,
//! contacts), its staff and its students each have their own module. Teachers
//! see it read-only.

mod frame;
mod settings;
mod shared;
mod staff;
mod students;

use super::widgets::*;
use super::workspace::{Changes, Task};
use super::{session, tr, Session};
use crate::api::school_setup::load_school_profile;
use crate::staff::{Me, SchoolProfile};
use frame::Workspace;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::Flash;

#[component]
pub fn SchoolPage() -> impl IntoView {
    let Session(me) = session();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    // The page under the school: `None` for an address that names no task.
    let task = Memo::new(move |_| match params.read().get("task") {
        None => Some(Task::Home),
        Some(slug) => Task::from_slug(&slug),
    });
    move || match me.get() {
        None => view! { <p class="py-8">{tr("Đang tải…", "Loading…")}</p> }.into_any(),
        Some(None) => view! { <crate::staff_ui::home::Home/> }.into_any(),
        Some(Some(m)) => {
            view! { <SchoolView school_id=id.get() me=m task=task.into()/> }.into_any()
        }
    }
}

#[component]
pub fn SchoolView(school_id: i64, me: Me, task: Signal<Option<Task>>) -> impl IntoView {
    // Read again on every page: a payment at the office changes the methods'
    // readiness that the settings page shows.
    let profile = LocalResource::new(move || {
        task.track();
        load_school_profile(school_id)
    });
    // The last profile read. A save reads it again and the sections that show
    // it follow, but the page is not drawn again: what was typed, unsaved, in
    // another form stays. A failed re-read keeps the last good one.
    let live = Memo::new(
        move |last: Option<&Option<SchoolProfile>>| match profile.get() {
            Some(Ok(p)) => Some(p),
            _ => last.cloned().flatten(),
        },
    );
    let loaded = Memo::new(move |_| live.with(Option::is_some));
    let me_for_view = me.clone();
    let flashed = RwSignal::new(None);
    provide_context(Flash(flashed));
    Changes::provide();
    // What the last save did belongs to its page: another page starts clean.
    Effect::new(move |_| {
        task.track();
        flashed.set(None);
    });
    view! {
        <div class="fixed inset-x-0 bottom-2 z-10 mx-auto max-w-xl px-4">
            <OutcomeNotice outcome=flashed/>
        </div>
        {move || {
            if loaded.get() {
                let me = me_for_view.clone();
                // `loaded` turns true once and `live` never goes back to none.
                let shown = Signal::derive(move || live.get().expect("the profile was read"));
                return view! { <Workspace profile=shown me task=task.get() refresh=move || profile.refetch()/> }.into_any();
            }
            match profile.get() {
                Some(Err(e)) => view! { <LoadFailed error=e retry=move || profile.refetch()/> }.into_any(),
                _ => view! { <p class="py-8">{tr("Đang tải…", "Loading…")}</p> }.into_any(),
            }
        }}
    }
}
