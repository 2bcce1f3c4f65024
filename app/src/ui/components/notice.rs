use crate::error::AppError;
use crate::ui::texts;
use leptos::prelude::*;

/// An error said plainly, announced to screen readers.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! {
        <p role="alert" class="my-4 rounded-lg border border-red-300 bg-red-50 p-4 text-base text-red-900">
            {texts().error_message(&error)}
        </p>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="py-8 text-center text-gray-600" aria-live="polite">{texts().loading}</p> }
}

/// A page opened from its link whose code is still downloading: what the
/// shell said before the app came (`app/index.html`), in the same words and
/// place, so that one wait reads as one.
///
/// Half a minute after the page was opened (the shell's wait counts), it
/// says, as the shell would, that the page is not coming, with a button to
/// reload: a chunk whose download stalled would otherwise leave "a few
/// seconds" on screen for ever. (Changed in place by the timer, not drawn
/// reactively: a reactive view here cost the first visit kilobytes of wasm.)
pub fn opening() -> AnyView {
    let since_opened = web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now());
    let left = (OPENING_LATE_MS - since_opened).max(0.0) as u64;
    let late = texts().opening_late;
    set_timeout(
        move || {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            if let (Some(status), Some(again)) = (
                document.get_element_by_id("opening-status"),
                document.get_element_by_id("opening-again"),
            ) {
                status.set_text_content(Some(late));
                let _ = again.remove_attribute("hidden");
            }
        },
        std::time::Duration::from_millis(left),
    );
    // Not shared with `split::not_loaded`'s: one function used by both the
    // first module and the chunks made wasm-split move about 11 KB of the
    // chunks' code into the first visit.
    let reload = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <section class="mt-6" aria-labelledby="opening-title">
            <h1 class="text-2xl font-bold text-gray-900" id="opening-title">{texts().opening}</h1>
            <p class="mt-1 text-base text-gray-700" role="status" id="opening-status">{texts().opening_slow}</p>
            <button type="button" id="opening-again" hidden on:click=reload class="mt-3 min-h-12 rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white">
                {texts().reload_page}
            </button>
        </section>
    }
    .into_any()
}

/// When "Đang mở trang…" gives way to "Trang chưa tải xong…", in milliseconds
/// from the page's opening (as `app/shell.js` does for the shell).
const OPENING_LATE_MS: f64 = 30_000.0;

/// How to recognise the school's real account, on every page that asks for money.
#[component]
pub fn FraudWarning() -> impl IntoView {
    view! {
        <p class="mt-6 rounded-lg bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-200">
            "⚠ " {texts().fraud_warning} " "
            // Other entry points: plain links the router leaves to the browser.
            <a href="/kiem-tra-qr" rel="external" class="inline-flex min-h-11 items-center font-semibold underline">{crate::ui::tr("Kiểm tra một mã QR", "Check a QR code")}</a>
            " · "
            <a href="/huong-dan/nhan-biet-lua-dao.html" rel="external" class="inline-flex min-h-11 items-center font-semibold underline">{crate::ui::tr("Cách nhận biết lừa đảo", "How to spot fraud")}</a>
        </p>
    }
}
