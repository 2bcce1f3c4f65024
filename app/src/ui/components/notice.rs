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
pub fn opening() -> AnyView {
    view! {
        <section class="mt-6" aria-labelledby="opening-title">
            <h1 class="text-2xl font-bold text-gray-900" id="opening-title">{texts().opening}</h1>
            <p class="mt-1 text-base text-gray-700" role="status">{texts().opening_slow}</p>
        </section>
    }
    .into_any()
}

/// How to recognise the school's real account, on every page that asks for money.
#[component]
pub fn FraudWarning() -> impl IntoView {
    view! {
        <p class="mt-6 rounded-lg bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-200">
            "⚠ " {texts().fraud_warning} " "
            // Other entry points: plain links the router leaves to the browser.
            <a href="/kiem-tra-qr" rel="external" class="font-semibold underline">{crate::ui::tr("Kiểm tra một mã QR", "Check a QR code")}</a>
            " · "
            <a href="/huong-dan/nhan-biet-lua-dao.html" rel="external" class="font-semibold underline">{crate::ui::tr("Cách nhận biết lừa đảo", "How to spot fraud")}</a>
        </p>
    }
}
