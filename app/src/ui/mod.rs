//! The parent's app in the browser.

pub(crate) mod components;
pub(crate) mod fetch;
pub mod offline;
mod split;
pub use split::not_loaded;
pub mod pages;
pub mod router;
mod rpc;
mod shell;
mod storage;

/// The language this device chose (shared with the staff app).
pub fn storage_lang() -> Lang {
    storage::lang()
}

use crate::i18n::{Lang, Texts};
use leptos::prelude::*;

/// The language signal, shared through context.
#[derive(Clone, Copy)]
pub struct Language(pub RwSignal<Lang>);

impl Language {
    /// Switches Vietnamese ↔ English, remembered on this device.
    pub fn toggle(self) {
        let next = self.0.get_untracked().other();
        storage::set_lang(next);
        shell::keep_typed();
        self.0.set(next);
    }
}

/// The current language's texts. Untracked: a change of language re-renders the
/// whole app (see `App`), which keeps every text a plain string instead of a
/// reactive closure, and the parent's bundle much smaller.
pub fn texts() -> &'static Texts {
    current_lang().texts()
}

/// The language in force. Also callable where no reactive owner is (code that
/// runs after an `await` in `spawn_local`): then the device's stored choice.
pub fn current_lang() -> Lang {
    use_context::<Language>()
        .map(|l| l.0.get_untracked())
        .unwrap_or_else(storage::lang)
}

/// Texts not in the shared table yet, Vietnamese first: `tr("Biên lai", "Receipts")`.
pub fn tr(vi: &'static str, en: &'static str) -> &'static str {
    match current_lang() {
        crate::i18n::Lang::Vi => vi,
        crate::i18n::Lang::En => en,
    }
}

/// The frame every parent page shares: header, language, router. `routes` are
/// the pages of one entry point; each entry links only its own (the parent's
/// journey is in `bin/parent.rs`).
pub fn frame(routes: &'static [router::Route]) -> impl IntoView {
    let lang = RwSignal::new(storage::lang());
    storage::set_lang(lang.get_untracked());
    provide_context(Language(lang));
    router::start(routes);
    // The app's header comes a task after the mount while the shell's can stand
    // in for it (`mount_app` keeps it): drawn alike, in Vietnamese, with the
    // same language button (disabled). The mount's task then holds a slow
    // phone's main thread for the page alone. Otherwise (English chosen, or a
    // shell without it) the app's header is drawn at once.
    let stand_in = matches!(lang.get_untracked(), Lang::Vi) && shell::header_alike();
    let header_now = RwSignal::new(!stand_in);
    if stand_in {
        set_timeout(
            move || {
                shell::drop_header();
                header_now.set(true);
            },
            std::time::Duration::ZERO,
        );
    } else {
        shell::drop_header();
    }
    view! {
        {move || {
            lang.track();
            view! {
                {move || header_now.get().then(|| view! { <Header/> })}
                <main class="mx-auto max-w-xl px-4 pb-16">{router::view(not_found_page)}</main>
                // While a page's code is still downloading (its wasm chunk, on
                // slow mobile data), the tap visibly did something. Fixed at the
                // top, so drawn after the page: a page opened from its link has
                // set `routing` by then, and the badge is not drawn twice. (The
                // page the app opened on says "Đang mở trang…" instead.)
                {move || router::routing().then(|| view! {
                    <p role="status" data-testid="page-loading" class="fixed inset-x-0 top-0 z-50 mx-auto w-max rounded-b-lg bg-amber-300 px-4 py-1 text-base font-medium text-amber-950">
                        {texts().loading}
                    </p>
                })}
            }
        }}
    }
}

/// [`not_found`] as a router's fallback.
fn not_found_page() -> AnyView {
    not_found().into_any()
}

pub fn not_found() -> impl IntoView {
    view! {
        <p class="py-8 text-lg">{texts().page_not_found}</p>
        <components::to_fees::ToFees/>
    }
}

/// A receipt by its link: its own small entry point, so that the signature
/// checking code is downloaded by those who open a receipt, not by every visit.
static RECEIPT_ROUTES: [router::Route; 1] = [router::Route {
    path: "/r/:code",
    title: ("Biên lai điện tử", "Electronic receipt"),
    page: router::Page::Now(receipt_page),
}];

fn receipt_page() -> AnyView {
    view! { <pages::receipt::ReceiptPage/> }.into_any()
}

#[component]
fn Header() -> impl IntoView {
    let Language(lang) = expect_context::<Language>();
    let toggle = move |_| Language(lang).toggle();
    view! {
        <header class="bg-teal-800 text-white">
            <div class="mx-auto flex max-w-xl items-center justify-between px-4 py-3">
                // A plain link: from the receipt app, `/` is another entry point.
                <a href="/" rel="external" class="flex flex-col leading-tight">
                    <span class="text-xl font-bold tracking-tight">"hocphi"</span>
                    <span class="text-sm text-teal-100">{texts().tagline}</span>
                </a>
                <button
                    type="button"
                    class="min-h-11 rounded-lg border border-teal-300 px-3 text-sm font-medium hover:bg-teal-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-white"
                    on:click=toggle
                    lang=lang.get_untracked().other().code()
                >
                    {texts().switch_language}
                </button>
            </div>
        </header>
    }
}

/// Starts the receipt app (`/r/<code>`).
pub fn mount_receipt() {
    mount_app(|| frame(&RECEIPT_ROUTES));
}

/// Mounts an app into `#app`, replacing the static shell painted while its wasm
/// downloaded (shared by every entry point). The shell is given one frame to
/// paint first: on a fast connection the wasm can arrive before the first paint,
/// and the page would otherwise wait for the app's own render to show anything.
/// The mount runs in a task after that frame (a timeout set from the frame's
/// callback), not inside it, so that the browser's style and layout of the new
/// page come in a task of their own: on a phone 4× slower than this machine the
/// mount and that frame's work together passed 60 ms.
pub fn mount_app<V: IntoView + 'static>(app: impl FnOnce() -> V + 'static) {
    request_animation_frame(move || {
        set_timeout(
            move || {
                let document = web_sys::window()
                    .and_then(|w| w.document())
                    .expect("a document");
                let root = document.get_element_by_id("app").expect("#app in the page");
                // What the parent typed on the shell is kept for the app's fields.
                shell::take_from(&root);
                shell::clear_but_header(&root);
                let root: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(root);
                leptos::mount::mount_to(root, app).forget();
            },
            std::time::Duration::ZERO,
        )
    });
}
