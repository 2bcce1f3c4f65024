//! What operators and their tools ask of a running hocphi: `/healthz` (the
//! process answers), `/readyz` (it can serve: the database answers and it is not
//! shutting down, so a load balancer stops sending it work while it drains), and
//! `/metrics` in Prometheus's text format.
//!
//! Request counts and latencies are this process's own; business figures
//! (payments by method and outcome, the event queue, open complaints) are read
//! from the database at each scrape, so every process reports the same truth.

use super::rpc::RpcState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    /// Counts per bucket (not cumulative; summed when written out).
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.counts[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// This process's request figures, and whether it is shutting down.
#[derive(Default)]
pub struct Operations {
    /// (route, method, status) → requests.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// route → latency.
    latency: Mutex<BTreeMap<String, Histogram>>,
    draining: AtomicBool,
    started: Option<Instant>,
}

impl Operations {
    pub fn new() -> Arc<Operations> {
        Arc::new(Operations {
            started: Some(Instant::now()),
            ..Operations::default()
        })
    }

    /// From now on `/readyz` says 503: the load balancer sends no new work while
    /// requests in flight finish.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    fn record(&self, route: String, method: &str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .expect("metrics lock")
            .entry((route.clone(), method.to_string(), status))
            .or_default() += 1;
        self.latency
            .lock()
            .expect("metrics lock")
            .entry(route)
            .or_default()
            .observe(seconds);
    }

    /// The process's part of `/metrics`.
    fn write(&self, out: &mut String) {
        out.push_str("# HELP hocphi_http_requests_total HTTP requests answered, by route template, method and status.\n# TYPE hocphi_http_requests_total counter\n");
        for ((route, method, status), n) in self.requests.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "hocphi_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                label(route)
            );
        }
        out.push_str("# HELP hocphi_http_request_duration_seconds Time to answer, by route template.\n# TYPE hocphi_http_request_duration_seconds histogram\n");
        for (route, h) in self.latency.lock().expect("metrics lock").iter() {
            let route = label(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "hocphi_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "hocphi_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 hocphi_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 hocphi_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP hocphi_uptime_seconds Seconds since this process started.\n# TYPE hocphi_uptime_seconds gauge\nhocphi_uptime_seconds {}",
            self.started.map(|s| s.elapsed().as_secs()).unwrap_or(0)
        );
    }
}

/// A Prometheus label value, escaped.
fn label(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Counts and times every request under its route template (never the raw path:
/// paths carry invoice codes and family links), and logs it without personal data.
pub async fn track(State(ops): State<Arc<Operations>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Only the methods there are: any other token would grow the labels without end.
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_string(),
        _ => "OTHER".to_string(),
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| route_class(request.uri().path()).to_string());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    tracing::info!(
        target: "hocphi::http",
        method = %method,
        route = %route,
        status,
        ms = (seconds * 1000.0).round() as u64,
        "request"
    );
    ops.record(route, &method, status, seconds);
    response
}

/// Requests no route matched (the web apps and their files), by kind.
fn route_class(path: &str) -> &'static str {
    if path.starts_with("/staff") {
        "(staff app)"
    } else if path.starts_with("/r/") {
        "(receipt page)"
    } else if path.contains('.') {
        "(static file)"
    } else {
        "(parent app)"
    }
}

pub async fn healthz() -> &'static str {
    "ok\n"
}

pub async fn readyz(State(rpc): State<RpcState>) -> Response {
    if rpc.options.operations.draining.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response();
    }
    match hocphi_app::server::operations::migrations_applied(&rpc.app.db).await {
        Ok(n) if n > 0 => "ready\n".into_response(),
        outcome => {
            // Not ready through no fault of the caller: worth an operator's look.
            tracing::error!(
                request_id = super::request_id::current().as_deref().unwrap_or("-"),
                "not ready: {}",
                match outcome {
                    Err(e) => format!("database error: {e}"),
                    Ok(_) => "the database has no migrations".into(),
                }
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer\n",
            )
                .into_response()
        }
    }
}

/// Who may read `/metrics`: anyone with the operator's token, or a scraper on
/// this machine talking to hocphi directly (not through the public proxy).
fn may_scrape(rpc: &RpcState, request: &Request) -> bool {
    let headers = request.headers();
    if let Some(token) = rpc.options.metrics_token.as_deref() {
        let sent = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if sent.is_some_and(|s| {
            hocphi_app::server::auth::secret_hash(s) == hocphi_app::server::auth::secret_hash(token)
        }) {
            return true;
        }
    }
    let direct = !headers.contains_key("x-forwarded-for") && !headers.contains_key("forwarded");
    let local = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback());
    direct && local
}

pub async fn metrics(State(rpc): State<RpcState>, request: Request) -> Response {
    if !may_scrape(&rpc, &request) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are for this machine, or with HOCPHI_METRICS_TOKEN\n",
        )
            .into_response();
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP hocphi_build_info The running version.\n# TYPE hocphi_build_info gauge\nhocphi_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    rpc.options.operations.write(&mut out);
    match business(&rpc.app.db).await {
        Ok(text) => out.push_str(&text),
        Err(e) => {
            tracing::error!(
                request_id = super::request_id::current().as_deref().unwrap_or("-"),
                "metrics: business figures left out: {e}"
            );
            out.push_str("# the database did not answer: business figures left out\n")
        }
    }
    (
        [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
        out,
    )
        .into_response()
}

/// Figures read from the database, the same whichever process is scraped.
async fn business(db: &hocphi_app::server::state::Db) -> Result<String, sqlx::Error> {
    let figures = hocphi_app::server::operations::business(db).await?;
    let mut out = String::new();
    out.push_str("# HELP hocphi_payments_total Payments recorded, by method and how they matched invoices (matched, partly_paid, overpaid, duplicate, unmatched, not_fee).\n# TYPE hocphi_payments_total counter\n");
    for p in &figures.payments {
        let _ = writeln!(
            out,
            "hocphi_payments_total{{method=\"{}\",outcome=\"{}\"}} {}",
            label(&p.method),
            label(&p.outcome),
            p.count
        );
    }
    let hocphi_app::server::operations::Business {
        receipts,
        review_queue: unmatched,
        deliveries_pending: pending,
        deliveries_given_up: failed,
        complaints_open: complaints,
        receipts_owed: owed,
        ..
    } = figures;
    let _ = write!(
        out,
        "# HELP hocphi_receipts_total Receipts signed.\n# TYPE hocphi_receipts_total counter\nhocphi_receipts_total {receipts}\n\
         # HELP hocphi_review_queue_payments Payments waiting for an accountant (unmatched or possibly paid twice).\n# TYPE hocphi_review_queue_payments gauge\nhocphi_review_queue_payments {unmatched}\n\
         # HELP hocphi_event_queue_deliveries Event deliveries waiting for their first try or a retry.\n# TYPE hocphi_event_queue_deliveries gauge\nhocphi_event_queue_deliveries {pending}\n\
         # HELP hocphi_event_deliveries_given_up_total Event deliveries given up after every retry.\n# TYPE hocphi_event_deliveries_given_up_total counter\nhocphi_event_deliveries_given_up_total {failed}\n\
         # HELP hocphi_complaints_open Complaints not yet answered.\n# TYPE hocphi_complaints_open gauge\nhocphi_complaints_open {complaints}\n\
         # HELP hocphi_receipts_owed_payments Payments of a statement whose receipts are still to be issued (seconds after an import; more means issuing fails: see the log).\n# TYPE hocphi_receipts_owed_payments gauge\nhocphi_receipts_owed_payments {owed}\n"
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labels_escaped() {
        let ops = Operations::new();
        ops.record("/api/v1/invoices".into(), "GET", 200, 0.003);
        ops.record("/api/v1/invoices".into(), "GET", 200, 0.2);
        ops.record("/a\"b".into(), "POST", 500, 20.0);
        let mut out = String::new();
        ops.write(&mut out);
        assert!(out.contains("hocphi_http_requests_total{route=\"/api/v1/invoices\",method=\"GET\",status=\"200\"} 2"));
        assert!(out.contains("hocphi_http_request_duration_seconds_bucket{route=\"/api/v1/invoices\",le=\"0.005\"} 1"));
        assert!(out.contains(
            "hocphi_http_request_duration_seconds_bucket{route=\"/api/v1/invoices\",le=\"0.25\"} 2"
        ));
        assert!(out.contains(
            "hocphi_http_request_duration_seconds_bucket{route=\"/api/v1/invoices\",le=\"+Inf\"} 2"
        ));
        // Slower than every bucket: only in +Inf.
        assert!(out.contains(
            "hocphi_http_request_duration_seconds_bucket{route=\"/a\\\"b\",le=\"10\"} 0"
        ));
        assert!(out.contains(
            "hocphi_http_request_duration_seconds_bucket{route=\"/a\\\"b\",le=\"+Inf\"} 1"
        ));
    }

    #[test]
    fn unmatched_paths_are_logged_by_kind_never_as_they_are() {
        assert_eq!(route_class("/l/Xk3_secret-family-token"), "(parent app)");
        assert_eq!(route_class("/r/8QF2K9/pdf"), "(receipt page)");
        assert_eq!(route_class("/hocphi-parent-3f2a.wasm"), "(static file)");
        assert_eq!(route_class("/staff/school/1"), "(staff app)");
    }
}
