//! Calling the server functions from the parent's pages: one `fetch` and the
//! function's own argument struct, path and answer type, instead of
//! server_fn's generic browser client. That client (a fetch wrapper with
//! streaming and websocket support, an HTTP types crate, a query-string
//! encoder, and their error texts) cost the parent's first download about
//! 12 KB of brotli-compressed wasm that slow mobile data pays for on every
//! first visit.
//!
//! The wire is unchanged: the same request a `#[server]` function's own
//! client sends (its input encoding, its path), the same postcard answer, and
//! the same `AppError` on failure. `call` only accepts a server function whose
//! protocol it knows, so a function's encoding cannot drift from its caller.

use crate::error::AppError;
use leptos::server_fn::codec::{PostUrl, Postcard, PostcardEncoding};
use leptos::server_fn::{ContentType, Http, ServerFn};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How a server function's arguments travel, by its protocol.
pub trait Wire {
    const CONTENT_TYPE: &'static str;
    fn body<T: Serialize>(args: &T) -> Option<Vec<u8>>;
}

/// A URL-encoded form (the `#[server]` default, `PostUrl`), answered in postcard.
impl Wire for Http<PostUrl, Postcard> {
    const CONTENT_TYPE: &'static str = PostUrl::CONTENT_TYPE;
    fn body<T: Serialize>(args: &T) -> Option<Vec<u8>> {
        serde_urlencoded::to_string(args)
            .ok()
            .map(String::into_bytes)
    }
}

/// Postcard both ways (arguments with lists in them).
impl Wire for Http<Postcard, Postcard> {
    const CONTENT_TYPE: &'static str = PostcardEncoding::CONTENT_TYPE;
    fn body<T: Serialize>(args: &T) -> Option<Vec<u8>> {
        postcard::to_allocvec(args).ok()
    }
}

/// Runs the server function `S` with `args` on the server.
pub async fn call<S>(args: S) -> Result<S::Output, AppError>
where
    S: ServerFn<Error = AppError> + Serialize,
    S::Protocol: Wire,
    S::Output: DeserializeOwned,
{
    let body = <S::Protocol as Wire>::body(&args).ok_or(AppError::Internal)?;
    let (ok, bytes) = post(S::PATH, <S::Protocol as Wire>::CONTENT_TYPE, &body)
        .await
        .map_err(|e| AppError::Network(e.as_string().unwrap_or_default()))?;
    if ok {
        postcard::from_bytes(&bytes).map_err(|e| AppError::Network(e.to_string()))
    } else {
        // The server's refusals and failures come as an encoded `AppError`;
        // anything else (a proxy's error page) is the network's.
        Err(AppError::decode(&bytes).unwrap_or_else(|| AppError::Network(String::new())))
    }
}

/// POSTs `body` to `path` of this site: whether the answer was a success, and its bytes.
async fn post(path: &str, content_type: &str, body: &[u8]) -> Result<(bool, Vec<u8>), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new()?;
    headers.set("Content-Type", content_type)?;
    headers.set("Accept", PostcardEncoding::CONTENT_TYPE)?;
    init.set_headers(&headers);
    init.set_body(&js_sys::Uint8Array::from(body));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await?
        .dyn_into()?;
    let bytes = JsFuture::from(response.array_buffer()?).await?;
    Ok((response.ok(), js_sys::Uint8Array::new(&bytes).to_vec()))
}
