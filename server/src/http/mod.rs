//! The HTTP application: server functions under `/rpc`, the web app's files, and
//! the headers every response carries.
// A handler's early return is the response it sends: boxing it would buy nothing.
#![allow(clippy::result_large_err)]

mod api;
mod api_key_auth;
mod api_reference;
mod bank;
mod body_limit;
mod client_addr;
mod csrf;
mod fees_api;
mod gateway;
mod html;
mod idempotency;
mod invoices_api;
mod logo;
mod notices;
pub mod operations;
mod paging;
mod payments_api;
mod preview;
mod problem;
mod receipts;
mod report_file;
mod request_id;
mod rpc;
mod security;
mod shell;
mod static_files;
mod students_api;

use axum::routing::{get, post};
use axum::Router;
use hocphi_app::server::state::AppState;
use std::path::Path;

pub use client_addr::{NotAProxy, TrustedProxies};
pub use security::ContentSecurityPolicy;

/// Settings of the HTTP layer that are not application state.
#[derive(Clone)]
pub struct HttpOptions {
    /// The reverse proxies whose `X-Forwarded-For` entries are believed.
    pub trust_proxy: TrustedProxies,
    /// Where the public reaches this server (`https://hocphi.example.gov.vn`): links
    /// the API hands out (receipts' verification links) start with it.
    pub public_url: std::sync::Arc<str>,
    /// Requests a minute one API key may make: generous for a nightly sync, a
    /// wall for a runaway loop.
    pub api_requests_per_minute: u32,
    /// Request figures and the draining flag, shared with the process that shuts down.
    pub operations: std::sync::Arc<operations::Operations>,
    /// Lets a remote Prometheus read `/metrics` (else only this machine may).
    pub metrics_token: Option<String>,
}

pub fn router(state: AppState, dist: &Path, options: HttpOptions) -> Router {
    rpc::register_server_fns();
    let site = static_files::Site::load(dist);
    let csp = ContentSecurityPolicy::for_pages(&site.index_pages());
    let simulator = state.gateway == hocphi_app::server::state::Gateway::Simulator;
    let ops = options.operations.clone();
    let rpc_state = rpc::RpcState {
        app: state,
        options,
    };
    let (api_routes, document) = api::router();
    let reference = axum::body::Bytes::from(api_reference::page(&document));
    let openapi = axum::body::Bytes::from(
        document
            .to_pretty_json()
            .expect("the OpenAPI document serialises"),
    );
    Router::new()
        .route(
            &format!("{}/{{*fn_name}}", hocphi_app::api::RPC_PREFIX),
            post(rpc::handle),
        )
        .route(
            "/staff/notices/{class_id}/{period}/pdf",
            get(notices::class_pdf),
        )
        .route(
            "/staff/reports/{report_id}/pdf",
            get(report_file::report_pdf),
        )
        .layer(axum::middleware::from_fn(csrf::refuse_cross_site))
        // After the cross-site check: an image may be shown anywhere.
        .route("/logo/{slug}", get(logo::serve))
        .route("/r/{code}/pdf", get(receipts::pdf))
        // Server to server: authenticated by the school's signature or key, not by a browser.
        .merge(api_routes)
        // The gateway simulator plays VNPay's part only when no real gateway is configured.
        .merge(if simulator {
            Router::new()
                .route("/gateway-sim/paymentv2/vpcpay.html", get(gateway::pay_page))
                .route("/gateway-sim/pay", post(gateway::pay))
                .route("/gateway-sim/style.css", get(gateway::style))
        } else {
            Router::new()
        })
        .route(
            "/api/v1/openapi.json",
            get(move || async move { ([("content-type", "application/json")], openapi.clone()) }),
        )
        .route(
            "/api/v1/docs",
            get(move || async move {
                (
                    [("content-type", "text/html; charset=utf-8")],
                    reference.clone(),
                )
            }),
        )
        .route("/healthz", get(operations::healthz))
        .route("/readyz", get(operations::readyz))
        .route("/metrics", get(operations::metrics))
        .with_state(rpc_state.clone())
        .fallback(move |req: axum::extract::Request| site.clone().serve(req))
        // The parent's shell filled in for the link opened, and link previews.
        .layer(axum::middleware::from_fn_with_state(rpc_state, shell::page))
        .layer(axum::middleware::from_fn_with_state(csp, security::headers))
        // A bug must cost one request a 500, never the connection without an answer.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send + 'static>| {
                tracing::error!("a request handler panicked");
                problem::problem(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on hocphi's side; nothing was half-written. Try again.",
                )
            },
        ))
        // Before anything reads a body: bounded, or 413.
        .layer(axum::middleware::from_fn(body_limit::bounded))
        // Every request is counted and timed, whatever answered it.
        .layer(axum::middleware::from_fn_with_state(ops, operations::track))
        // Outermost: the request's id and span hold for everything inside,
        // the request line and any problem document included.
        .layer(axum::middleware::from_fn(request_id::assign))
}
