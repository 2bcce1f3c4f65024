//! The parent's, receipt and trust apps' router: a table of paths, each a page
//! drawn now or fetched in its own wasm chunk (`split_page!`). It replaces
//! leptos_router in these apps, whose generic machinery (nested routes,
//! transitions, typed paths) cost the parent's first download some 30 KB of
//! brotli-compressed wasm for a handful of flat paths. The staff app keeps
//! leptos_router.
//!
//! A click on a link to a path of this app's table is handled here (the page
//! changes without a reload); any other link (another app of the site, a file)
//! is left to the browser. Back and forward work through `popstate`.

use crate::domain::route_path;
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;

/// Whether a page being fetched is still the one to draw.
pub type Wanted = Rc<dyn Fn() -> bool>;

/// A page on its way: `None` if it was no longer wanted when its code arrived.
pub type Fetching = Pin<Box<dyn Future<Output = Option<AnyView>>>>;

/// How a route's page is drawn.
#[derive(Clone, Copy)]
pub enum Page {
    /// In the first chunk.
    Now(fn() -> AnyView),
    /// In a chunk of its own, fetched when first opened; made only if still
    /// wanted when its code arrives (`None` otherwise: the parent moved on).
    Later(fn(Wanted) -> Fetching),
}

/// A path pattern (`/con/:child/:code`; `:name` takes one segment) and its page.
#[derive(Clone, Copy)]
pub struct Route {
    pub path: &'static str,
    /// The page's name in the browser's tab, history and app switcher,
    /// (Vietnamese, English): never a child's name, which those keep.
    pub title: (&'static str, &'static str),
    pub page: Page,
}

/// The current path, whether a page's chunk is being fetched, and how many
/// pages have been drawn.
#[derive(Clone, Copy)]
struct Router {
    path: RwSignal<String>,
    routing: RwSignal<bool>,
    table: StoredValue<&'static [Route]>,
    drawn: StoredValue<u64>,
    /// Whether a page has been shown yet: until then, a page whose code is on
    /// its way says "Đang mở trang…" (the app has only just opened).
    shown: StoredValue<bool>,
    /// The later pages whose code was asked for already (by their fetching fn).
    fetched: StoredValue<Vec<usize>>,
    /// The path the app opened on and the title the server named it with (a
    /// school's, class's or receipt's link names the school; the pages'
    /// own titles start "hocphi · "): kept on that path.
    opened: StoredValue<(String, String)>,
}

/// The segments a route's `:name`s took, for the page drawn.
#[derive(Clone)]
struct Params(Vec<(&'static str, String)>);

fn find(table: &'static [Route], path: &str) -> Option<(Route, Vec<(&'static str, String)>)> {
    table
        .iter()
        .find_map(|route| route_path::matches(route.path, path).map(|params| (*route, params)))
}

fn pathname() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".to_string())
}

/// The value of the current page's `:name` segment.
pub fn param(name: &str) -> Option<String> {
    use_context::<Params>()?
        .0
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The value of `key` in the address's query string (`?hd=…`).
pub fn query(key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Whether a page's chunk is being fetched after another page was drawn (the
/// frame says "Đang tải…"). The page the app opened on says "Đang mở trang…"
/// in its place instead, as the shell did.
pub fn routing() -> bool {
    use_context::<Router>().is_some_and(|r| r.routing.get() && r.shown.get_value())
}

/// A way to go to another path, taken where the app's context is (a
/// component's body) for use later (after an answer arrives): `navigate(to,
/// replace)` goes to `to`, in place of the current entry of the history if
/// `replace`. Another app's path is loaded by the browser.
pub fn use_navigate() -> impl Fn(&str, bool) + Clone {
    let router = use_context::<Router>();
    move |to: &str, replace: bool| match router {
        Some(router) if find(router.table.get_value(), path_of(to)).is_some() => {
            go(router, to, replace)
        }
        _ => {
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(to);
            }
        }
    }
}

/// A way on from a page that is only a passage while the app opens (a
/// teacher's link, redeemed on the way to the child's page): `pass_on(to)`
/// goes to `to` in place of it, and `to`, while its code is on its way, still
/// says "Đang mở trang…" rather than a second wording for the same wait.
pub fn use_pass_on() -> impl Fn(&str) + Clone {
    let router = use_context::<Router>();
    let navigate = use_navigate();
    move |to: &str| {
        if let Some(router) = router {
            router.shown.set_value(false);
        }
        navigate(to, true);
    }
}

fn go(router: Router, to: &str, replace: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let here = window
        .location()
        .href()
        .ok()
        .zip(window.location().origin().ok())
        .map(|(href, origin)| href.trim_start_matches(&origin).to_string());
    if here.as_deref() == Some(to) {
        // A link to the page shown: nothing to do (no second history entry).
        return;
    }
    if let Ok(history) = window.history() {
        let _ = if replace {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to))
        } else {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to))
        };
    }
    router.path.set(path_of(to).to_string());
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

fn path_of(to: &str) -> &str {
    to.split(['?', '#']).next().unwrap_or(to)
}

/// Starts routing over `table` for the app being mounted: follows the links to
/// its paths and the history. Once per app, before [`view`].
pub fn start(table: &'static [Route]) {
    let router = Router {
        path: RwSignal::new(pathname()),
        routing: RwSignal::new(false),
        table: StoredValue::new(table),
        drawn: StoredValue::new(0),
        shown: StoredValue::new(false),
        fetched: StoredValue::new(Vec::new()),
        opened: StoredValue::new((
            pathname(),
            document_title()
                .filter(|t| !t.starts_with("hocphi · "))
                .unwrap_or_default(),
        )),
    };
    provide_context(router);
    listen(router);
}

/// The page of the current path (`fallback` when no route matches).
pub fn view(fallback: fn() -> AnyView) -> impl IntoView {
    let router = expect_context::<Router>();
    move || {
        let path = router.path.get();
        // Each drawing numbered: a chunk that arrives for a page already left
        // is not drawn.
        let this = router.drawn.get_value() + 1;
        router.drawn.set_value(this);
        let Some((route, params)) = find(router.table.get_value(), &path) else {
            set_title(router, &path, ("Không tìm thấy trang", "Page not found"));
            router.routing.set(false);
            router.shown.set_value(true);
            return fallback();
        };
        provide_context(Params(params));
        set_title(router, &path, route.title);
        match route.page {
            Page::Now(page) => {
                router.routing.set(false);
                router.shown.set_value(true);
                page()
            }
            Page::Later(load) => {
                let ready = RwSignal::new(false);
                let view = StoredValue::new_local(None::<AnyView>);
                let opening = !router.shown.get_value();
                router.routing.set(true);
                // The page is made as its chunk arrives: under this drawing's
                // owner, so that it has the app's context and its route's params.
                let current = move || router.drawn.try_get_value() == Some(this);
                let loading = ScopedFuture::new_untracked(load(Rc::new(current)));
                // The first time, its code is asked for in a task after the
                // one drawing this: on a slow phone the two together made one
                // long task. Once fetched, the page is made at once, before the
                // next paint (no frame with an empty page and the badge).
                let key = load as usize;
                let first = router
                    .fetched
                    .try_update_value(|f| {
                        let first = !f.contains(&key);
                        if first {
                            f.push(key);
                        }
                        first
                    })
                    .unwrap_or(false);
                spawn_local(async move {
                    if first {
                        next_task().await;
                        if !current() {
                            return;
                        }
                    }
                    let page = loading.await;
                    // (`try_`: `view` and `ready` are gone with this drawing if
                    // the page was left meanwhile.)
                    if let Some(page) = page.filter(|_| current()) {
                        let _ = view.try_set_value(Some(page));
                        let _ = ready.try_set(true);
                        router.shown.set_value(true);
                        router.routing.set(false);
                    }
                });
                (move || {
                    ready.track();
                    view.try_update_value(Option::take)
                        .flatten()
                        .or_else(|| opening.then(super::components::notice::opening))
                })
                .into_any()
            }
        }
    }
}

/// Names the page in the browser (a screen reader says it first, and one
/// title for every page made the tabs and the history alike): the route's,
/// or on the path the app opened on, the server's.
fn set_title(router: Router, path: &str, (vi, en): (&'static str, &'static str)) {
    let title = router
        .opened
        .with_value(|(first, title)| (first == path && !title.is_empty()).then(|| title.clone()))
        .unwrap_or_else(|| format!("hocphi · {}", super::tr(vi, en)));
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&title);
    }
}

fn document_title() -> Option<String> {
    Some(web_sys::window()?.document()?.title())
}

/// Resolves in a later task (a zero timeout), letting the browser run what
/// waits, and draw, first.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Handles clicks on links to this app's paths, and the back and forward buttons.
fn listen(router: Router) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.ctrl_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        let origin = web_sys::window().and_then(|w| w.location().origin().ok());
        if Some(link.origin()) != origin
            || !link.target().is_empty()
            || link.has_attribute("download")
            || link
                .get_attribute("rel")
                .is_some_and(|r| r.contains("external"))
            || find(router.table.get_value(), &link.pathname()).is_none()
        {
            return;
        }
        ev.prevent_default();
        go(
            router,
            &format!("{}{}{}", link.pathname(), link.search(), link.hash()),
            false,
        );
    });
    let _ = document.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    click.forget();
    // (Also fired by a change of the `#` part alone: the page stays.)
    let pop = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        let path = pathname();
        if router.path.get_untracked() != path {
            router.path.set(path);
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("popstate", pop.as_ref().unchecked_ref());
    }
    pop.forget();
}
