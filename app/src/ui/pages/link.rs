//! `/l/<secret>`: a per-student link from the teacher opens the child at once.

use crate::api::class_view::RedeemStudentLink;
use crate::ui::components::notice::{ErrorNotice, Loading};
use crate::ui::rpc::call;
use crate::ui::storage;
use crate::ui::texts;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

#[component]
pub fn StudentLinkPage() -> impl IntoView {
    let secret = use_params_map()
        .read_untracked()
        .get("secret")
        .unwrap_or_default();
    let navigate = use_navigate();
    let result = crate::ui::fetch::Fetch::new(move || {
        call(RedeemStudentLink {
            secret: secret.clone(),
        })
    });
    Effect::new(move |_| {
        if let Some(Ok(access)) = result.get() {
            let saved = storage::save_child(access);
            navigate(
                &format!("/con/{}", saved.id),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    move || {
        match result.get() {
        Some(Err(e)) => view! {
            <div class="py-6">
                <ErrorNotice error=e/>
                <A href="/" attr:class="inline-flex min-h-12 items-center rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white">{texts().lookup_title}</A>
            </div>
        }
        .into_any(),
        _ => view! { <Loading/> }.into_any(),
    }
    }
}
