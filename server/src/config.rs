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
    /// The payment gateway's address; `None`: the simulator in the demo, else none.
    pub gateway_url: Option<String>,
    /// Serve the simulator on a real database too (training copies).
    pub gateway_simulator: bool,
    /// Where the public reaches hocphi; `None`: `http://<addr>`.
    pub public_url: Option<String>,
    /// Requests a minute one API key may make.
    pub api_requests_per_minute: u32,
}

impl Config {
    pub fn is_demo(&self) -> bool {
        self.database_url.is_none()
    }

    /// The address links handed out start with (no trailing slash).
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.addr),
        }
    }

    pub fn database_url(&self) -> &str {
        self.database_url.as_deref().unwrap_or(DEMO_DATABASE)
    }
}

/// The master key sealing secrets in the database: `HOCPHI_MASTER_KEY` (base64url,
/// 32 bytes), or the file `HOCPHI_MASTER_KEY_FILE` (default `hocphi-master.key` in
/// the working directory), made with owner-only permissions on first start.
pub fn master_key(
    key: Option<String>,
    file: &std::path::Path,
) -> Result<hocphi_app::server::vault::Vault, Box<dyn std::error::Error>> {
    use hocphi_app::server::vault::Vault;
    if let Some(text) = key {
        return Ok(Vault::from_text(&text)?);
    }
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(Vault::from_text(&text).map_err(|e| format!("{}: {e}", file.display()))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = Vault::generate();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            use std::io::Write;
            options
                .open(file)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .map_err(|e| format!("cannot create the master key {}: {e}", file.display()))?;
            tracing::warn!(
                "created a new master key in {}: back it up apart from the database",
                file.display()
            );
            Ok(Vault::from_text(&text)?)
        }
        Err(e) => Err(format!("cannot read the master key {}: {e}", file.display()).into()),
    }
}
