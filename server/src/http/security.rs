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

fn hashes(blocks: &[&str]) -> String {
    blocks
        .iter()
        .map(|b| {
            format!(
                " 'sha256-{}'",
                STANDARD.encode(Sha256::digest(b.as_bytes()))
            )
        })
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
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert("content-security-policy", (*csp.0).clone());
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
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
    h.insert(
        "strict-transport-security",
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
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
    }
}
