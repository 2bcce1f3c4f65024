//! Counts failed lookups so that nobody can try many student codes or many dates
//! of birth. Keys are counted separately (per client address, per student code), so
//! a whole town behind one carrier-NAT address is not locked out by one family's
//! typos, and one student code cannot be guessed at from many addresses.

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max_failures: usize,
    pub window_secs: i64,
}

/// Failures per student code: a parent mistyping a date a few times is fine; the
/// ~700 dates a class's birthdays span would take months.
pub const PER_STUDENT_CODE: &[Limit] = &[
    Limit {
        max_failures: 5,
        window_secs: 15 * 60,
    },
    Limit {
        max_failures: 10,
        window_secs: 24 * 3600,
    },
];

/// Failures per client address: generous, because many parents share an address.
pub const PER_CLIENT: &[Limit] = &[
    Limit {
        max_failures: 30,
        window_secs: 10 * 60,
    },
    Limit {
        max_failures: 200,
        window_secs: 24 * 3600,
    },
];

/// Failed sign-ins per account from one client: a forgotten password, not a
/// guessing machine. Counted per client so that someone who knows a user name
/// cannot lock its owner out by failing on purpose from elsewhere.
pub const PER_ACCOUNT_AND_CLIENT: &[Limit] = &[
    Limit {
        max_failures: 5,
        window_secs: 15 * 60,
    },
    Limit {
        max_failures: 20,
        window_secs: 24 * 3600,
    },
];

/// Failed sign-ins per account from anywhere: a slower wall for guessing spread
/// over many addresses (at most 2,400 guesses a day). Only an attack from more
/// than 20 addresses at once can reach it, and it lasts an hour.
pub const PER_ACCOUNT_ANYWHERE: &[Limit] = &[Limit {
    max_failures: 100,
    window_secs: 3600,
}];

const LONGEST_WINDOW: i64 = 24 * 3600;

/// Keys name client addresses and student codes: the database (and its
/// backups) keeps only their hash.
fn stored_key(key: &str) -> String {
    super::auth::secret_hash(key)
}

/// An attempt counted against its keys; see [`FailureLimiter::attempt`].
#[must_use = "an attempt that succeeded should be forgotten; one that failed is kept by dropping it"]
pub struct Attempt {
    rows: Vec<i64>,
}

/// Counts failures in the database (table `rate_failure`), so every hocphi
/// process sharing it sees the same counts.
#[derive(Clone)]
pub struct FailureLimiter {
    db: super::state::Db,
}

impl FailureLimiter {
    /// Counts go through their own connections to the same database, which
    /// skip the fsync at each commit (`synchronous = NORMAL`, safe in WAL
    /// mode): a power cut may forget the last few counts, never a payment,
    /// and a parent's lookup does not wait on the disk twice.
    pub fn new(db: super::state::Db) -> FailureLimiter {
        let url = db.connect_options().database_url.to_string();
        if super::database::Engine::of(&db) != super::database::Engine::Sqlite
            || url.contains("memory")
        {
            // PostgreSQL has no such setting per connection worth a second pool;
            // an in-memory database is only reachable through its own pool.
            return FailureLimiter { db };
        }
        match super::database::pool_lazy(&url, 4, super::database::Durability::Relaxed) {
            Ok(counts) => FailureLimiter { db: counts },
            Err(_) => FailureLimiter { db },
        }
    }

    /// Counts an attempt against each key before it is made, and refuses it
    /// (`Err(seconds to wait)`) if any key has used up one of its limits. The
    /// count and the check are one write transaction, so parallel requests —
    /// from one process or several — cannot slip through together. An attempt
    /// that turns out fine is taken back with [`FailureLimiter::forget`]. If the
    /// database cannot say, the attempt waits a little (fail closed).
    pub async fn attempt(&self, keys: &[(&str, &[Limit])], now: i64) -> Result<Attempt, u64> {
        match self.try_attempt(keys, now).await {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::warn!("rate limit: {e}");
                Err(30)
            }
        }
    }

    async fn try_attempt(
        &self,
        keys: &[(&str, &[Limit])],
        now: i64,
    ) -> Result<Result<Attempt, u64>, sqlx::Error> {
        let mut tx = self.db.begin().await?;
        // Parallel attempts on one key take turns (see the INSERT below for SQLite).
        let names: Vec<String> = keys.iter().map(|(key, _)| stored_key(key)).collect();
        super::database::lock_names(&mut tx, super::database::Engine::of(&self.db), &names).await?;
        let mut rows = Vec::new();
        let mut wait = 0i64;
        for (key, limits) in keys {
            let key = stored_key(key);
            let keep = limits
                .iter()
                .map(|l| l.window_secs)
                .max()
                .unwrap_or(LONGEST_WINDOW);
            // Writing first takes SQLite's write lock: the counts below see
            // every attempt committed before, and none can start meanwhile.
            let (row,): (i64,) = sqlx::query_as(
                "INSERT INTO rate_failure (key, at) VALUES ($1, $2) RETURNING rowid",
            )
            .bind(&key)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            rows.push(row);
            sqlx::query("DELETE FROM rate_failure WHERE key = $1 AND at <= $2")
                .bind(&key)
                .bind(now - keep)
                .execute(&mut *tx)
                .await?;
            for limit in *limits {
                // With this attempt counted, the one that frees the key again
                // when it leaves the window: the (max + 1)-th most recent.
                let freeing: Option<(i64,)> = sqlx::query_as(
                    "SELECT at FROM rate_failure WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3",
                )
                .bind(&key)
                .bind(now - limit.window_secs)
                .bind(limit.max_failures as i64)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((at,)) = freeing {
                    wait = wait.max(at + limit.window_secs - now);
                }
            }
        }
        if wait > 0 {
            // A refused attempt is not counted: waiting it out frees the key.
            tx.rollback().await?;
            return Ok(Err(wait.max(1) as u64));
        }
        tx.commit().await?;
        Ok(Ok(Attempt { rows }))
    }

    /// Takes back an attempt that turned out fine (the right date of birth, the
    /// right password): only failures count.
    pub async fn forget(&self, attempt: Attempt) {
        // One statement: one commit, however many keys the attempt counted on.
        let rows = attempt
            .rows
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        if rows.is_empty() {
            return;
        }
        if let Err(e) = sqlx::query(&format!("DELETE FROM rate_failure WHERE rowid IN ({rows})"))
            .execute(&self.db)
            .await
        {
            tracing::warn!("rate limit: {e}");
        }
    }

    /// Forgets failures older than the longest window (run daily).
    pub async fn sweep(&self, now: i64) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query("DELETE FROM rate_failure WHERE at <= $1")
            .bind(now - LONGEST_WINDOW)
            .execute(&self.db)
            .await?
            .rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn limiter() -> FailureLimiter {
        // One connection: each in-memory connection is its own database.
        sqlx::any::install_default_drivers();
        let db = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE rate_failure (key TEXT NOT NULL, at BIGINT NOT NULL)")
            .execute(&db)
            .await
            .unwrap();
        FailureLimiter::new(db)
    }

    #[tokio::test]
    async fn blocks_after_the_limit_and_frees_after_the_window() {
        let l = limiter().await;
        let key = "code:th-ha-long:HS0001";
        let limits: &[(&str, &[Limit])] = &[(key, PER_STUDENT_CODE)];
        for i in 0..5 {
            // Each attempt fails (is kept).
            let _failed = l.attempt(limits, 100 + i).await.unwrap();
        }
        assert_eq!(l.attempt(limits, 105).await.err(), Some(15 * 60 - 5));
        assert!(
            l.attempt(&[("code:th-ha-long:HS0002", PER_STUDENT_CODE)], 105)
                .await
                .is_ok(),
            "other codes unaffected"
        );
        // A success is taken back and does not count.
        let ok = l.attempt(limits, 100 + 15 * 60).await.unwrap();
        l.forget(ok).await;
        // The daily limit: 10 failures spread out still block for the rest of the day.
        for i in 0..5 {
            let _failed = l.attempt(limits, 2_000 + i * 1_000).await.unwrap();
        }
        let now = 7_000;
        let wait = l.attempt(limits, now).await.err().unwrap();
        assert_eq!(wait as i64, 100 + 24 * 3600 - now);
        // A day later the sweep forgets them all: the 10 failures, and the
        // attempt on the other code (kept: it was never forgotten).
        assert_eq!(l.sweep(100 + 24 * 3600 + 6_000).await.unwrap(), 11);
    }

    #[tokio::test]
    async fn parallel_attempts_cannot_slip_through_together() {
        let dir = std::env::temp_dir().join(format!("limiter-{}", std::process::id()));
        sqlx::any::install_default_drivers();
        // Two pools stand for two hocphi processes on one database.
        let (first, second) = match std::env::var("HOCPHI_TEST_POSTGRES") {
            Ok(server) if !server.is_empty() => {
                let name = format!(
                    "limiter_{}_{}",
                    std::process::id(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .subsec_nanos()
                );
                let url = super::super::database::create_postgres_database(&server, &name)
                    .await
                    .unwrap();
                let db = sqlx::AnyPool::connect(&url).await.unwrap();
                sqlx::query(
                    "CREATE TABLE rate_failure (rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
                     key TEXT NOT NULL, at BIGINT NOT NULL)",
                )
                .execute(&db)
                .await
                .unwrap();
                (db, sqlx::AnyPool::connect(&url).await.unwrap())
            }
            _ => {
                let url = format!("sqlite://{}?mode=rwc", dir.display());
                let db = sqlx::AnyPool::connect(&url).await.unwrap();
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS rate_failure (key TEXT NOT NULL, at BIGINT NOT NULL)",
                )
                .execute(&db)
                .await
                .unwrap();
                (db, sqlx::AnyPool::connect(&url).await.unwrap())
            }
        };
        let limiters = [
            std::sync::Arc::new(FailureLimiter::new(first)),
            std::sync::Arc::new(FailureLimiter::new(second)),
        ];
        let tries: Vec<_> = (0..40)
            .map(|i| {
                let l = limiters[i % 2].clone();
                tokio::spawn(async move {
                    l.attempt(&[("code:x:y", PER_STUDENT_CODE)], 1_000)
                        .await
                        .is_ok()
                })
            })
            .collect();
        let mut allowed = 0;
        for t in tries {
            allowed += t.await.unwrap() as usize;
        }
        let _ = std::fs::remove_file(&dir);
        assert_eq!(allowed, 5, "exactly the limit, however many arrive at once");
    }
}
