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
use hocphi_app::ui::router::{Page, Route};
use hocphi_app::ui::{frame, mount_app, pages};
use leptos::prelude::*;

fn main() {
    mount_app(|| frame(&PARENT_ROUTES));
    // Copies an older version kept are unreadable now: their room is freed once
    // the page is up (housekeeping, so not in the start's own task; it reads
    // every key of the storage). Nothing reads those keys meanwhile.
    set_timeout(
        hocphi_app::ui::offline::forget_earlier_version,
        std::time::Duration::from_secs(3),
    );
}

/// The parent's journey: look up, see what is due, pay.
static PARENT_ROUTES: [Route; 8] = [
    Route {
        path: "/",
        title: ("Tra cứu khoản thu", "Look up fees"),
        page: Page::Now(lookup),
    },
    Route {
        path: "/s/:school",
        title: ("Tra cứu khoản thu", "Look up fees"),
        page: Page::Now(lookup),
    },
    Route {
        path: "/s/:school/:class",
        title: ("Tra cứu khoản thu", "Look up fees"),
        page: Page::Now(lookup),
    },
    Route {
        path: "/l/:secret",
        title: ("Mở khoản thu của con", "Opening your child's fees"),
        page: Page::Later(link_route),
    },
    Route {
        path: "/nop-gop",
        title: ("Nộp nhiều khoản một lần", "Pay several at once"),
        page: Page::Later(pay_together_route),
    },
    Route {
        path: "/con/:child",
        title: ("Khoản thu của con", "Your child's fees"),
        page: Page::Later(child_route),
    },
    Route {
        path: "/con/:child/:code",
        title: ("Nộp khoản thu", "Pay a fee"),
        page: Page::Later(invoice_route),
    },
    Route {
        path: "/thanh-toan",
        title: ("Kết quả thanh toán", "Payment result"),
        page: Page::Later(paid_online_route),
    },
];

fn lookup() -> AnyView {
    view! { <pages::lookup::LookupPage/> }.into_any()
}

split_page!(child_route, child_page, pages::child::ChildPage);
split_page!(invoice_route, invoice_page, pages::invoice::InvoicePage);
split_page!(
    pay_together_route,
    pay_together_page,
    pages::pay_together::PayTogetherPage
);
split_page!(
    paid_online_route,
    paid_online_page,
    pages::paid_online::PaidOnlinePage
);
split_page!(link_route, link_page, pages::link::StudentLinkPage);
