//! `hocphi backup` and `hocphi restore` for the embedded SQLite database.
//!
//! A backup is SQLite's `VACUUM INTO`: one read transaction copies a consistent
//! snapshot while the server keeps taking payments, so every payment committed
//! before it began is in the copy, with its receipt. The copy is checked
//! (`integrity_check`, hocphi's own tables) before it is called a backup.
//! Restoring copies the file back beside the database and swaps it in with a
//! rename, so a crash mid-restore leaves the old database whole.
//!
//! The receipts' signatures need only the published public keys, which are in
//! the database; signing new receipts needs the master key, kept apart
//! (`HOCPHI_MASTER_KEY_FILE`): back both up.

use hocphi_app::server::database;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::ConnectOptions;
use std::path::{Path, PathBuf};

/// What a backup holds, to print and to compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub schools: i64,
    pub students: i64,
    pub invoices: i64,
    pub payments: i64,
    pub receipts: i64,
    /// The last migration the copy has.
    pub schema_version: i64,
    pub bytes: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} schools, {} students, {} invoices, {} payments, {} receipts; schema {}; {} bytes",
            self.schools,
            self.students,
            self.invoices,
            self.payments,
            self.receipts,
            self.schema_version,
            self.bytes
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists: choose a new file name (a backup never overwrites one)")]
    TargetExists(PathBuf),
    #[error("{0} exists: stop hocphi, then restore with --force to replace it")]
    DatabaseExists(PathBuf),
    #[error("{0} is not a hocphi database (no payments table or migrations)")]
    NotHocphi(PathBuf),
    #[error("{0} is damaged: {1}")]
    Damaged(PathBuf, String),
    #[error("{0} was made by a newer hocphi (schema {1}); this one knows up to {2}")]
    Newer(PathBuf, i64, i64),
    #[error("backup and restore work on SQLite databases; for PostgreSQL use pg_dump and pg_restore (see docs/deploy.md)")]
    NotSqlite,
    #[error("there is no database at {0}: check DATABASE_URL")]
    NoDatabase(PathBuf),
    #[error("{0} is in use: stop hocphi, then restore")]
    InUse(PathBuf),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// The file behind a `sqlite://` URL.
pub fn sqlite_path(url: &str) -> Result<PathBuf, BackupError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or(BackupError::NotSqlite)?;
    let path = rest.split('?').next().unwrap_or(rest);
    Ok(PathBuf::from(path))
}

/// Opens the existing database at `url` as it is: never creates one (a mistyped
/// URL must not back up an empty new file) and never migrates it (a newer
/// binary run from cron must not change the schema under the running server).
pub async fn open_existing(url: &str) -> Result<hocphi_app::server::state::Db, BackupError> {
    let path = sqlite_path(url)?;
    if !path.is_file() {
        return Err(BackupError::NoDatabase(path));
    }
    let url = format!("sqlite://{}", path.display());
    Ok(database::pool(&url, 1, database::Durability::Full).await?)
}

/// Copies the live database to `to`, then checks the copy.
pub async fn backup(db: &hocphi_app::server::state::Db, to: &Path) -> Result<Summary, BackupError> {
    if to.exists() {
        return Err(BackupError::TargetExists(to.to_path_buf()));
    }
    // The path is a string literal in SQL: quotes doubled.
    let literal = to.to_string_lossy().replace('\'', "''");
    sqlx::query(&format!("VACUUM INTO '{literal}'"))
        .execute(db)
        .await?;
    inspect(to).await
}

/// Checks a database file and counts what it holds, read-only.
pub async fn inspect(file: &Path) -> Result<Summary, BackupError> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .disable_statement_logging();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .map_err(|e| BackupError::Damaged(file.to_path_buf(), e.to_string()))?;
    if check != "ok" {
        return Err(BackupError::Damaged(file.to_path_buf(), check));
    }
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('payment', 'receipt', '_sqlx_migrations')",
    )
    .fetch_all(&pool)
    .await?;
    if tables.len() != 3 {
        return Err(BackupError::NotHocphi(file.to_path_buf()));
    }
    let count = |table: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i64,)>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&pool)
                .await
                .map(|r| r.0)
        }
    };
    let summary = Summary {
        schools: count("school").await?,
        students: count("student").await?,
        invoices: count("invoice").await?,
        payments: count("payment").await?,
        receipts: count("receipt").await?,
        schema_version: sqlx::query_as::<_, (i64,)>(
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success = 1",
        )
        .fetch_one(&pool)
        .await?
        .0,
        bytes: std::fs::metadata(file)?.len(),
    };
    pool.close().await;
    Ok(summary)
}

/// Puts a backup in place of the database at `url` (hocphi must be stopped).
/// The copy is checked first; the swap is a rename, so it happens whole or not
/// at all. Migrations newer than the backup run at the next start.
pub async fn restore(from: &Path, url: &str, force: bool) -> Result<Summary, BackupError> {
    let target = sqlite_path(url)?;
    let summary = inspect(from).await?;
    let known = crate::db::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    if summary.schema_version > known {
        return Err(BackupError::Newer(
            from.to_path_buf(),
            summary.schema_version,
            known,
        ));
    }
    let existing = target.exists();
    if existing && !force {
        return Err(BackupError::DatabaseExists(target));
    }
    if existing {
        // Everything committed into the main file, and proof nobody is using it.
        checkpoint(&target).await?;
    }
    let staging = target.with_extension("restoring");
    std::fs::copy(from, &staging)?;
    if existing {
        same_owner_and_mode(&target, &staging);
    }
    std::fs::File::open(&staging)?.sync_all()?;
    // The old database and its side files move aside, whole, rather than away.
    if existing {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        for suffix in ["", "-wal", "-shm"] {
            let from = with_suffix(&target, suffix);
            if from.exists() {
                std::fs::rename(
                    &from,
                    with_suffix(&target, &format!(".pre-restore-{stamp}{suffix}")),
                )?;
            }
        }
    }
    std::fs::rename(&staging, &target)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(summary)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Folds the write-ahead log into the database file; refuses if another
/// connection holds it (a running hocphi).
async fn checkpoint(path: &Path) -> Result<(), BackupError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .disable_statement_logging();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&pool)
        .await?;
    let exclusive = sqlx::query("BEGIN EXCLUSIVE").execute(&pool).await;
    pool.close().await;
    if busy != 0 || exclusive.is_err() {
        return Err(BackupError::InUse(path.to_path_buf()));
    }
    Ok(())
}

/// The restored file gets the replaced one's owner and permissions, so the
/// service's user can still write it after a restore run as root.
fn same_owner_and_mode(model: &Path, file: &Path) {
    use std::os::unix::fs::MetadataExt;
    if let Ok(meta) = std::fs::metadata(model) {
        let _ = std::os::unix::fs::chown(file, Some(meta.uid()), Some(meta.gid()));
        let _ = std::fs::set_permissions(file, meta.permissions());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_behind_a_sqlite_url() {
        assert_eq!(
            sqlite_path("sqlite://hocphi-demo.db").unwrap(),
            PathBuf::from("hocphi-demo.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/hocphi/hocphi.db?mode=rwc").unwrap(),
            PathBuf::from("/var/lib/hocphi/hocphi.db")
        );
        assert!(matches!(
            sqlite_path("postgres://db/hocphi"),
            Err(BackupError::NotSqlite)
        ));
    }
}
