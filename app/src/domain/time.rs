//! A moment as the database and the wire keep it: whole seconds since the Unix
//! epoch (UTC). Calendar days in Vietnam are [`crate::domain::date::Date`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Unix seconds: when a payment was received, a receipt issued, a row written.
/// A bare number in JSON and a `BIGINT` in the database, like the `i64` it wraps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixTime(pub i64);

impl UnixTime {
    pub const fn from_seconds(seconds: i64) -> Self {
        UnixTime(seconds)
    }

    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// The day this moment falls on in Vietnam.
    pub fn date_in_vietnam(self) -> crate::domain::date::Date {
        crate::domain::date::Date::in_vietnam(self.0)
    }
}

/// The number of seconds, as stored.
impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(feature = "ssr")]
crate::domain::ids::bigint_in_database!(UnixTime);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_seconds() {
        let t = UnixTime::from_seconds(1_795_654_800);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1795654800");
        assert_eq!(serde_json::from_str::<UnixTime>("1795654800").unwrap(), t);
        assert_eq!(t.to_string(), "1795654800");
        assert_eq!(
            t.date_in_vietnam(),
            crate::domain::date::Date::new(2026, 11, 26).unwrap()
        );
    }

    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn round_trips_through_the_database() {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        let back: (UnixTime, i64) = sqlx::query_as("SELECT $1, $1 + 1")
            .bind(UnixTime(1_795_654_800))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(back, (UnixTime(1_795_654_800), 1_795_654_801));
    }
}
