//! Every request gets an id: it names the request's tracing span (so each log
//! line of the request carries it), goes back in the `x-request-id` header and
//! in any problem document, so a school's support question ("it said
//! request_id 3f9c…") can be matched to the server's log line.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    /// The id of the request this task is answering (set for the handler and
    /// every layer inside this one).
    static REQUEST_ID: String;
}

/// The id of the request being answered, if any (not in background work).
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A proxy's id is kept when it is a plain token, so one id follows the
/// request through both logs; anything else (too long, odd characters that
/// could forge log lines) is replaced by a fresh one.
fn given(request: &Request) -> Option<String> {
    let id = request.headers().get(HEADER)?.to_str().ok()?;
    let plain = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    plain.then(|| id.to_string())
}

/// 64 random bits in hex: short enough to read out over the phone, and never
/// the same twice in practice.
fn fresh() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The outermost layer: the id, its span, and the response header.
pub async fn assign(request: Request, next: Next) -> Response {
    let id = given(&request).unwrap_or_else(fresh);
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(request).instrument(span))
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(value: &str) -> Request {
        Request::builder()
            .header(HEADER, value)
            .body(axum::body::Body::empty())
            .unwrap()
    }

    #[test]
    fn a_proxy_s_plain_id_is_kept_and_anything_else_replaced() {
        assert_eq!(
            given(&with_header("abc-123_x.y")).as_deref(),
            Some("abc-123_x.y")
        );
        assert_eq!(given(&with_header("a b")), None);
        assert_eq!(given(&with_header("x\"}{")), None);
        assert_eq!(given(&with_header(&"a".repeat(65))), None);
        assert_eq!(fresh().len(), 16);
        assert_ne!(fresh(), fresh());
    }
}
