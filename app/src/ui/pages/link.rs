//! `/l/<secret>`: a per-student link from the teacher opens the child at once.

use crate::api::class_view::RedeemStudentLink;
use crate::ui::components::notice::{opening, ErrorNotice};
use crate::ui::rpc::call;
use crate::ui::storage;
use crate::ui::texts;
use leptos::prelude::*;

#[component]
pub fn StudentLinkPage() -> impl IntoView {
    let secret = crate::ui::router::param("secret").unwrap_or_default();
    let pass_on = crate::ui::router::use_pass_on();
    let result = crate::ui::fetch::Fetch::new(move || {
        call(RedeemStudentLink {
            secret: secret.clone(),
        })
    });
    Effect::new(move |_| {
        if let Some(Ok(access)) = result.get() {
            let saved = storage::save_child(access);
            pass_on(&format!("/con/{}", saved.id));
        }
    });
    move || {
        match result.get() {
        Some(Err(e)) => view! {
            <div class="py-6">
                <ErrorNotice error=e/>
                <a href="/" class="inline-flex min-h-12 items-center rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white">{texts().lookup_title}</a>
            </div>
        }
        .into_any(),
        // Still opening: the child's page comes next, in place of this one.
        _ => opening(),
    }
    }
}
