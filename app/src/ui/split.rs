//! Pages in wasm chunks of their own, fetched when first opened (the parent's
//! and the trust app's; scripts/split-wasm.mjs cuts them out after the build).

use crate::ui::tr;
use leptos::prelude::*;

/// A route whose page is a split point, declared in an entry point's binary:
/// `split_page!(child_route, child_page, pages::child::ChildPage)`. A split point
/// is linked into every binary that holds it, so it must not live in the
/// library. If the chunk cannot be fetched (mobile data dropped), the page says
/// so and offers to try again, instead of the whole app stopping.
#[macro_export]
macro_rules! split_page {
    ($route:ident, $chunk:ident, $page:path) => {
        /// The page, fetched in its own chunk (`ui::router::Page::Later`): made
        /// only if it is still `wanted` once its code has arrived.
        fn $route(wanted: $crate::ui::router::Wanted) -> $crate::ui::router::Fetching {
            Box::pin(async move {
                use ::leptos::prelude::*;
                #[::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch))]
                fn page() -> Result<AnyView, ::leptos::wasm_split::SplitLoaderError> {
                    Ok(view! { <$page/> }.into_any())
                }
                if fetch().await.is_err() {
                    return Some($crate::ui::not_loaded());
                }
                if !wanted() {
                    return None;
                }
                Some(page().await.unwrap_or_else(|_| $crate::ui::not_loaded()))
            })
        }
    };
}

/// A page whose code did not arrive.
pub fn not_loaded() -> AnyView {
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
