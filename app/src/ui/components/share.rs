//! Sharing a link: the phone's share sheet (Web Share API) where the browser has
//! one, otherwise the link copied to the clipboard. Either way the person is told
//! what happened.

use crate::ui::tr;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

#[derive(Clone, Copy, PartialEq)]
enum Shared {
    Not,
    Sheet,
    Copied,
    Failed,
}

async fn share(title: &str, text: &str, url: &str) -> Shared {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Shared::Failed;
    };
    // Calling a missing `navigator.share` would throw: ask first.
    if js_sys::Reflect::has(&navigator, &"share".into()).unwrap_or(false) {
        let data = web_sys::ShareData::new();
        data.set_title(title);
        data.set_text(text);
        if !url.is_empty() {
            data.set_url(url);
        }
        // A cancelled sheet is not a failure worth a message.
        let _ = JsFuture::from(navigator.share_with_data(&data)).await;
        return Shared::Sheet;
    }
    let whole = if url.is_empty() {
        text.to_string()
    } else {
        format!("{text}\n{url}")
    };
    match JsFuture::from(navigator.clipboard().write_text(&whole)).await {
        Ok(_) => Shared::Copied,
        Err(_) => Shared::Failed,
    }
}

/// A button that shares `url` (may be empty: then `text` alone).
#[component]
pub fn ShareButton(
    label: &'static str,
    title: String,
    text: String,
    #[prop(optional)] url: String,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let state = RwSignal::new(Shared::Not);
    let on_click = move |_| {
        let (title, text, url) = (title.clone(), text.clone(), url.clone());
        spawn_local(async move { state.set(share(&title, &text, &url).await) });
    };
    let class = if class.is_empty() {
        "inline-flex min-h-11 items-center rounded-lg border border-teal-800 px-4 font-semibold text-teal-900 hover:bg-teal-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-teal-700"
    } else {
        class
    };
    view! {
        <button type="button" class=class on:click=on_click>{label}</button>
        <span class="ml-2 text-sm" aria-live="polite" data-testid="share-outcome">
            {move || match state.get() {
                Shared::Copied => Some(view! { <span class="text-green-800">{tr("Đã chép đường dẫn, hãy dán vào tin nhắn.", "Link copied: paste it into a message.")}</span> }.into_any()),
                Shared::Failed => Some(view! { <span class="text-red-800">{tr("Không chia sẻ được. Hãy chép đường dẫn bằng tay.", "Could not share. Copy the link by hand.")}</span> }.into_any()),
                Shared::Sheet | Shared::Not => None,
            }}
        </span>
    }
}
