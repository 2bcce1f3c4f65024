//! The daily sweep, run by every serving process: receipts owed issued,
//! personal data and records kept no longer than needed.

use hocphi_app::server::state::AppState;
use std::time::Duration;

/// Students who left longer ago than their school's period are anonymised:
/// now, then once a day. Old failed attempts, old events and idempotency keys
/// are forgotten on the same round. Receipts still owed are issued first (at
/// start: what a stop left). Runs until the process ends.
pub async fn run(state: AppState) {
    let (db, clock, limits, vault) = (state.db, state.clock, state.lookups, state.vault);
    let mut daily = tokio::time::interval(Duration::from_secs(24 * 3600));
    loop {
        daily.tick().await;
        // First: receipts a stop left owed (a statement's payments recorded,
        // their receipts not yet issued), or whose issuing failed.
        hocphi_app::server::ledger::owed::report(
            hocphi_app::server::ledger::owed::issue_owed(&db, &vault, clock.as_ref()).await,
        );
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
