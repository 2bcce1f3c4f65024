//! Counts failed lookups so that nobody can try many student codes or many dates
//! of birth. Keys are counted separately (per client address, per student code), so
//! a whole town behind one carrier-NAT address is not locked out by one family's
//! typos, and one student code cannot be guessed at from many addresses.

use std::collections::HashMap;
use std::sync::Mutex;

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
const MAX_KEYS: usize = 200_000;

#[derive(Default)]
pub struct FailureLimiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl FailureLimiter {
    /// `Err(seconds)` to wait if `key` has used up any of its limits.
    pub fn check(&self, key: &str, limits: &[Limit], now: i64) -> Result<(), u64> {
        let map = self.failures.lock().expect("limiter lock");
        let Some(times) = map.get(key) else {
            return Ok(());
        };
        let mut wait = 0i64;
        for limit in limits {
            let recent: Vec<i64> = times
                .iter()
                .copied()
                .filter(|t| now - t < limit.window_secs)
                .collect();
            if recent.len() >= limit.max_failures {
                // Free again when the oldest failure that still counts leaves the window.
                let oldest_counted = recent[recent.len() - limit.max_failures];
                wait = wait.max(oldest_counted + limit.window_secs - now);
            }
        }
        if wait > 0 {
            Err(wait as u64)
        } else {
            Ok(())
        }
    }

    pub fn record_failure(&self, key: &str, now: i64) {
        let mut map = self.failures.lock().expect("limiter lock");
        if map.len() >= MAX_KEYS {
            map.retain(|_, times| times.iter().any(|t| now - t < LONGEST_WINDOW));
        }
        let times = map.entry(key.to_string()).or_default();
        times.retain(|t| now - t < LONGEST_WINDOW);
        times.push(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_frees_after_the_window() {
        let l = FailureLimiter::default();
        let key = "code:th-ha-long:HS0001";
        for i in 0..5 {
            assert!(l.check(key, PER_STUDENT_CODE, 100 + i).is_ok());
            l.record_failure(key, 100 + i);
        }
        assert_eq!(l.check(key, PER_STUDENT_CODE, 105), Err(15 * 60 - 5));
        assert!(
            l.check("code:th-ha-long:HS0002", PER_STUDENT_CODE, 105)
                .is_ok(),
            "other codes unaffected"
        );
        assert!(l.check(key, PER_STUDENT_CODE, 100 + 15 * 60).is_ok());
        // The daily limit: 10 failures spread out still block for the rest of the day.
        for i in 0..5 {
            l.record_failure(key, 2_000 + i * 1_000);
        }
        let now = 7_000;
        let wait = l.check(key, PER_STUDENT_CODE, now).unwrap_err();
        assert_eq!(wait as i64, 100 + 24 * 3600 - now);
    }
}
