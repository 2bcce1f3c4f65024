//! The built web app: precompressed files (`.br`, `.gz` made at build time),
//! long-lived caching for content-hashed names, and `index.html` for every client
//! route so that a link like `/s/th-ha-long` opens the app.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>hocphi</title>\
<p>hocphi: the web app has not been built. Run <code>scripts/run.sh</code>, or set HOCPHI_DIST.</p>";

#[derive(Clone)]
pub struct Site(Arc<Inner>);

/// An app's `index.html` with its precompressed copies, held in memory.
struct IndexPage {
    html: String,
    br: Option<Vec<u8>>,
    gz: Option<Vec<u8>>,
}

impl IndexPage {
    fn load(dir: &Path) -> IndexPage {
        let read = |name: &str| std::fs::read(dir.join(name)).ok();
        let html = read("index.html")
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_else(|| {
                tracing::warn!("no index.html in {}: serving a placeholder", dir.display());
                NOT_BUILT.to_string()
            });
        IndexPage {
            html,
            br: read("index.html.br"),
            gz: read("index.html.gz"),
        }
    }
}

struct Inner {
    dir: PathBuf,
    /// The parent's app, at `/`.
    parent: IndexPage,
    /// The receipt app, for `/r/<code>` (its assets under `/receipt/`).
    receipt: IndexPage,
    /// The trust app, for `/kiem-tra-qr`, `/tai-khoan` and `/khieu-nai` (its assets under `/trust/`).
    trust: IndexPage,
    /// The staff's app, at `/staff/` (its own bundle: parents never download it).
    staff: IndexPage,
}

/// The staff app's client routes live under this prefix.
const STAFF_PREFIX: &str = "/staff";

/// The trust app's pages (the registry, the QR checker, complaints).
fn is_trust_page(path: &str) -> bool {
    path == "/kiem-tra-qr"
        || path == "/tai-khoan"
        || path.starts_with("/tai-khoan/")
        || path == "/khieu-nai"
        || path.starts_with("/khieu-nai/")
}

/// The paths of the parent's app: `PARENT_ROUTES` in `app/src/bin/parent.rs`
/// (a test holds the two together).
const PARENT_PATHS: [&str; 8] = [
    "/",
    "/s/:school",
    "/s/:school/:class",
    "/l/:secret",
    "/nop-gop",
    "/con/:child",
    "/con/:child/:code",
    "/thanh-toan",
];

/// Whether `path` is a page of the parent's app, matched as its router
/// matches it (`route_path`: a trailing or doubled `/` skipped, a segment
/// that is not UTF-8 matching nothing). Any other path gets the app with 404,
/// which shows "Không tìm thấy trang" and the way on: a crawler, a link
/// preview or a monitor then knows the address is dead.
fn is_parent_page(path: &str) -> bool {
    path == "/index.html"
        || PARENT_PATHS
            .iter()
            .any(|pattern| hocphi_app::domain::route_path::matches(pattern, path).is_some())
}

/// `/kiem-tra-qr/` (typed from a poster, or a chat app's link) is the page
/// `/kiem-tra-qr`: the path to send the browser to, for the trust app's pages,
/// whose router knows them without the slash. (Always one of their own
/// prefixes, so never `//…`, which a browser would read as another site.)
fn without_trailing_slash(path: &str) -> Option<&str> {
    let page = path.trim_end_matches('/');
    (page.len() < path.len() && is_trust_page(page)).then_some(page)
}

/// Where a folder's address leads: the guides' folder (`/huong-dan`, as a
/// parent types it or a school writes it on a notice) to its list of
/// guides, instead of the app's "page not found".
fn folder_index(path: &str) -> Option<&'static str> {
    (path.trim_end_matches('/') == "/huong-dan").then_some("/huong-dan/muc-luc.html")
}

/// Trunk names built files `name-<16 hex digits>.ext`: such a file never changes.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    stem.rsplit_once('-')
        // The wasm file carries a `_bg` suffix after the hash.
        .map(|(_, rest)| rest.split('_').next().unwrap_or(""))
        // Trunk writes its 64-bit hash in hex without leading zeros: 16 digits,
        // sometimes fewer.
        .map(|hash| (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or(false)
}

impl Site {
    pub fn load(dir: &Path) -> Site {
        Site(Arc::new(Inner {
            dir: dir.to_path_buf(),
            parent: IndexPage::load(dir),
            receipt: IndexPage::load(&dir.join("receipt")),
            trust: IndexPage::load(&dir.join("trust")),
            staff: IndexPage::load(&dir.join("staff")),
        }))
    }

    /// Every app's `index.html`, whose inline blocks the CSP allows.
    pub fn index_pages(&self) -> [&str; 4] {
        [
            &self.0.parent.html,
            &self.0.receipt.html,
            &self.0.trust.html,
            &self.0.staff.html,
        ]
    }

    fn serve_index(&self, page: &IndexPage, accept: &str) -> Response {
        let (body, encoding): (Body, Option<&str>) = match (&page.br, &page.gz) {
            (Some(br), _) if accept.contains("br") => (Body::from(br.clone()), Some("br")),
            (_, Some(gz)) if accept.contains("gzip") => (Body::from(gz.clone()), Some("gzip")),
            _ => (Body::from(page.html.clone()), None),
        };
        let mut response = body.into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // Always revalidate: a new release must reach parents at once.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(e) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        response
    }

    pub async fn serve(self, req: Request<Body>) -> Response {
        let path = req.uri().path().to_string();
        let accept = req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let last = path.rsplit('/').next().unwrap_or("");
        let is_staff = path == STAFF_PREFIX || path.starts_with("/staff/");
        if let Some(to) = folder_index(&path) {
            return axum::response::Redirect::permanent(to).into_response();
        }
        if let Some(to) = without_trailing_slash(&path) {
            let query = req
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            return axum::response::Redirect::permanent(&format!("{to}{query}")).into_response();
        }
        // A parent's page is one even with a dot in its last segment: a class
        // link typed by hand or sent before class names were encoded ("/s/…/6.1").
        if path == "/"
            || path.ends_with("/index.html")
            || !last.contains('.')
            || is_parent_page(&path)
        {
            let page = if is_staff {
                &self.0.staff
            } else if path.starts_with("/r/") || path.starts_with("/receipt/") {
                &self.0.receipt
            } else if is_trust_page(&path) || path.starts_with("/trust/") {
                &self.0.trust
            } else if is_parent_page(&path) {
                &self.0.parent
            } else {
                let mut response = self.serve_index(&self.0.parent, &accept);
                *response.status_mut() = StatusCode::NOT_FOUND;
                return response;
            };
            return self.serve_index(page, &accept);
        }
        let dir = ServeDir::new(&self.0.dir)
            .precompressed_br()
            .precompressed_gzip();
        let mut response = match dir.oneshot(req).await {
            Ok(r) => r.map(Body::new).into_response(),
            Err(e) => match e {},
        };
        if response.status() == StatusCode::OK {
            let cache = if is_content_hashed(&path) {
                "public, max-age=31536000, immutable"
            } else if last == "sw.js" {
                "no-cache"
            } else {
                "public, max-age=3600"
            };
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trust_page_with_a_trailing_slash_is_sent_to_the_page() {
        assert_eq!(
            without_trailing_slash("/kiem-tra-qr/"),
            Some("/kiem-tra-qr")
        );
        assert_eq!(without_trailing_slash("/tai-khoan//"), Some("/tai-khoan"));
        assert_eq!(
            without_trailing_slash("/tai-khoan/th-ha-long/"),
            Some("/tai-khoan/th-ha-long")
        );
        assert_eq!(
            without_trailing_slash("/khieu-nai/moi/"),
            Some("/khieu-nai/moi")
        );
        assert_eq!(without_trailing_slash("/kiem-tra-qr"), None);
        // Other paths keep theirs: the staff app's home is `/staff/`.
        assert_eq!(without_trailing_slash("/staff/"), None);
        assert_eq!(without_trailing_slash("/"), None);
        assert_eq!(without_trailing_slash("/trust/"), None);
        assert_eq!(without_trailing_slash("//evil.example/"), None);
    }

    #[test]
    fn the_parents_pages_are_its_routers() {
        // The same patterns as the parent's route table, in its order.
        let routes = include_str!("../../../app/src/bin/parent.rs");
        let patterns: Vec<&str> = routes
            .split("path: \"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert_eq!(patterns, PARENT_PATHS);
        // Matched as the router matches them.
        for path in [
            "/",
            "/index.html",
            "/s/th-ha-long",
            "/s/th-ha-long/",
            "/s/th-ha-long/3A",
            "/s//th-ha-long",
            "/con/a0e4538e/Z6DENJ8H/",
            "/nop-gop/",
            "/s/tr%C6%B0%E1%BB%9Dng",
        ] {
            assert!(is_parent_page(path), "{path}");
        }
        for path in [
            "/con",
            "/con/a/b/c",
            "/s",
            "/khong-co",
            "/nop-gop/x",
            "/con/%FF",
        ] {
            assert!(!is_parent_page(path), "{path}");
        }
    }

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_content_hashed("/hocphi-parent-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_content_hashed("/hocphi-parent-1a2b3c4d5e6f7a8b.js"));
        assert!(is_content_hashed("/style-0123456789abcdef.css"));
        assert!(is_content_hashed(
            "/trust/hocphi-trust-d4b02f1a67b8fc3_bg.wasm"
        ));
        assert!(!is_content_hashed("/manifest.webmanifest"));
        assert!(!is_content_hashed("/icon-192.png"));
    }
}
