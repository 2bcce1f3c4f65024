//! The parent's entry point, compiled to wasm by Trunk. (No panic hook: the web
//! build aborts on panic without formatting a message; see scripts/build-web.sh.)
//!
//! The pages past the lookup are split points: a first visit downloads the frame
//! and the lookup page, and each other page's code arrives, in its own wasm chunk,
//! when the parent first opens it (scripts/split-wasm.mjs cuts the chunks). They
//! are declared here, not in the library, because a split point is linked into
//! every binary that contains it, and only this one is cut.

use hocphi_app::ui::{frame, mount_app, not_found, pages, tr};
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{path, Lazy, LazyRoute};

fn main() {
    mount_app(|| frame(parent_routes));
}

/// The parent's journey: look up, see what is due, pay.
fn parent_routes() -> AnyView {
    view! {
        <Routes fallback=not_found>
            <Route path=path!("/") view=pages::lookup::LookupPage/>
            <Route path=path!("/s/:school") view=pages::lookup::LookupPage/>
            <Route path=path!("/s/:school/:class") view=pages::lookup::LookupPage/>
            <Route path=path!("/l/:secret") view={Lazy::<LinkRoute>::new()}/>
            <Route path=path!("/nop-gop") view={Lazy::<PayTogetherRoute>::new()}/>
            <Route path=path!("/con/:child") view={Lazy::<ChildRoute>::new()}/>
            <Route path=path!("/con/:child/:code") view={Lazy::<InvoiceRoute>::new()}/>
            <Route path=path!("/thanh-toan") view={Lazy::<PaidOnlineRoute>::new()}/>
        </Routes>
    }
    .into_any()
}

/// A route whose page is a split point. Its chunk is fetched when the page is
/// first opened; if that fails (mobile data dropped), the page says so and
/// offers to try again, instead of the whole app stopping.
macro_rules! lazy_page {
    ($route:ident, $chunk:ident, $page:path) => {
        struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
                fn page() -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
                    Ok(view! { <$page/> }.into_any())
                }
                page().await.unwrap_or_else(|_| not_loaded())
            }
        }
    };
}

lazy_page!(ChildRoute, child_page, pages::child::ChildPage);
lazy_page!(InvoiceRoute, invoice_page, pages::invoice::InvoicePage);
lazy_page!(
    PayTogetherRoute,
    pay_together_page,
    pages::pay_together::PayTogetherPage
);
lazy_page!(
    PaidOnlineRoute,
    paid_online_page,
    pages::paid_online::PaidOnlinePage
);
lazy_page!(LinkRoute, link_page, pages::link::StudentLinkPage);

/// A page whose code did not arrive.
fn not_loaded() -> AnyView {
    let reload = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <div role="alert" data-testid="page-not-loaded" class="my-6 rounded-lg border border-red-300 bg-red-50 p-4 text-base text-red-900">
            <p>{tr("Không tải được trang này: mạng đang chập chờn. Hãy kiểm tra kết nối rồi thử lại.",
                "This page could not be loaded: the connection dropped. Check it and try again.")}</p>
            <button type="button" on:click=reload
                class="mt-3 min-h-11 rounded-lg bg-teal-700 px-4 font-semibold text-white hover:bg-teal-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-700">
                {tr("Thử lại", "Try again")}
            </button>
        </div>
    }
    .into_any()
}
