//! CPU-heavy work (reading spreadsheets, Argon2, rendering PDFs, brotli) runs on
//! a small pool of its own, never on the async workers: a 10 MB statement or a
//! burst of sign-ins must not delay a bank notification or `/healthz`, which
//! share those workers.
//!
//! At most one job per core runs at once (tokio's blocking threads, admitted
//! by a semaphore); a bounded number wait behind them; past that the caller is
//! told the server is busy, so a flood of heavy requests queues nothing without
//! end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Jobs that may wait for a turn; one more is refused.
pub const MAX_WAITING: usize = 256;

/// Every place of the pool is taken and too many jobs wait already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy;

fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        Semaphore::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
        )
    })
}

static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Runs `job` on the pool and returns its result.
pub async fn run<T, F>(job: F) -> Result<T, Busy>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    if WAITING.fetch_add(1, Ordering::AcqRel) >= MAX_WAITING {
        WAITING.fetch_sub(1, Ordering::AcqRel);
        return Err(Busy);
    }
    let permit = permits().acquire().await;
    WAITING.fetch_sub(1, Ordering::AcqRel);
    let _permit = permit.map_err(|_| Busy)?;
    // A job that panics is a bug; its request gets the panic (a 500), as before.
    match tokio::task::spawn_blocking(job).await {
        Ok(value) => Ok(value),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

impl From<Busy> for crate::error::AppError {
    fn from(_: Busy) -> Self {
        crate::error::AppError::Busy
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_jobs_leave_the_async_workers_free() {
        let jobs: Vec<_> = (0..8)
            .map(|_| tokio::spawn(run(|| std::thread::sleep(Duration::from_millis(200)))))
            .collect();
        // While every worker thread would be blocked if the jobs ran on them,
        // a plain async task still gets its turn at once.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let started = Instant::now();
        tokio::spawn(async {}).await.unwrap();
        assert!(started.elapsed() < Duration::from_millis(50));
        for job in jobs {
            job.await.unwrap().unwrap();
        }
    }
}
