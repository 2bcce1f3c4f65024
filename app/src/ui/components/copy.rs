use crate::ui::texts;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    Failed,
}

/// A labelled value with a button that copies it, for people who type the
/// transfer by hand instead of scanning.
#[component]
pub fn CopyRow(
    label: &'static str,
    value: String,
    #[prop(optional)] shown: Option<String>,
    /// A code to read out or copy by eye (a complaint's tracking code): larger, monospaced.
    #[prop(optional)]
    large: bool,
    /// A message of several sentences (a reminder for a class group) or a long
    /// link: read across the whole width in ordinary type, its button under
    /// it, not squeezed beside it in bold.
    #[prop(optional)]
    prose: bool,
    /// A transfer's memo, typed by hand into a banking app: kept on one line
    /// ("HP RKH4BGM6 / 1 khoan" over three lines beside the button was
    /// misread), its button under it when the phone is narrow.
    #[prop(optional)]
    one_line: bool,
) -> impl IntoView {
    let state = RwSignal::new(Copied::Not);
    // Which copy the "copied" message is for: a later one's is not cut short
    // by an earlier one's timer.
    let copies = StoredValue::new(0u32);
    let to_copy = value.clone();
    let copy = move |_| {
        let text = to_copy.clone();
        copies.update_value(|n| *n += 1);
        let this = copies.get_value();
        spawn_local(async move {
            let ok = match web_sys::window().map(|w| w.navigator().clipboard()) {
                Some(clipboard) => {
                    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text))
                        .await
                        .is_ok()
                }
                None => false,
            };
            state.set(if ok { Copied::Yes } else { Copied::Failed });
            // Said for a while, then taken back: the clipboard holds one value,
            // and "Đã chép" left on every row copied in turn said four.
            // A failure stays: the value must still be typed by hand.
            if ok {
                set_timeout(
                    move || {
                        if copies.try_get_value() == Some(this) {
                            let _ = state.try_set(Copied::Not);
                        }
                    },
                    std::time::Duration::from_secs(4),
                );
            }
        });
    };
    let shown = shown.unwrap_or(value);
    view! {
        // A large code stays on one line (read out to the school, it must not
        // break at its dash); the button goes under it if the phone is narrow.
        <div class="flex items-center justify-between gap-3 border-b border-gray-100 py-2 last:border-0" class:flex-wrap={large || prose || one_line}>
            <div class="min-w-0" class:basis-full=prose>
                <div class="text-sm text-gray-600">{label}</div>
                <div class=if large {
                    "whitespace-nowrap font-mono text-2xl font-semibold tracking-wide text-gray-900 select-all"
                } else if one_line {
                    "whitespace-nowrap text-lg font-semibold text-gray-900 select-all"
                } else if prose {
                    // A link inside breaks anywhere rather than leave the phone's width.
                    "whitespace-pre-line wrap-anywhere text-base text-gray-900 select-all"
                } else {
                    "break-words text-lg font-semibold text-gray-900 select-all"
                }>{shown}</div>
                // "Copied" is said on the button itself, in a word no wider than
                // "Sao chép" and at a width that holds both, so nothing moves (a
                // line added here pushed the button down under the finger, and a
                // wider button wrapped the value beside it); a failure, rare,
                // has its own line.
                <div class="text-sm" aria-live="polite">
                    {move || match state.get() {
                        Copied::Yes => Some(view! { <span class="sr-only">{texts().copied}</span> }.into_any()),
                        Copied::Failed => Some(view! { <span class="text-red-700">{texts().copy_failed}</span> }.into_any()),
                        Copied::Not => None,
                    }}
                </div>
            </div>
            <button
                type="button"
                class="min-h-11 min-w-30 shrink-0 rounded-lg border border-teal-700 px-3 text-sm font-semibold text-teal-800 hover:bg-teal-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-teal-700"
                on:click=copy
                aria-label=format!("{} {}", texts().copy, label)
            >
                {move || if state.get() == Copied::Yes { texts().copied } else { texts().copy }}
            </button>
        </div>
    }
}

/// What a parent types into a banking app by hand instead of scanning: the
/// bank by name, then the account, the holder, the amount and the memo, each to
/// copy. One block for every QR (an invoice's, paying together).
#[component]
pub fn TransferDetails(
    payee: crate::model::Payee,
    amount: crate::domain::money::Vnd,
    memo: String,
) -> impl IntoView {
    view! {
        <div class="border-b border-gray-100 py-2" data-testid="payee-bank">
            <div class="text-sm text-gray-600">{texts().bank}</div>
            <div class="text-lg font-semibold">{payee.bank_short_name.clone()}</div>
            <div class="text-sm text-gray-700">{payee.bank_name.clone()}</div>
        </div>
        <CopyRow label=texts().account_number value=payee.account_number.clone()/>
        <CopyRow label=texts().account_name value=payee.account_name.clone()/>
        <CopyRow label=texts().amount value=amount.dong().to_string() shown=amount.to_string()/>
        <CopyRow label=texts().memo value=memo one_line=true/>
    }
}
