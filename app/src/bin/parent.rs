//! The parent's entry point, compiled to wasm by Trunk. (No panic hook: the web
//! build aborts on panic without formatting a message; see scripts/build-web.sh.)
//!
//! The pages past the lookup are split points: a first visit downloads the frame
//! and the lookup page, and each other page's code arrives, in its own wasm chunk,
//! when the parent first opens it (scripts/split-wasm.mjs cuts the chunks). They
//! are declared here (`split_page!`), not in the library, because a split point
//! is linked into every binary that contains it, and only the binaries that
//! scripts/split-wasm.mjs cuts may hold one.

use hocphi_app::split_page;
use hocphi_app::ui::{frame, mount_app, not_found, pages};
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{path, Lazy};

fn main() {
    // Copies an older version kept are unreadable now: free their room.
    hocphi_app::ui::offline::forget_earlier_version();
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

split_page!(ChildRoute, child_page, pages::child::ChildPage);
split_page!(InvoiceRoute, invoice_page, pages::invoice::InvoicePage);
split_page!(
    PayTogetherRoute,
    pay_together_page,
    pages::pay_together::PayTogetherPage
);
split_page!(
    PaidOnlineRoute,
    paid_online_page,
    pages::paid_online::PaidOnlinePage
);
split_page!(LinkRoute, link_page, pages::link::StudentLinkPage);
