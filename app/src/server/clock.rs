//! The clock is injected so that tests, demo seeding and end-to-end runs can pin
//! "now" (due dates, overdue status and token expiry all depend on it).

use crate::domain::date::Date;
use crate::domain::time::UnixTime;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn now(&self) -> i64;

    /// The same moment, typed: what the area modules take.
    fn now_time(&self) -> UnixTime {
        UnixTime(self.now())
    }

    /// Today's date in Vietnam.
    fn today(&self) -> Date {
        Date::in_vietnam(self.now())
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// A clock that stands still until a test moves it.
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn at(unix_secs: i64) -> Self {
        FixedClock(AtomicI64::new(unix_secs))
    }

    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Parses `2026-11-26T09:30:00+07:00`-style times (offset required) and bare dates
/// (`2026-11-26`, taken as 09:00 Vietnam time) for `HOCPHI_NOW`.
pub fn parse_instant(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(date) = Date::parse_iso(text) {
        return Some(date.to_days() * 86_400 + 2 * 3600);
    }
    let (date, rest) = text.split_once('T')?;
    let date = Date::parse_iso(date).ok()?;
    let (time, offset_secs) = if let Some(t) = rest.strip_suffix('Z') {
        (t, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (t, off) = rest.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off[1..].split_once(':')?;
        (
            t,
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60),
        )
    };
    let mut parts = time.split(':').map(|p| p.parse::<i64>());
    let (h, m, s) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next().unwrap_or(Ok(0)).ok()?,
    );
    Some(date.to_days() * 86_400 + h * 3600 + m * 60 + s - offset_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pinned_times() {
        let t = parse_instant("2026-11-26T09:30:00+07:00").unwrap();
        assert_eq!(Date::in_vietnam(t).to_string(), "2026-11-26");
        assert_eq!(parse_instant("2026-11-26T02:30:00Z"), Some(t));
        assert_eq!(
            Date::in_vietnam(parse_instant("2026-11-26").unwrap()).to_string(),
            "2026-11-26"
        );
        assert_eq!(parse_instant("yesterday"), None);
        let clock = FixedClock::at(t);
        clock.advance(86_400);
        assert_eq!(clock.today().to_string(), "2026-11-27");
    }
}
