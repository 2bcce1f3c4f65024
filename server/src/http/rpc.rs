//! The server-function endpoint: each call gets the application state and the
//! caller's address (for rate limits) as Leptos context.

use super::HttpOptions;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::Request;
use axum::response::IntoResponse;
use hocphi_app::api::parent::*;
use hocphi_app::server::state::{AppState, ClientKey};
use leptos::prelude::provide_context;
use std::net::SocketAddr;

#[derive(Clone)]
pub struct RpcState {
    pub app: AppState,
    pub options: HttpOptions,
}

/// Registers every server function by name. `inventory` would find them too, but
/// only if the linker keeps the object files they live in; explicit is certain.
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<ListSchools>();
    register_explicit::<LookupStudent>();
    register_explicit::<LoadChild>();
    register_explicit::<LoadInvoice>();
}

fn client_key(req: &Request<Body>, trust_proxy: bool) -> String {
    if trust_proxy {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty());
        if let Some(addr) = forwarded {
            return addr.to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

pub async fn handle(State(rpc): State<RpcState>, req: Request<Body>) -> impl IntoResponse {
    let client = ClientKey(client_key(&req, rpc.options.trust_proxy));
    let app = rpc.app.clone();
    leptos_axum::handle_server_fns_with_context(
        move || {
            provide_context(app.clone());
            provide_context(client.clone());
        },
        req,
    )
    .await
}
