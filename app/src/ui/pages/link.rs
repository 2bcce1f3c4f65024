//! `/l/<secret>`: a per-student link from the teacher opens the child at once.

use crate::api::class_view::RedeemStudentLink;
use crate::ui::components::notice::{ErrorNotice, Loading};
use crate::ui::rpc::call;
use crate::ui::storage;
use crate::ui::texts;
use leptos::prelude::*;

#[component]
pub fn StudentLinkPage() -> impl IntoView {
    let secret = crate::ui::router::param("secret").unwrap_or_default();
    let navigate = crate::ui::router::use_navigate();
    let result = crate::ui::fetch::Fetch::new(move || {
        call(RedeemStudentLink {
            secret: secret.clone(),
        })
    });
    Effect::new(move |_| {
        if let Some(Ok(access)) = result.get() {
            let saved = storage::save_child(access);
            navigate(&format!("/con/{}", saved.id), true);
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
        _ => view! { <Loading/> }.into_any(),
    }
    }
}
