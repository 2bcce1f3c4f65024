//! Opening the database: durable settings, migrations, server secrets.

use hocphi_app::server::database::{self, Durability, Engine};
use hocphi_app::server::state::Db;
use hocphi_app::server::token::TokenKey;
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
pub async fn token_key(db: &Db) -> Result<TokenKey, sqlx::Error> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).expect("the operating system's random source");
    let fresh_hex = hocphi_app::domain::hex::encode(&fresh);
    sqlx::query("INSERT INTO app_secret (name, value) VALUES ('token_key', $1) ON CONFLICT (name) DO NOTHING")
        .bind(&fresh_hex)
        .execute(db)
        .await?;
    let (stored,): (String,) =
        sqlx::query_as("SELECT value FROM app_secret WHERE name = 'token_key'")
            .fetch_one(db)
            .await?;
    let key: [u8; 32] = hocphi_app::domain::hex::decode(&stored)
        .and_then(|bytes| bytes.try_into().ok())
        .unwrap_or_default();
    Ok(TokenKey::new(key))
}

#[cfg(test)]
mod tests {
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
