//! Starting hocphi: configuration → master key → database (connected, migrated,
//! the demo seeded) → application state → router, then serving it with the
//! background tasks. `hocphi serve` and the black-box tests start the very same
//! application through [`build`]; only the process serves it ([`App::serve`]).

use crate::config::{cannot_open_database, redact_url, Config};
use crate::http::{self, operations::Operations};
use crate::{db, demo, events, sweeper};
use axum::Router;
use hocphi_app::server::clock::{Clock, FixedClock, SystemClock};
use hocphi_app::server::limiter::FailureLimiter;
use hocphi_app::server::state::{AppState, Gateway};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Why hocphi could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A setting is wrong (the master key): the operator's to correct.
    #[error("{0}")]
    Setting(String),
    /// The database, the address to listen on, …
    #[error("{0}")]
    Failed(String),
}

impl StartError {
    /// 2 for a wrong setting, as the command line says for any; 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            StartError::Setting(_) => 2,
            StartError::Failed(_) => 1,
        }
    }
}

fn failed(error: impl std::fmt::Display) -> StartError {
    StartError::Failed(error.to_string())
}

/// The application, built and ready to serve.
pub struct App {
    pub config: Config,
    /// What the server functions and handlers see.
    pub state: AppState,
    pub router: Router,
    /// The request figures and draining flag the router reports.
    pub operations: Arc<Operations>,
    /// The clock when `config.now` pins it, to move it forward (tests).
    pub pinned_clock: Option<Arc<FixedClock>>,
}

/// Opens the master key and the database (seeding the demo's when it is empty)
/// and builds the state and the router. Starts no task and listens nowhere.
pub async fn build(config: Config) -> Result<App, StartError> {
    let vault = Arc::new(
        config
            .vault()
            .map_err(|e| StartError::Setting(e.to_string()))?,
    );
    let pinned_clock = config.now.map(|t| Arc::new(FixedClock::at(t)));
    let clock: Arc<dyn Clock> = match &pinned_clock {
        Some(pinned) => pinned.clone(),
        None => Arc::new(SystemClock),
    };
    let pool = db::connect_with(config.database_url(), config.db_connections)
        .await
        .map_err(|e| failed(cannot_open_database(config.database_url(), e)))?;
    if config.is_demo() && demo::is_empty(&pool).await.map_err(failed)? {
        tracing::info!(
            "seeding demo data into {}",
            redact_url(config.database_url())
        );
        demo::seed(&pool, &vault, clock.now())
            .await
            .map_err(failed)?;
    }
    let state = AppState {
        tokens: Arc::new(db::token_key(&pool, &vault).await.map_err(failed)?),
        db: pool.clone(),
        clock,
        lookups: Arc::new(FailureLimiter::new(pool)),
        vault,
        gateway: match (
            &config.gateway_url,
            config.is_demo() || config.gateway_simulator,
        ) {
            (Some(url), _) => Gateway::At(Arc::from(url.as_str())),
            (None, true) => Gateway::Simulator,
            (None, false) => Gateway::Off,
        },
        webhooks_to_loopback: config.webhooks_to_loopback,
    };
    let operations = Operations::new();
    let router = http::router(
        state.clone(),
        &config.dist,
        http::HttpOptions {
            trust_proxy: config.trust_proxy.clone(),
            public_url: config.public_url().into(),
            api_requests_per_minute: config.api_requests_per_minute,
            operations: operations.clone(),
            metrics_token: config
                .metrics_token
                .as_ref()
                .map(|token| token.expose().to_string()),
        },
    );
    Ok(App {
        config,
        state,
        router,
        operations,
        pinned_clock,
    })
}

impl App {
    /// Starts the background tasks and serves on `config.addr` until Ctrl-C or
    /// SIGTERM, then drains.
    pub async fn serve(self) -> Result<(), StartError> {
        let App {
            config,
            state,
            router,
            operations,
            ..
        } = self;
        tokio::spawn(sweeper::run(state.clone()));
        // Events to schools' software: every process sends, the database decides who sends what.
        tokio::spawn(events::run(state.clone(), config.public_url()));
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| failed(format!("cannot listen on {}: {e}", config.addr)))?;
        match &state.gateway {
            Gateway::At(url) => tracing::info!("online payment through {url}"),
            Gateway::Simulator => tracing::info!(
                "online payment through the gateway simulator at /gateway-sim (no real money)"
            ),
            Gateway::Off => tracing::info!("online payment is off (set HOCPHI_GATEWAY_URL)"),
        }
        tracing::info!("configuration: {config:?}");
        tracing::info!("hocphi is listening on http://{}", config.addr);
        if config.is_demo() {
            tracing::info!(
                "demo: open http://{}/s/{} and look up student {} born {}",
                config.addr,
                demo::FEATURED_SCHOOL,
                demo::FEATURED_STUDENT_CODE,
                demo::FEATURED_BIRTH_DATE
            );
        }
        let drain = Duration::from_secs(config.drain_seconds);
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Not ready any more, while still serving: the load balancer sees /readyz
            // fail and stops sending; then new connections stop and requests in
            // flight finish.
            operations.drain();
            tokio::time::sleep(drain).await;
        })
        .await
        .map_err(failed)
    }
}

/// Ctrl-C or SIGTERM (a service manager stopping hocphi): finish the requests in
/// flight, then exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
