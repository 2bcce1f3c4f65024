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

/// Failed sign-ins per account: a forgotten password, not a guessing machine.
pub const PER_ACCOUNT: &[Limit] = &[
    Limit {
        max_failures: 5,
        window_secs: 15 * 60,
    },
    Limit {
        max_failures: 20,
        window_secs: 24 * 3600,
    },
];

const LONGEST_WINDOW: i64 = 24 * 3600;

/// Keys name client addresses and student codes: the database (and its
/// backups) keeps only their hash.
fn stored_key(key: &str) -> String {
    super::auth::secret_hash(key)
}

/// Counts failures in the database (table `rate_failure`), so every hocphi
/// process sharing it sees the same counts.
#[derive(Clone)]
pub struct FailureLimiter {
    db: super::state::Db,
}

impl FailureLimiter {
    pub fn new(db: super::state::Db) -> FailureLimiter {
        FailureLimiter { db }
    }

    /// `Err(seconds)` to wait if `key` has used up any of its limits (also, for a
    /// short while, if the database cannot say).
    pub async fn check(&self, key: &str, limits: &[Limit], now: i64) -> Result<(), u64> {
        let key = &stored_key(key);
        let mut wait = 0i64;
        for limit in limits {
            // The failure that, leaving the window, frees the key again: the
            // `max_failures`-th most recent one still inside it.
            let oldest_counted: Result<Option<(i64,)>, _> = sqlx::query_as(
                "SELECT at FROM rate_failure WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3",
            )
            .bind(key)
            .bind(now - limit.window_secs)
            .bind(limit.max_failures as i64 - 1)
            .fetch_optional(&self.db)
            .await;
            match oldest_counted {
                Ok(Some((at,))) => wait = wait.max(at + limit.window_secs - now),
                Ok(None) => {}
                // Fail closed: a limit that cannot be checked is not lifted.
                Err(e) => {
                    tracing::warn!("rate limit check: {e}");
                    wait = wait.max(30);
                }
            }
        }
        if wait > 0 {
            Err(wait as u64)
        } else {
            Ok(())
        }
    }

    /// Counts one against `key`, and forgets its failures older than the
    /// longest of `limits` (they can no longer count).
    pub async fn record_failure(&self, key: &str, limits: &[Limit], now: i64) {
        let key = &stored_key(key);
        let keep = limits
            .iter()
            .map(|l| l.window_secs)
            .max()
            .unwrap_or(LONGEST_WINDOW);
        let recorded = async {
            sqlx::query("DELETE FROM rate_failure WHERE key = $1 AND at <= $2")
                .bind(key)
                .bind(now - keep)
                .execute(&self.db)
                .await?;
            sqlx::query("INSERT INTO rate_failure (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(now)
                .execute(&self.db)
                .await
        }
        .await;
        if let Err(e) = recorded {
            tracing::warn!("rate limit record: {e}");
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
        let db = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
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
        for i in 0..5 {
            assert!(l.check(key, PER_STUDENT_CODE, 100 + i).await.is_ok());
            l.record_failure(key, PER_STUDENT_CODE, 100 + i).await;
        }
        assert_eq!(l.check(key, PER_STUDENT_CODE, 105).await, Err(15 * 60 - 5));
        assert!(
            l.check("code:th-ha-long:HS0002", PER_STUDENT_CODE, 105)
                .await
                .is_ok(),
            "other codes unaffected"
        );
        assert!(l.check(key, PER_STUDENT_CODE, 100 + 15 * 60).await.is_ok());
        // The daily limit: 10 failures spread out still block for the rest of the day.
        for i in 0..5 {
            l.record_failure(key, PER_STUDENT_CODE, 2_000 + i * 1_000)
                .await;
        }
        let now = 7_000;
        let wait = l.check(key, PER_STUDENT_CODE, now).await.unwrap_err();
        assert_eq!(wait as i64, 100 + 24 * 3600 - now);
        // A day later the sweep forgets them all.
        assert_eq!(l.sweep(100 + 24 * 3600 + 6_000).await.unwrap(), 10);
    }
}
