//! What every server function can reach, provided as Leptos context by the server.

use super::clock::Clock;
use super::limiter::FailureLimiter;
use super::token::TokenKey;
use crate::error::AppError;
use std::sync::Arc;

pub type Db = sqlx::AnyPool;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<TokenKey>,
    pub lookups: Arc<FailureLimiter>,
    /// Seals and opens the schools' receipt signing keys.
    pub vault: Arc<super::vault::Vault>,
    /// Where parents are sent to pay online.
    pub gateway: Gateway,
    /// Events may go to this machine's own addresses (a school's software
    /// beside hocphi; tests). Off by default: accountants must not reach
    /// services that listen only locally.
    pub webhooks_to_loopback: bool,
}

/// The payment gateway parents are sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gateway {
    /// A VNPay-protocol gateway at this address.
    At(Arc<str>),
    /// The simulator hocphi serves at `/gateway-sim`: the demo only (or when asked
    /// for explicitly), since its "payments" move no money.
    Simulator,
    /// None: online payment is off.
    Off,
}

/// Who is calling, as far as rate limits care: the peer address, or the first
/// address of `X-Forwarded-For` when the operator says a trusted proxy is in front.
#[derive(Clone, Debug)]
pub struct ClientKey(pub String);

pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server function context");
        AppError::Internal
    })
}

pub fn client_key() -> String {
    leptos::prelude::use_context::<ClientKey>()
        .map(|c| c.0)
        .unwrap_or_else(|| "unknown".into())
}
