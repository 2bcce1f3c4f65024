//! Headers on every response. The Content-Security-Policy allows only this site's
//! own files plus the exact inline script and style blocks of `index.html` (by
//! their SHA-256), so an injected script cannot run even if one slipped into a page.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[derive(Clone)]
pub struct ContentSecurityPolicy(Arc<HeaderValue>);

/// The contents of every `<tag …>…</tag>` block without a `src` attribute.
fn inline_blocks<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(body_end) = body.find(&close) else {
            break;
        };
        if !attributes.contains(" src=") {
            out.push(&body[..body_end]);
        }
        rest = &body[body_end + close.len()..];
    }
    out
}

/// Each distinct block's hash once (the apps share some blocks).
fn hashes(blocks: &[&str]) -> String {
    let mut seen = std::collections::HashSet::new();
    blocks
        .iter()
        .map(|b| STANDARD.encode(Sha256::digest(b.as_bytes())))
        .filter(|hash| seen.insert(hash.clone()))
        .map(|hash| format!(" 'sha256-{hash}'"))
        .collect()
}

impl ContentSecurityPolicy {
    /// Allows the inline blocks of these pages (each app's `index.html`).
    pub fn for_pages(pages: &[&str]) -> Self {
        let blocks =
            |tag: &str| -> Vec<&str> { pages.iter().flat_map(|p| inline_blocks(p, tag)).collect() };
        let scripts = hashes(&blocks("script"));
        let styles = hashes(&blocks("style"));
        let policy = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'{styles}; \
             img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'; \
             worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        ContentSecurityPolicy(Arc::new(
            HeaderValue::from_str(&policy).expect("ASCII policy"),
        ))
    }
}

pub async fn headers(
    State(csp): State<ContentSecurityPolicy>,
    req: Request<Body>,
    next: Next,
) -> Response {
    // The service worker's script is a document of its own for CSP's purposes.
    let worker = req.uri().path() == "/sw.js";
    let mut response = next.run(req).await;
    let document = worker
        || response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    let h = response.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "strict-transport-security",
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    // The rest governs documents only; on a script, a wasm file or an API
    // answer it does nothing but add a kilobyte to each of a parent's downloads.
    if !document {
        return response;
    }
    h.insert("content-security-policy", (*csp.0).clone());
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=(), payment=()"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_blocks() {
        let html =
            r#"<style>b{}</style><script src="/x.js"></script><script type="module">go()</script>"#;
        assert_eq!(inline_blocks(html, "script"), vec!["go()"]);
        assert_eq!(inline_blocks(html, "style"), vec!["b{}"]);
        let csp = ContentSecurityPolicy::for_pages(&[html]);
        let text = csp.0.to_str().unwrap();
        let go_hash = STANDARD.encode(Sha256::digest(b"go()"));
        assert!(
            text.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{go_hash}';"
            )),
            "{text}"
        );
        // Two apps with the same block: its hash once.
        let twice = ContentSecurityPolicy::for_pages(&[html, html]);
        assert_eq!(twice.0, csp.0);
    }
}
