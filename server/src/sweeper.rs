//! The daily sweep, run by every serving process: personal data and records
//! kept no longer than needed.

use hocphi_app::server::state::AppState;
use std::time::Duration;

/// Students who left longer ago than their school's period are anonymised:
/// now, then once a day. Old failed attempts, old events and idempotency keys
/// are forgotten on the same round. Runs until the process ends.
pub async fn run(state: AppState) {
    let (db, clock, limits) = (state.db, state.clock, state.lookups);
    let mut daily = tokio::time::interval(Duration::from_secs(24 * 3600));
    loop {
        daily.tick().await;
        let today = clock.today().to_string();
        match hocphi_app::server::privacy::sweep(&db, clock.now_time(), &today).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("anonymised {n} students who left"),
            Err(e) => tracing::warn!("anonymising students who left: {e}"),
        }
        if let Err(e) = limits.sweep(clock.now()).await {
            tracing::warn!("forgetting old failed attempts: {e}");
        }
        if let Err(e) = crate::events::sweep(&db, clock.now()).await {
            tracing::warn!("forgetting old events and idempotency keys: {e}");
        }
    }
}
