//! Opening the database: durable settings, migrations, server secrets.

use hocphi_app::server::database::{self, Durability, Engine};
use hocphi_app::server::state::Db;
use hocphi_app::server::token::TokenKey;
use hocphi_app::server::vault::Vault;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use sqlx::Connection;
use std::str::FromStr;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static MIGRATOR_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations-postgres");

/// Opens the database at `url` (SQLite, made if missing, or PostgreSQL) and
/// brings its schema up to date.
pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    connect_with(url, None).await
}

/// [`connect`] with at most `max` connections (`None`: 8 for SQLite, whose
/// writers take turns anyway; 16 for PostgreSQL).
pub async fn connect_with(url: &str, max: Option<u32>) -> Result<Db, sqlx::Error> {
    let engine = Engine::of_url(url).ok_or_else(|| {
        sqlx::Error::Configuration("DATABASE_URL must start with sqlite:// or postgres://".into())
    })?;
    match engine {
        Engine::Sqlite => {
            create_sqlite(url).await?;
            let db = database::pool(url, max.unwrap_or(8), Durability::Full).await?;
            MIGRATOR.run(&db).await?;
            Ok(db)
        }
        Engine::Postgres => {
            // Several processes share one PostgreSQL: more connections each
            // than SQLite's single writer could use.
            let db = database::pool(url, max.unwrap_or(16), Durability::Full).await?;
            MIGRATOR_POSTGRES.run(&db).await?;
            Ok(db)
        }
    }
}

/// Makes the SQLite file if it is missing and puts it in WAL mode (a setting of
/// the file, kept across connections): readers never wait for the writer.
async fn create_sqlite(url: &str) -> Result<(), sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10));
    let connection = SqliteConnection::connect_with(&options).await?;
    connection.close().await
}

/// The key signing parents' access tokens: made once, kept in the database so that
/// restarts and several server processes agree on it.
/// Where the key is stored, bound into its seal.
const TOKEN_KEY_CONTEXT: &str = "app_secret:token_key";

/// The key that signs parents' access tokens: made on first start, stored sealed
/// with the master key. One stored before sealing (hex) is sealed in place. A key
/// that cannot be read stops the start: a made-up key would silently end every
/// family's access, and an all-zero one would let anyone forge tokens.
pub async fn token_key(db: &Db, vault: &Vault) -> Result<TokenKey, String> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).expect("the operating system's random source");
    let unreadable = |e: &dyn std::fmt::Display| format!("cannot read the parent-token key: {e}");
    sqlx::query("INSERT INTO app_secret (name, value) VALUES ('token_key', $1) ON CONFLICT (name) DO NOTHING")
        .bind(vault.seal(&fresh, TOKEN_KEY_CONTEXT))
        .execute(db)
        .await
        .map_err(|e| unreadable(&e))?;
    let (stored,): (String,) =
        sqlx::query_as("SELECT value FROM app_secret WHERE name = 'token_key'")
            .fetch_one(db)
            .await
            .map_err(|e| unreadable(&e))?;
    let bytes = if stored.starts_with("v1.") {
        vault.open(&stored, TOKEN_KEY_CONTEXT).map_err(|e| {
            format!(
                "cannot open the parent-token key with this master key ({e}): start hocphi with \
                 the master key this database was made with (HOCPHI_MASTER_KEY_FILE)"
            )
        })?
    } else {
        let plain = hocphi_app::domain::hex::decode(&stored)
            .ok_or_else(|| unreadable(&"it is neither sealed nor 64 hex digits"))?;
        sqlx::query("UPDATE app_secret SET value = $1 WHERE name = 'token_key' AND value = $2")
            .bind(vault.seal(&plain, TOKEN_KEY_CONTEXT))
            .bind(&stored)
            .execute(db)
            .await
            .map_err(|e| unreadable(&e))?;
        plain
    };
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| unreadable(&"it is not 32 bytes"))?;
    Ok(TokenKey::new(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_token_key_is_sealed_and_another_master_key_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hocphi.db").display());
        let db = super::connect(&url).await.unwrap();
        let vault = Vault::from_text(&Vault::generate()).unwrap();
        let key = token_key(&db, &vault).await.unwrap();
        let (stored,): (String,) =
            sqlx::query_as("SELECT value FROM app_secret WHERE name = 'token_key'")
                .fetch_one(&db)
                .await
                .unwrap();
        assert!(stored.starts_with("v1."), "sealed at rest: {stored}");
        // The same key comes back on the next start.
        let again = token_key(&db, &vault).await.unwrap();
        assert_eq!(again.verify(&key.issue(1, 100), 0), Some(1));
        let stranger = Vault::from_text(&Vault::generate()).unwrap();
        let refused = token_key(&db, &stranger).await.err().unwrap();
        assert!(refused.contains("master key"), "{refused}");
        // A key stored in the clear by an earlier version is sealed in place.
        sqlx::query("UPDATE app_secret SET value = $1 WHERE name = 'token_key'")
            .bind("11".repeat(32))
            .execute(&db)
            .await
            .unwrap();
        let legacy = token_key(&db, &vault).await.unwrap();
        assert_eq!(
            TokenKey::new([0x11; 32]).verify(&legacy.issue(1, 100), 0),
            Some(1)
        );
        let (stored,): (String,) =
            sqlx::query_as("SELECT value FROM app_secret WHERE name = 'token_key'")
                .fetch_one(&db)
                .await
                .unwrap();
        assert!(stored.starts_with("v1."));
        // Garbage stops the start instead of becoming an all-zero key.
        sqlx::query("UPDATE app_secret SET value = 'not a key' WHERE name = 'token_key'")
            .execute(&db)
            .await
            .unwrap();
        assert!(token_key(&db, &vault).await.is_err());
    }
    #[tokio::test]
    async fn an_operator_sets_how_many_connections_a_process_keeps() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hocphi.db").display());
        let chosen = super::connect_with(&url, Some(3)).await.unwrap();
        assert_eq!(chosen.options().get_max_connections(), 3);
        chosen.close().await;
        let default = super::connect(&url).await.unwrap();
        assert_eq!(default.options().get_max_connections(), 8);
    }
}
