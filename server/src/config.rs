//! Configuration from the environment (and the command line, which overrides it).
//! With nothing set, hocphi runs the demo: a local SQLite file seeded with demo data.

use crate::secret::Secret;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The database used when the operator configures none; the only one ever seeded.
pub const DEMO_DATABASE: &str = "sqlite://hocphi-demo.db";

#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// `None`: the demo database. A secret: a PostgreSQL URL holds a password.
    pub database_url: Option<Secret>,
    /// The built web app (Trunk's `dist/`).
    pub dist: PathBuf,
    /// A pinned "now" (`2026-11-26T09:00:00+07:00`), for demos and tests.
    pub now: Option<i64>,
    /// The reverse proxies whose `X-Forwarded-For` entries are believed.
    pub trust_proxy: crate::http::TrustedProxies,
    /// The payment gateway's address; `None`: the simulator in the demo, else none.
    pub gateway_url: Option<String>,
    /// Serve the simulator on a real database too (training copies).
    pub gateway_simulator: bool,
    /// Run the demo on the configured database (seeded when empty): a demo or a
    /// training copy on PostgreSQL.
    pub demo: bool,
    /// Connections this process keeps open at most; `None`: the engine's default.
    pub db_connections: Option<u32>,
    /// Where the public reaches hocphi; `None`: `http://<addr>`.
    pub public_url: Option<String>,
    /// Requests a minute one API key may make.
    pub api_requests_per_minute: u32,
    /// Lets a remote Prometheus read `/metrics`.
    pub metrics_token: Option<Secret>,
    /// The master key (base64url, 32 bytes) sealing secrets in the database; `None`:
    /// the key in `master_key_file`, made there on the server's first start.
    pub master_key: Option<Secret>,
    /// Where the master key is kept when not given directly.
    pub master_key_file: PathBuf,
    /// Events may go to this machine's own addresses.
    pub webhooks_to_loopback: bool,
    /// Seconds of draining between SIGTERM and closing the listener.
    pub drain_seconds: u64,
}

/// Printed at start, so an operator sees what hocphi runs with: never a secret.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database", &redact_url(self.database_url()))
            .field("dist", &self.dist)
            .field("pinned_clock", &self.now)
            .field("trust_proxy", &self.trust_proxy)
            .field("gateway_url", &self.gateway_url)
            .field("gateway_simulator", &self.gateway_simulator)
            .field("demo", &self.is_demo())
            .field("db_connections", &self.db_connections)
            .field("public_url", &self.public_url())
            .field("api_requests_per_minute", &self.api_requests_per_minute)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "(set)"),
            )
            .finish()
    }
}

/// Why the database could not be opened, naming it without its password.
pub fn cannot_open_database(url: &str, error: impl std::fmt::Display) -> String {
    format!("cannot open the database {}: {error}", redact_url(url))
}

/// A database URL without its password.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Config {
    pub fn is_demo(&self) -> bool {
        self.database_url.is_none() || self.demo
    }

    /// The address links handed out start with (no trailing slash).
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.addr),
        }
    }

    /// The database's URL, password included: for connecting, never for printing
    /// (see [`redact_url`]).
    pub fn database_url(&self) -> &str {
        self.database_url
            .as_ref()
            .map_or(DEMO_DATABASE, Secret::expose)
    }

    /// The master key, from the setting or its file, made on the first start.
    pub fn vault(&self) -> Result<hocphi_app::server::vault::Vault, Box<dyn std::error::Error>> {
        master_key(
            self.master_key.as_ref(),
            &self.master_key_file,
            MissingKey::Create,
        )
    }
}

/// Whether a missing master key file may be made: only the server's first start
/// makes one. An admin command run from another directory must not make a
/// second key and seal a secret the server cannot open.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MissingKey {
    Create,
    Refuse,
}

/// The master key sealing secrets in the database: `HOCPHI_MASTER_KEY` (base64url,
/// 32 bytes), or the file `HOCPHI_MASTER_KEY_FILE` (default `hocphi-master.key` in
/// the working directory), made with owner-only permissions on first start.
pub fn master_key(
    key: Option<&Secret>,
    file: &std::path::Path,
    missing: MissingKey,
) -> Result<hocphi_app::server::vault::Vault, Box<dyn std::error::Error>> {
    use hocphi_app::server::vault::Vault;
    if let Some(key) = key {
        return Ok(Vault::from_text(key.expose())?);
    }
    match std::fs::read_to_string(file).map(Secret::from) {
        Ok(text) => {
            Ok(Vault::from_text(text.expose()).map_err(|e| format!("{}: {e}", file.display()))?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && missing == MissingKey::Refuse => {
            Err(format!(
                "no master key at {}: run this where hocphi runs (its working directory), \
                 or name the key with HOCPHI_MASTER_KEY_FILE or HOCPHI_MASTER_KEY",
                file.display()
            )
            .into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = Secret::from(Vault::generate());
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            use std::io::Write;
            options
                .open(file)
                .and_then(|mut f| f.write_all(text.expose().as_bytes()))
                .map_err(|e| format!("cannot create the master key {}: {e}", file.display()))?;
            tracing::warn!(
                "created a new master key in {}: back it up apart from the database",
                file.display()
            );
            Ok(Vault::from_text(text.expose())?)
        }
        Err(e) => Err(format!("cannot read the master key {}: {e}", file.display()).into()),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_database_that_cannot_be_opened_is_named_without_its_password() {
        let said = cannot_open_database(
            "postgres://hocphi:s3cret-pw@db.internal:5432/hocphi",
            "connection refused",
        );
        assert_eq!(
            said,
            "cannot open the database postgres://hocphi:***@db.internal:5432/hocphi: connection refused"
        );
    }

    use super::*;

    #[test]
    fn secrets_never_reach_the_printed_configuration() {
        let config = Config {
            addr: "127.0.0.1:3000".parse().unwrap(),
            database_url: Some("postgres://hocphi:s3cret-pw@db.internal/hocphi".into()),
            dist: "dist".into(),
            now: None,
            trust_proxy: "127.0.0.1".parse().unwrap(),
            gateway_url: None,
            gateway_simulator: false,
            demo: false,
            db_connections: None,
            public_url: None,
            api_requests_per_minute: 300,
            metrics_token: Some("tok-123456".into()),
            master_key: Some("master-key-K3y".into()),
            master_key_file: "hocphi-master.key".into(),
            webhooks_to_loopback: false,
            drain_seconds: 5,
        };
        for printed in [format!("{config:?}"), format!("{config:#?}")] {
            for secret in ["s3cret-pw", "tok-123456", "master-key-K3y"] {
                assert!(!printed.contains(secret), "{secret} in {printed}");
            }
        }
        let printed = format!("{config:?}");
        assert!(
            printed.contains("postgres://hocphi:***@db.internal/hocphi"),
            "{printed}"
        );
        assert!(
            printed.contains("metrics_token: Some(\"(set)\")"),
            "{printed}"
        );
    }
}
