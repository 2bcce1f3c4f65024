//! The two database engines hocphi runs on: SQLite, the embedded default, and
//! PostgreSQL, for a province served by several processes. Queries are written
//! once, in SQL both engines read the same way (`$1` parameters, `ON CONFLICT`,
//! `RETURNING`, `CAST(… AS BIGINT)` around sums); what must differ lives here.

use super::state::Db;
use sqlx::any::AnyPoolOptions;
use sqlx::Executor;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a database URL names, if hocphi knows it.
    pub fn of_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }

    /// The engine behind a pool.
    pub fn of(db: &Db) -> Engine {
        Engine::of_url(db.connect_options().database_url.as_str()).unwrap_or(Engine::Sqlite)
    }
}

/// How a connection to SQLite must be set up; PostgreSQL needs nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Every commit reaches the disk before it is acknowledged: a payment the
    /// server has answered survives a power cut.
    Full,
    /// Commits skip the fsync (safe in WAL mode: the database stays whole, the
    /// last few commits may be forgotten). Only for counts that may be lost.
    Relaxed,
}

/// A pool on `url`, connected now. SQLite settings are per connection, so they
/// are set as each connection opens; the file must exist (see the server's
/// `db::connect`).
pub async fn pool(url: &str, max: u32, durability: Durability) -> Result<Db, sqlx::Error> {
    options(url, max, durability)?.connect(url).await
}

/// A pool on `url` that connects when first used.
pub fn pool_lazy(url: &str, max: u32, durability: Durability) -> Result<Db, sqlx::Error> {
    options(url, max, durability)?.connect_lazy(url)
}

fn options(url: &str, max: u32, durability: Durability) -> Result<AnyPoolOptions, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let engine = Engine::of_url(url).ok_or_else(|| {
        sqlx::Error::Configuration("the database URL must start with sqlite: or postgres://".into())
    })?;
    Ok(AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    let synchronous = match durability {
                        Durability::Full => "FULL",
                        Durability::Relaxed => "NORMAL",
                    };
                    // temp_store: a statement that changes many rows inside a
                    // transaction first copies each page it changes, so that it
                    // alone can be undone; on disk that was 1.5 GB of writes to
                    // temporary files over a 100,000-line statement import.
                    conn.execute(
                        format!(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = {synchronous}; \
                             PRAGMA cache_size = -{CACHE_KIB}; PRAGMA wal_autocheckpoint = {WAL_PAGES}; \
                             PRAGMA temp_store = MEMORY; PRAGMA mmap_size = {MMAP_BYTES}"
                        )
                        .as_str(),
                    )
                    .await?;
                }
                Ok(())
            })
        }))
}

/// A transaction that reads and then writes what no other such transaction may
/// change in between: every write transaction of the server functions and the
/// REST API (matching money to invoices, numbering receipts, using a one-time
/// link, declining a fee). SQLite: `BEGIN IMMEDIATE` takes the database's write
/// lock at the start. PostgreSQL: a transaction-scoped advisory lock, so these
/// transactions run one at a time across every hocphi process, as SQLite's
/// writers do, and what one read is still true when it writes; the lock is
/// released at commit or rollback. Reads outside them run in parallel.
///
/// Within one process the writers also take turns in arrival order (a fair
/// async lock, held until commit or rollback): SQLite's busy handler polls with
/// growing sleeps, so a bank notification waiting behind a long statement import
/// would keep missing the moment between two of its batches. With the turn it
/// goes next, within one batch's time.
pub async fn begin_write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    let turn = write_turn(db);
    let engine = Engine::of(db);
    let held = {
        // Counted while it waits, so that a long writer sees it and ends its
        // transaction early (`WriteTx::others_waiting`).
        let _waiting = Waiting::on(&turn);
        turn.lock.clone().lock_owned().await
    };
    let tx = match engine {
        Engine::Sqlite => db.begin_with("BEGIN IMMEDIATE").await?,
        Engine::Postgres => {
            let mut tx = db.begin().await?;
            // Selected through a subquery: the lock function returns `void`,
            // which the driver cannot carry.
            sqlx::query("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
                .bind(WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    Ok(WriteTx {
        tx,
        engine,
        turn,
        _held: held,
    })
}

/// This process's write turn for one statement written outside [`begin_write`]
/// (a sign-in's session, a look logged in the audit, a link made): on SQLite
/// it waits its turn like a transaction does, counted, so that a long import
/// makes way for it instead of leaving it to SQLite's busy handler, which
/// polls and would rarely hit the moment between two turns. Hold the guard
/// until the statement is done. PostgreSQL needs none (no database-wide lock).
/// Never call it while holding a [`WriteTx`] of the same database.
pub async fn single_write_turn(db: &Db) -> Option<tokio::sync::OwnedMutexGuard<()>> {
    if Engine::of(db) != Engine::Sqlite {
        return None;
    }
    let turn = write_turn(db);
    let _waiting = Waiting::on(&turn);
    Some(turn.lock.clone().lock_owned().await)
}

/// A write transaction from [`begin_write`], holding this process's write turn
/// until it ends. It reads as the connection (`&mut *tx`), as a transaction does.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    engine: Engine,
    turn: std::sync::Arc<WriteTurn>,
    _held: tokio::sync::OwnedMutexGuard<()>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }

    /// Whether another writer waits for this transaction to end: one of this
    /// process, or (PostgreSQL) of another process sharing the database. A long
    /// writer (a statement import) asks between its batches and commits early,
    /// so a bank notification waits for one batch, not for the whole file.
    pub async fn others_waiting(&mut self) -> Result<bool, sqlx::Error> {
        if self.turn.waiting.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            return Ok(true);
        }
        match self.engine {
            // One process writes a SQLite file.
            Engine::Sqlite => Ok(false),
            Engine::Postgres => {
                let waiting: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
                     AND CAST(classid AS BIGINT) = $1 AND CAST(objid AS BIGINT) = $2 AND objsubid = 1",
                )
                .bind(WRITE_LOCK >> 32)
                .bind(WRITE_LOCK & 0xffff_ffff)
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(waiting > 0)
            }
        }
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// This process's write turn on one database, and how many wait for it.
#[derive(Default)]
struct WriteTurn {
    lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    waiting: std::sync::atomic::AtomicUsize,
}

/// One writer counted as waiting until it holds the turn (or gives up: the
/// count also falls when its future is dropped).
struct Waiting<'a>(&'a WriteTurn);

impl<'a> Waiting<'a> {
    fn on(turn: &'a WriteTurn) -> Waiting<'a> {
        turn.waiting
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Waiting(turn)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0
            .waiting
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The write turn of this process for one database (tests run several).
fn write_turn(db: &Db) -> std::sync::Arc<WriteTurn> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static TURNS: OnceLock<Mutex<HashMap<String, Arc<WriteTurn>>>> = OnceLock::new();
    let url = db.connect_options().database_url.to_string();
    let mut turns = TURNS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    turns.entry(url).or_default().clone()
}

/// Makes this transaction wait for any other holding one of `names`, until it
/// ends (PostgreSQL: transaction-scoped advisory locks, taken in sorted order so
/// that two transactions never wait on each other). SQLite needs none: its
/// first write takes the lock on the whole database.
pub async fn lock_names(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
    names: &[String],
) -> Result<(), sqlx::Error> {
    if engine == Engine::Sqlite {
        return Ok(());
    }
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    sorted.dedup();
    for name in sorted {
        sqlx::query(
            "SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS locked",
        )
        .bind(name)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Makes a new, empty PostgreSQL database `name` (letters, digits and `_`) on
/// the server `server_url` names, and returns the new database's URL. For the
/// tests, which make one database each: hocphi itself never creates one.
pub async fn create_postgres_database(server_url: &str, name: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(sqlx::Error::Configuration(
            format!("not a database name: {name}").into(),
        ));
    }
    let mut admin = sqlx::PgConnection::connect(server_url).await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    admin.close().await?;
    let base = server_url
        .rsplit_once('/')
        .map_or(server_url, |(base, _)| base);
    Ok(format!("{base}/{name}"))
}

/// SQLite's page cache per connection, in KiB (its default is 2 MiB): a
/// statement import touches the indexes of a few hundred thousand rows, and
/// with the default most of its time went to reading pages back from the OS.
/// Allocated as used, so an idle connection costs little.
const CACHE_KIB: u32 = 32 * 1024;

/// How much of the database file SQLite reads through a memory map instead of
/// a read call per page (its default is none). Another connection's commit
/// empties a connection's page cache, so during a statement import every bank
/// notification sent the importer back to reading its pages one call at a time:
/// 1.5 GB read that way over a 100,000-line import, 0.6 GB with the map (the
/// write-ahead log is still read by calls). Address space only: the pages are
/// the OS's file cache, shared by every connection.
const MMAP_BYTES: u64 = 1 << 30;

/// The write-ahead log's size, in pages, at which a committing writer copies it
/// into the database itself (SQLite's default is 1,000). A 100,000-line statement
/// commits a few megabytes at a time: at 1,000 nearly every commit paid for a
/// copy, while holding the write turn, and the same index pages were copied
/// again and again (recording took 12.2 s; at 10,000, 10.4 s). Much larger and
/// the one commit that pays waits too long (at 40,000 a notification waited
/// 147 ms). Copying from a background task every 250 ms instead was slower
/// on two cores (10.8–11.2 s): it competes with the writer it means to spare.
const WAL_PAGES: u32 = 10_000;

/// The advisory lock key of [`begin_write`] ("hocphi" in ASCII).
const WRITE_LOCK: i64 = 0x686f_6370_6869;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_are_told_by_their_scheme() {
        assert_eq!(Engine::of_url("sqlite://hocphi.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("sqlite::memory:"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("postgres://u@h/db"), Some(Engine::Postgres));
        assert_eq!(
            Engine::of_url("postgresql://u@h/db"),
            Some(Engine::Postgres)
        );
        assert_eq!(Engine::of_url("mysql://u@h/db"), None);
    }
}
