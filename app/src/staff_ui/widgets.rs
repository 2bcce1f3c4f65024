//! Small pieces the staff screens share.

use crate::domain::money::Vnd;
use crate::domain::typed_amount;
use crate::error::AppError;
use crate::staff::OneTimeLink;
use leptos::prelude::*;

pub const INPUT: &str =
    "mt-1 block min-h-11 w-full rounded-lg border border-gray-400 bg-white px-3 text-base \
    text-gray-900 focus:border-slate-700 focus:outline-none focus:ring-2 focus:ring-slate-600";
pub const BUTTON: &str = "min-h-11 rounded-lg bg-slate-800 px-4 text-base font-semibold text-white hover:bg-slate-700 \
    disabled:opacity-60 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-800";
pub const BUTTON_QUIET: &str = "min-h-11 rounded-lg border border-slate-400 px-3 text-sm font-medium text-slate-800 \
    hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-slate-800 \
    disabled:cursor-not-allowed disabled:border-slate-200 disabled:text-slate-500 disabled:hover:bg-transparent";
/// A file picker whose button is a full-size touch target.
pub const FILE_INPUT: &str =
    "mt-1 block min-h-11 w-full text-base file:mr-3 file:min-h-11 file:rounded-lg \
    file:border-0 file:bg-slate-200 file:px-4 file:font-semibold file:text-slate-900";
pub const CARD: &str = "mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200";
pub const H2: &str = "text-xl font-bold text-gray-900";

/// One request at a time from a form: a second click while the first is on
/// its way does nothing, so no fee, payment, account or report is made twice.
#[derive(Clone, Copy)]
pub struct OneAtATime(RwSignal<bool>);

impl OneAtATime {
    pub fn new() -> Self {
        OneAtATime(RwSignal::new(false))
    }

    /// A request is on its way (for a button's `disabled`).
    pub fn busy(self) -> bool {
        self.0.get()
    }

    /// Starts `work` unless a request is already on its way.
    pub fn run(self, work: impl std::future::Future<Output = ()> + 'static) {
        if self.0.get_untracked() {
            return;
        }
        self.0.set(true);
        let flag = self.0;
        leptos::task::spawn_local(async move {
            work.await;
            flag.set(false);
        });
    }
}

/// Searches where the last one asked wins. A list opens with everything and is
/// searched at once; the first, larger answer may arrive after the search's and
/// must not replace it (a slow connection caught it showing every invoice under
/// the filter "not fully paid").
#[derive(Clone, Copy)]
pub struct Latest(StoredValue<u64>);

impl Latest {
    pub fn new() -> Self {
        Latest(StoredValue::new(0))
    }

    /// Asks (`ask` makes the request), and hands the answer to `show` unless
    /// another was asked since. Nothing is asked once the page is left (a
    /// reload after a void may come after the accountant moved on): the
    /// page's signals are gone with it.
    pub fn run<T: 'static, F: std::future::Future<Output = T> + 'static>(
        self,
        ask: impl FnOnce() -> F,
        show: impl FnOnce(T) + 'static,
    ) {
        let Some(ticket) = self.0.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        let answer = ask();
        leptos::task::spawn_local(async move {
            let answer = answer.await;
            if self.0.try_get_value() == Some(ticket) {
                show(answer);
            }
        });
    }
}

/// A labelled input bound to a signal.
#[component]
pub fn Field(
    /// Unique on the page: a label names its own input only.
    #[prop(into)]
    id: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-semibold text-gray-900">{label}</label>
            <input
                id=id.clone()
                name=id
                type=kind.unwrap_or("text")
                class=INPUT
                autocomplete=autocomplete.unwrap_or("off")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|h| view! { <p class="mt-1 text-sm text-gray-600">{h}</p> })}
        </div>
    }
}

/// An amount field's text, and whether a save was tried (an empty field says
/// "enter an amount" only then).
#[derive(Clone, Copy)]
pub struct AmountInput {
    pub text: RwSignal<String>,
    tried: RwSignal<bool>,
}

impl AmountInput {
    pub fn new() -> Self {
        AmountInput {
            text: RwSignal::new(String::new()),
            tried: RwSignal::new(false),
        }
    }

    /// The amount to save; `None` when it cannot be read for sure (the field
    /// says why, so nothing is sent).
    pub fn take(self) -> Option<Vnd> {
        self.tried.set(true);
        typed_amount::parse(&self.text.get_untracked()).ok()
    }

    /// A field that starts with this text (a suggested amount).
    pub fn with_text(text: String) -> Self {
        let input = AmountInput::new();
        input.text.set(text);
        input
    }

    /// The amount as typed so far, if it reads (a running total, not a save).
    pub fn current(self) -> Option<Vnd> {
        typed_amount::parse(&self.text.get()).ok()
    }

    pub fn clear(self) {
        self.text.set(String::new());
        self.tried.set(false);
    }
}

/// An amount in đồng, typed as people type it (`150.000`, `150k`, `1,5tr`) and
/// read back beneath the field before anything is saved: "= 150.000 đ", or why
/// it cannot be read. Typing "15k" once saved a fee of 15 đ.
#[component]
pub fn AmountField(
    #[prop(into)] id: String,
    label: &'static str,
    input: AmountInput,
) -> impl IntoView {
    let read_id = format!("{id}-read");
    let reading_id = read_id.clone();
    let reading = move || {
        let text = input.text.get();
        if text.trim().is_empty() && !input.tried.get() {
            return None;
        }
        let id = reading_id.clone();
        Some(match typed_amount::parse(&text) {
            Ok(v) => view! { <p id=id class="mt-1 text-sm font-semibold text-gray-900" data-testid="amount-read">{format!("= {v}")}</p> }.into_any(),
            Err(e) => {
                let (vi, en) = e.message();
                view! { <p id=id class="mt-1 text-sm font-semibold text-red-800" data-testid="amount-read">{super::tr(vi, en)}</p> }.into_any()
            }
        })
    };
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-semibold text-gray-900">{label}</label>
            <input id=id.clone() name=id type="text" class=INPUT autocomplete="off" aria-describedby=read_id
                prop:value=move || input.text.get() on:input=move |ev| input.text.set(event_target_value(&ev))/>
            <div aria-live="polite">{reading}</div>
        </div>
    }
}

/// A labelled input whose id is made at run time (one per row of a list).
#[component]
pub fn Input(id: String, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-semibold text-gray-900">{label}</label>
            <input id=id class=INPUT autocomplete="off"
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

/// The outcome of the last action: an error to act on, or what was done.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done(String),
    Failed(AppError),
    /// Refused on the page itself, before anything was sent ("Hãy chọn một tệp.").
    Refused(String),
}

/// What a list's search shows of its answer: the rows, or what went wrong. A
/// search that worked clears the last one's error (not a save's message).
pub fn show_list<T: Send + Sync + 'static>(
    rows: RwSignal<Option<Vec<T>>>,
    outcome: RwSignal<Option<Outcome>>,
) -> impl FnOnce(Result<Vec<T>, AppError>) {
    move |answer| match answer {
        Ok(list) => {
            outcome.update(|o| {
                if matches!(o, Some(Outcome::Failed(_))) {
                    *o = None
                }
            });
            rows.set(Some(list))
        }
        Err(e) => outcome.set(Some(Outcome::Failed(e))),
    }
}

#[component]
pub fn OutcomeNotice(outcome: RwSignal<Option<Outcome>>) -> impl IntoView {
    // A message answering what the person just did is brought into view as
    // it appears: a row voided far down a long list, or a form's error under
    // its button on a phone, must say what happened where the accountant is
    // looking. A message on its own (a list that could not load as the page
    // opened) leaves the page where it is.
    let shown = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let Some(el) = shown.get() {
            if just_acted() {
                bring_into_view(&el);
            }
        }
    });
    move || {
        outcome.get().map(|o| match o {
            Outcome::Done(msg) => view! {
                <p node_ref=shown role="status" class="mt-3 rounded-lg border border-green-300 bg-green-50 p-3 text-green-900">{msg}</p>
            }
            .into_any(),
            Outcome::Failed(e) => view! {
                <p node_ref=shown role="alert" class="mt-3 rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
                    {crate::i18n::staff_error_message(crate::ui::current_lang(), &e)}
                </p>
            }
            .into_any(),
            Outcome::Refused(msg) => view! {
                <p node_ref=shown role="alert" class="mt-3 rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">{msg}</p>
            }
            .into_any(),
        })
    }
}

/// What a page or list could not load, with "Thử lại" beside it. On a phone
/// that lost its signal for a moment, the message said "thử lại" and the only
/// way to do so was to reload the whole app (losing the period or class chosen).
#[component]
pub fn LoadFailed(error: AppError, retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    // Only where asking again may help: not for a page one may not see.
    let may_pass = matches!(
        error,
        AppError::Network(_) | AppError::Internal | AppError::Busy
    );
    view! {
        <div role="alert" class="mt-3 flex flex-wrap items-center gap-3 rounded-lg border border-red-300 bg-red-50 p-3 text-red-900" data-testid="load-failed">
            <p class="min-w-0 flex-1">{crate::i18n::staff_error_message(crate::ui::current_lang(), &error)}</p>
            {may_pass.then(|| view! {
                <button type="button" class=BUTTON_QUIET on:click=move |_| retry()>{super::tr("Thử lại", "Try again")}</button>
            })}
        </div>
    }
}

/// Previous and next for a long list cut into pages (see [`crate::paging`]),
/// with where the reader is: "Trang 2 / 5 · 101–200 trong tổng số 430".
#[component]
pub fn Pages(count: usize, page: RwSignal<usize>) -> impl IntoView {
    use crate::paging::{clamp_page, page_count, PER_PAGE};
    let pages = page_count(count);
    let shown = move || clamp_page(count, page.get());
    (pages > 1).then(|| {
        view! {
            // A `div`, not a `nav`: the workspace's menu is the page's navigation.
            <div role="group" class="mt-2 flex flex-wrap items-center gap-2" aria-label=super::tr("Các trang", "Pages") data-testid="pages">
                <button type="button" class=BUTTON_QUIET prop:disabled=move || shown() == 0
                    on:click=move |_| page.set(shown().saturating_sub(1))>{super::tr("‹ Trang trước", "‹ Previous")}</button>
                <span class="order-first w-full text-sm text-gray-800 sm:order-none sm:w-auto" aria-live="polite">{move || {
                    let p = shown();
                    format!("{} {} / {pages} · {}–{} {} {count}", super::tr("Trang", "Page"), p + 1,
                        p * PER_PAGE + 1, ((p + 1) * PER_PAGE).min(count), super::tr("trong tổng số", "of"))
                }}</span>
                <button type="button" class=BUTTON_QUIET prop:disabled=move || { shown() + 1 >= pages }
                    on:click=move |_| page.set((shown() + 1).min(pages - 1))>{super::tr("Trang sau ›", "Next ›")}</button>
            </div>
        }
    })
}

/// Shows a one-time link to copy and hand over (no e-mail is assumed).
#[component]
pub fn LinkBox(
    link: OneTimeLink,
    note: &'static str,
    #[prop(optional)] label: Option<&'static str>,
) -> impl IntoView {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let url = format!("{origin}{}", link.path);
    view! {
        <div class="mt-3 rounded-lg border border-slate-300 bg-slate-50 p-3">
            <p class="text-sm text-gray-700">{note}</p>
            <crate::ui::components::copy::CopyRow label=label.unwrap_or(super::tr("Đường dẫn dùng một lần", "One-time link")) value=url prose=true/>
        </div>
    }
}

/// Saves a file the server sent as base64 (an export) through the browser.
pub fn download(file_name: &str, mime: &str, base64: &str) {
    save_as(&format!("data:{mime};base64,{base64}"), file_name);
}

/// Has the browser save what `href` points at (a data: or blob: address) as
/// `file_name`; false when there is no page to do it in.
fn save_as(href: &str, file_name: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(link) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    link.set_href(href);
    link.set_download(file_name);
    link.click();
    true
}

/// Where a file import is: reading the file, checking it, writing it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Idle,
    Reading,
    Checking,
    Writing,
}

/// An import's progress: one request, so the stage is named rather than counted.
#[component]
pub fn StageProgress(
    stage: RwSignal<Stage>,
    /// What "checking" means for this import.
    checking: &'static str,
    /// What "writing" means for this import.
    writing: &'static str,
) -> impl IntoView {
    move || {
        let label = match stage.get() {
            Stage::Idle => return None,
            Stage::Reading => super::tr("Đang đọc tệp…", "Reading the file…"),
            Stage::Checking => checking,
            Stage::Writing => writing,
        };
        Some(view! {
            <div class="mt-3" role="status" aria-live="polite">
                <progress class="w-full" aria-label=label></progress>
                <p class="text-sm text-gray-700">{label}</p>
            </div>
        })
    }
}

/// An action that needs a reason (ending an exemption, cancelling a credit,
/// voiding an invoice): the button opens a field for the reason right where it
/// is, and the action runs once a reason is given. Not the browser's prompt:
/// that one is unstyled, speaks the browser's language and is easily dismissed
/// by a thumb on a phone.
#[component]
pub fn ReasonButton(
    /// The button's words ("Bỏ miễn giảm").
    label: &'static str,
    /// What the field asks ("Lý do bỏ miễn giảm của Nguyễn Minh An").
    ask: String,
    /// Runs with the reason given (trimmed, not empty).
    #[prop(into)]
    on_reason: Callback<String>,
) -> impl IntoView {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Each field its own id, so its label names it alone.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let id = format!("reason-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let ask = StoredValue::new(ask);
    // The field takes the focus when it opens (a keyboard user types at once).
    let input_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let (true, Some(input)) = (open.get(), input_ref.get()) {
            let _ = input.focus();
        }
    });
    let confirm = move || {
        let given = reason.get_untracked().trim().to_string();
        if given.is_empty() {
            missing.set(true);
            return;
        }
        open.set(false);
        missing.set(false);
        reason.set(String::new());
        on_reason.run(given);
    };
    move || {
        if !open.get() {
            return view! {
                <button type="button" class="min-h-11 px-1 text-red-800 underline" on:click=move |_| open.set(true)>{label}</button>
            }
            .into_any();
        }
        let id = id.clone();
        view! {
            <form class="mt-1 w-full rounded-lg border border-amber-400 bg-amber-50 p-2" data-testid="reason-form"
                on:submit=move |ev| { ev.prevent_default(); confirm(); }>
                <label for=id.clone() class="block text-sm font-semibold text-gray-900">{ask.get_value()}</label>
                <input id=id node_ref=input_ref type="text" class=INPUT autocomplete="off" maxlength="200"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                {move || missing.get().then(|| view! {
                    <p role="alert" class="mt-1 text-sm font-semibold text-red-800">{super::tr("Hãy ghi lý do (lý do được lưu vào nhật ký thay đổi).", "Give a reason: it goes into the change log.")}</p>
                })}
                <div class="mt-2 flex flex-wrap gap-2">
                    <button type="submit" class=BUTTON>{label}</button>
                    <button type="button" class=BUTTON_QUIET on:click=move |_| { open.set(false); missing.set(false); }>{super::tr("Đóng", "Close")}</button>
                </div>
            </form>
        }
        .into_any()
    }
}

/// A file the server makes on request (a class's notices as one PDF): fetched
/// with the staff's session, saved under the server's file name, and when the
/// server refuses (signed out, no invoices for the period) its words are shown
/// here instead of a broken download.
#[component]
pub fn FileDownload(
    href: String,
    label: &'static str,
    /// The name to save under if the server gives none.
    fallback_name: String,
) -> impl IntoView {
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    let fetch = move |_| {
        let (href, fallback_name) = (href.clone(), fallback_name.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let failed = fetch_and_save(&href, &fallback_name).await.err();
            busy.set(false);
            outcome.set(failed.map(Outcome::Failed));
        });
    };
    view! {
        <button type="button" class=format!("{BUTTON_QUIET} inline-flex items-center") prop:disabled=move || busy.get() on:click=fetch>
            {move || if busy.get() { super::tr("Đang tạo tệp…", "Making the file…") } else { label }}
        </button>
        <OutcomeNotice outcome/>
    }
}

/// The header a file's address names its refusal in: the error, encoded as the
/// server functions encode theirs, in hex.
pub const ERROR_HEADER: &str = "x-hocphi-error";

async fn fetch_and_save(href: &str, fallback_name: &str) -> Result<(), AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or(AppError::Internal)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(href))
        .await
        .ok()
        .and_then(|r| r.dyn_into().ok())
        .ok_or_else(|| AppError::Network("fetch".into()))?;
    if !response.ok() {
        // The server names its refusal in a header (the body is words for a
        // person who opened the address directly): said here in the app's language.
        let named = response
            .headers()
            .get(ERROR_HEADER)
            .ok()
            .flatten()
            .and_then(|h| crate::domain::hex::decode(&h))
            .and_then(|bytes| AppError::decode(&bytes));
        return Err(named.unwrap_or(match response.status() {
            401 => AppError::NotSignedIn,
            403 => AppError::Forbidden,
            404 => AppError::NotFound,
            _ => AppError::Internal,
        }));
    }
    let name = response
        .headers()
        .get("content-disposition")
        .ok()
        .flatten()
        .and_then(|d| {
            d.split("filename=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
        })
        .unwrap_or_else(|| fallback_name.to_string());
    let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(|_| AppError::Internal)?)
        .await
        .ok()
        .and_then(|b| b.dyn_into().ok())
        .ok_or_else(|| AppError::Network("fetch".into()))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| AppError::Internal)?;
    let saved = save_as(&url, &name);
    let _ = web_sys::Url::revoke_object_url(&url);
    saved.then_some(()).ok_or(AppError::Internal)
}

/// Whether the person has just pressed or typed something: the browser's
/// transient user activation (`navigator.userActivation.isActive`, a few
/// seconds). False where a browser cannot tell.
fn just_acted() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"userActivation".into()).ok())
        .filter(|a| a.is_object())
        .and_then(|a| js_sys::Reflect::get(&a, &"isActive".into()).ok())
        .and_then(|active| active.as_bool())
        .unwrap_or(false)
}

/// Scrolls the page just enough to show `el`, and not at all when it is in
/// view (`scrollIntoView({block: "nearest"})`).
pub fn bring_into_view(el: &web_sys::Element) {
    use wasm_bindgen::JsCast;
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"block".into(), &"nearest".into());
    if let Ok(scroll) = js_sys::Reflect::get(el, &"scrollIntoView".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = scroll.call1(el, &options);
    }
}

/// Moves the keyboard (and the screen) to a field, e.g. the form a row's
/// "Edit" filled in.
pub fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
        el.scroll_into_view();
    }
}
