//! What every server function can reach, provided as Leptos context by the server.

use super::clock::Clock;
use super::limiter::FailureLimiter;
use super::token::TokenKey;
use crate::error::AppError;
use std::sync::Arc;

pub type Db = sqlx::SqlitePool;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<TokenKey>,
    pub lookups: Arc<FailureLimiter>,
    /// Seals and opens the schools' receipt signing keys.
    pub vault: Arc<super::vault::Vault>,
    /// Where parents are sent to pay online: a VNPay-protocol gateway's address,
    /// or `None` for the simulator hocphi serves itself at `/gateway-sim`.
    pub gateway_url: Option<Arc<str>>,
}

/// Who is calling, as far as rate limits care: the peer address, or the first
/// address of `X-Forwarded-For` when the operator says a trusted proxy is in front.
#[derive(Clone, Debug)]
pub struct ClientKey(pub String);

pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        leptos::logging::error!("AppState missing from server function context");
        AppError::Internal
    })
}

pub fn client_key() -> String {
    leptos::prelude::use_context::<ClientKey>()
        .map(|c| c.0)
        .unwrap_or_else(|| "unknown".into())
}
