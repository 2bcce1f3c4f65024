//! Configuration from the environment (and the command line, which overrides it).
//! With nothing set, hocphi runs the demo: a local SQLite file seeded with demo data.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The database used when the operator configures none; the only one ever seeded.
pub const DEMO_DATABASE: &str = "sqlite://hocphi-demo.db";

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// `None`: the demo database.
    pub database_url: Option<String>,
    /// The built web app (Trunk's `dist/`).
    pub dist: PathBuf,
    /// A pinned "now" (`2026-11-26T09:00:00+07:00`), for demos and tests.
    pub now: Option<i64>,
    /// Believe the first `X-Forwarded-For` address (only behind a trusted proxy).
    pub trust_proxy: bool,
}

impl Config {
    pub fn is_demo(&self) -> bool {
        self.database_url.is_none()
    }

    pub fn database_url(&self) -> &str {
        self.database_url.as_deref().unwrap_or(DEMO_DATABASE)
    }
}
