//! State-changing calls must come from hocphi's own pages. Browsers label every
//! request with `Sec-Fetch-Site` (and `Origin` on POST); a request another site
//! makes a parent's browser send is refused before any server function runs.
//! Non-browser clients send neither header and cannot ride a browser's session.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hocphi_app::error::AppError;

fn is_cross_site(req: &Request<Body>) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (Some(origin), Some(host)) => {
            let origin = origin.to_str().unwrap_or("");
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
            origin == "null" || origin_host != host.to_str().unwrap_or("")
        }
        (Some(_), None) => true,
        _ => false,
    }
}

pub async fn refuse_cross_site(req: Request<Body>, next: Next) -> Response {
    if is_cross_site(&req) {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, AppError::CONTENT_TYPE)],
            AppError::CrossSite.encode(),
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(&str, &str)]) -> Request<Body> {
        let mut b = Request::post("/rpc/lookup");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn judges_where_a_request_comes_from() {
        assert!(!is_cross_site(&req(&[])));
        assert!(!is_cross_site(&req(&[("sec-fetch-site", "same-origin")])));
        assert!(is_cross_site(&req(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&req(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&req(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_cross_site(&req(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_cross_site(&req(&[
            ("origin", "null"),
            ("host", "127.0.0.1:3000")
        ])));
    }
}
