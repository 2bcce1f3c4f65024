//! The parent's entry point, compiled to wasm by Trunk. (No panic hook: the web
//! build aborts on panic without formatting a message; see scripts/build-web.sh.)
//!
//! The pages past the lookup are split points: a first visit downloads the frame
//! and the lookup page, and each other page's code arrives, in its own wasm chunk,
//! when the parent first opens it (scripts/split-wasm.mjs cuts the chunks). They
//! are declared here, not in the library, because a split point is linked into
//! every binary that contains it, and only this one is cut.

use hocphi_app::ui::{frame, mount_app, not_found, pages};
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute};

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

/// A route whose page is a split point.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(ChildRoute, pages::child::ChildPage);
lazy_page!(InvoiceRoute, pages::invoice::InvoicePage);
lazy_page!(PayTogetherRoute, pages::pay_together::PayTogetherPage);
lazy_page!(PaidOnlineRoute, pages::paid_online::PaidOnlinePage);
lazy_page!(LinkRoute, pages::link::StudentLinkPage);
