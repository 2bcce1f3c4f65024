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

/// Attempts counted in one transaction at most: a burst of lookups shares a
/// commit instead of queueing for one each.
const BATCH: usize = 256;

/// Counts failures in the database (table `rate_failure`), so every hocphi
/// process sharing it sees the same counts.
///
/// Each process counts through one task that takes whatever attempts are
/// waiting, up to [`BATCH`], and counts them together in one write
/// transaction, in arrival order: the check and the count stay one
/// transaction, so parallel attempts (from this process or another) still
/// cannot slip through together, but a thousand lookups a second pay for a
/// few dozen commits, not a thousand.
#[derive(Clone)]
pub struct FailureLimiter {
    db: super::state::Db,
    /// The counting task's queue; a new task is started when there is none
    /// or it has stopped (a panic, or the runtime that ran it ended).
    queue: std::sync::Arc<std::sync::Mutex<Option<tokio::sync::mpsc::Sender<Job>>>>,
}

/// An attempt's keys (as stored) and the limits each is held to.
type Keys = Vec<(String, Vec<Limit>)>;

/// Work for the counting task.
enum Job {
    Attempt {
        keys: Keys,
        now: i64,
        answer: tokio::sync::oneshot::Sender<Result<Attempt, u64>>,
    },
    /// Rows of attempts that turned out fine.
    Forget(Vec<i64>),
}

impl FailureLimiter {
    /// Counts go through their own connections to the same database, which
    /// skip the fsync at each commit (`synchronous = NORMAL`, safe in WAL
    /// mode): a power cut may forget the last few counts, never a payment,
    /// and a parent's lookup does not wait on the disk twice.
    pub fn new(db: super::state::Db) -> FailureLimiter {
        let url = db.connect_options().database_url.to_string();
        let queue = Default::default();
        if super::database::Engine::of(&db) != super::database::Engine::Sqlite
            || url.contains("memory")
        {
            // PostgreSQL has no such setting per connection worth a second pool;
            // an in-memory database is only reachable through its own pool.
            return FailureLimiter { db, queue };
        }
        match super::database::pool_lazy(&url, 4, super::database::Durability::Relaxed) {
            Ok(counts) => FailureLimiter { db: counts, queue },
            Err(_) => FailureLimiter { db, queue },
        }
    }

    /// The counting task's queue, started on first use (inside the runtime).
    fn queue(&self) -> tokio::sync::mpsc::Sender<Job> {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        match &*queue {
            Some(send) if !send.is_closed() => send.clone(),
            _ => {
                // Bounded: a flood waits here, in memory a few hundred bytes
                // each, rather than piling up without end.
                let (send, receive) = tokio::sync::mpsc::channel(4 * BATCH);
                tokio::spawn(count(self.db.clone(), receive));
                *queue = Some(send.clone());
                send
            }
        }
    }

    /// Counts an attempt against each key before it is made, and refuses it
    /// (`Err(seconds to wait)`) if any key has used up one of its limits. The
    /// count and the check are one write transaction, so parallel requests —
    /// from one process or several — cannot slip through together. An attempt
    /// that turns out fine is taken back with [`FailureLimiter::forget`]. If the
    /// database cannot say, the attempt waits a little (fail closed).
    pub async fn attempt(&self, keys: &[(&str, &[Limit])], now: i64) -> Result<Attempt, u64> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job = Job::Attempt {
            keys: keys
                .iter()
                .map(|(key, limits)| (stored_key(key), limits.to_vec()))
                .collect(),
            now,
            answer,
        };
        if self.queue().send(job).await.is_err() {
            tracing::warn!("rate limit: the counting task has stopped");
            return Err(30);
        }
        answered.await.unwrap_or(Err(30))
    }

    /// Takes back an attempt that turned out fine (the right date of birth, the
    /// right password): only failures count. The rows go with the next batch,
    /// so a busy minute's successes cost a few commits, not one each (and
    /// with the one after, should that batch fail).
    pub async fn forget(&self, attempt: Attempt) {
        if attempt.rows.is_empty() {
            return;
        }
        if self.queue().send(Job::Forget(attempt.rows)).await.is_err() {
            tracing::warn!("rate limit: the counting task has stopped");
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

/// The counting task: batches of waiting attempts, one transaction each.
async fn count(db: super::state::Db, mut queue: tokio::sync::mpsc::Receiver<Job>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(BATCH);
    // Rows to forget that a failed batch could not: tried again with the next.
    let mut carried: Vec<i64> = Vec::new();
    while queue.recv_many(&mut jobs, BATCH).await > 0 {
        let mut forget = std::mem::take(&mut carried);
        let mut attempts = Vec::new();
        for job in jobs.drain(..) {
            match job {
                Job::Forget(rows) => forget.extend(rows),
                Job::Attempt { keys, now, answer } => attempts.push((keys, now, answer)),
            }
        }
        let asked: Vec<(&Keys, i64)> = attempts.iter().map(|(keys, now, _)| (keys, *now)).collect();
        let decided = match count_batch(&db, &forget, &asked).await {
            Ok(decided) => decided,
            Err(e) => {
                tracing::warn!("rate limit: {e}");
                // Successes stay forgiven (bounded: a database down for long
                // keeps the newest), and every attempt of the batch waits a
                // little (fail closed).
                carried = forget.split_off(forget.len().saturating_sub(16 * BATCH));
                asked.iter().map(|_| Err(30)).collect()
            }
        };
        for ((_, _, answer), decision) in attempts.into_iter().zip(decided) {
            // The asker may have gone (its request ended): nothing to tell.
            let _ = answer.send(decision);
        }
    }
}

/// The longest window a key is counted over: older failures no longer count.
fn keep(limits: &[Limit]) -> i64 {
    limits
        .iter()
        .map(|l| l.window_secs)
        .max()
        .unwrap_or(LONGEST_WINDOW)
}

/// In one write transaction: drops the forgotten rows, then decides each
/// attempt in order against the counts so far (the batch's earlier attempts
/// included) and records the ones allowed. A refused attempt is not counted:
/// waiting it out frees the key.
async fn count_batch(
    db: &super::state::Db,
    forget: &[i64],
    attempts: &[(&Keys, i64)],
) -> Result<Vec<Result<Attempt, u64>>, sqlx::Error> {
    use super::bulk::{as_json_rows, json_rows, Marks, CHUNK};
    use super::database::Engine;
    use std::collections::HashMap;
    let engine = Engine::of(db);
    // On SQLite, this process's writers take turns (a long import makes way).
    let _turn = super::database::single_write_turn(db).await;
    let mut tx = match engine {
        // The write lock first: the counts read below are then the last word
        // until this commits, in every process.
        Engine::Sqlite => db.begin_with("BEGIN IMMEDIATE").await?,
        Engine::Postgres => db.begin().await?,
    };
    // Each key once, with the time before which its failures no longer count
    // (its longest window before the batch's earliest attempt).
    let mut since: HashMap<&str, i64> = HashMap::new();
    for (keys, now) in attempts {
        for (key, limits) in keys.iter() {
            let from = now - keep(limits);
            since
                .entry(key.as_str())
                .and_modify(|s| *s = (*s).min(from))
                .or_insert(from);
        }
    }
    let mut keys: Vec<(&str, i64)> = since.into_iter().collect();
    keys.sort_unstable();
    let names: Vec<String> = keys.iter().map(|(k, _)| k.to_string()).collect();
    super::database::lock_names(&mut tx, engine, &names).await?;
    let marks = Marks::of(&tx);
    for chunk in forget.chunks(CHUNK) {
        let sql = format!(
            "DELETE FROM rate_failure WHERE rowid IN ({})",
            marks.list(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query.bind(*row);
        }
        query.execute(&mut *tx).await?;
    }
    // Forget what no longer counts, then read what does, in one row back.
    let mut seen: HashMap<String, Vec<i64>> = HashMap::new();
    for chunk in keys.chunks(CHUNK / 2) {
        let pairs = (0..chunk.len())
            .map(|i| {
                format!(
                    "(key = {} AND at <= {})",
                    marks.one(2 * i + 1),
                    marks.one(2 * i + 2)
                )
            })
            .collect::<Vec<_>>()
            .join(" OR ");
        let delete = format!("DELETE FROM rate_failure WHERE {pairs}");
        let mut expired = sqlx::query(&delete);
        for (key, from) in chunk {
            expired = expired.bind(*key).bind(*from);
        }
        expired.execute(&mut *tx).await?;
        let sql = format!(
            "SELECT {} FROM rate_failure WHERE key IN ({})",
            as_json_rows(&tx, "key, at", ""),
            marks.list(1, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, Option<String>>(&sql);
        for (key, _) in chunk {
            query = query.bind(*key);
        }
        let rows: Vec<(String, i64)> = json_rows(query.fetch_one(&mut *tx).await?)
            .map_err(|_| sqlx::Error::Protocol("rate_failure rows as JSON".into()))?;
        for (key, at) in rows {
            seen.entry(key).or_default().push(at);
        }
    }
    let mut decided = Vec::with_capacity(attempts.len());
    let mut counted: Vec<(&str, i64)> = Vec::new();
    for (keys, now) in attempts {
        let wait = keys
            .iter()
            .map(|(key, limits)| {
                let times = seen.get(key.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                wait_with(times, limits, *now)
            })
            .max()
            .unwrap_or(0);
        if wait > 0 {
            decided.push(Err(wait.max(1) as u64));
            continue;
        }
        for (key, _) in keys.iter() {
            seen.entry(key.clone()).or_default().push(*now);
            counted.push((key.as_str(), *now));
        }
        decided.push(Ok(Attempt { rows: Vec::new() }));
    }
    // The allowed attempts' rows, handed back to their attempts by (key,
    // time): rows alike are interchangeable, whatever order they come in.
    let mut rows: HashMap<(String, i64), Vec<i64>> = HashMap::new();
    for chunk in counted.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO rate_failure (key, at) VALUES {} RETURNING rowid, key, at",
            marks.value_rows(chunk.len(), 2)
        );
        let mut query = sqlx::query_as::<_, (i64, String, i64)>(&sql);
        for (key, at) in chunk {
            query = query.bind(*key).bind(*at);
        }
        for (row, key, at) in query.fetch_all(&mut *tx).await? {
            rows.entry((key, at)).or_default().push(row);
        }
    }
    for ((keys, now), decision) in attempts.iter().zip(decided.iter_mut()) {
        if let Ok(attempt) = decision {
            for (key, _) in keys.iter() {
                let row = rows
                    .get_mut(&(key.clone(), *now))
                    .and_then(Vec::pop)
                    .ok_or_else(|| sqlx::Error::Protocol("a counted attempt has no row".into()))?;
                attempt.rows.push(row);
            }
        }
    }
    tx.commit().await?;
    Ok(decided)
}

/// How long an attempt at `now` must wait, with it counted on top of a key's
/// failures `times`: for each limit it has used up, until the failure that
/// frees the key (the (max + 1)-th most recent, this attempt included) leaves
/// the window; 0 when it may go ahead.
fn wait_with(times: &[i64], limits: &[Limit], now: i64) -> i64 {
    let mut wait = 0;
    for limit in limits {
        let mut within: Vec<i64> = times
            .iter()
            .copied()
            .filter(|at| *at > now - limit.window_secs)
            .chain(std::iter::once(now))
            .collect();
        if within.len() > limit.max_failures {
            within.sort_unstable_by(|a, b| b.cmp(a));
            let freeing = within[limit.max_failures];
            wait = wait.max(freeing + limit.window_secs - now);
        }
    }
    wait
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
    async fn failures_that_no_longer_count_are_trimmed_as_the_key_is_used() {
        // An API key's requests are all counted (never forgotten), hundreds a
        // minute: its rows must not pile up until the daily sweep.
        let l = limiter().await;
        let per_minute: &[Limit] = &[Limit {
            max_failures: 300,
            window_secs: 60,
        }];
        for i in 0..10 {
            let _counted = l
                .attempt(&[("api:k", per_minute)], 1_000 + i)
                .await
                .unwrap();
        }
        let _counted = l
            .attempt(&[("api:k", per_minute)], 1_000 + 120)
            .await
            .unwrap();
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM rate_failure")
            .fetch_one(&l.db)
            .await
            .unwrap();
        assert_eq!(rows, 1, "only the attempt within the window is kept");
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
