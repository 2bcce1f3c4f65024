//! The serving process's logs: text, or one JSON object per line
//! (`HOCPHI_LOG_FORMAT=json`), filtered by `RUST_LOG`.

/// Installs the process's log subscriber; once, before anything logs.
pub fn init() {
    let logs = tracing_subscriber::fmt().with_env_filter(
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,sqlx=warn".into()),
    );
    // One JSON object per line for log collectors; what is logged never holds
    // personal data (requests are logged by route template, not path).
    if std::env::var("HOCPHI_LOG_FORMAT").as_deref() == Ok("json") {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
}
