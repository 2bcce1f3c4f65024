//! How the REST API's lists page: oldest change first, with a cursor
//! `<updated_at>.<id>` that stays right while records keep changing, so a sync
//! that asks "what changed since my last run" never misses or repeats a page.

use super::problem::problem;
use axum::http::StatusCode;
use axum::response::Response;

/// Where a page starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Rows with `(updated_at, id)` strictly after this pair.
    pub after_at: i64,
    pub after_id: i64,
    pub limit: i64,
}

impl Window {
    /// From the query's `updated_since`, `after` (a previous page's `next`) and `limit`.
    pub fn parse(
        updated_since: Option<i64>,
        after: Option<&str>,
        limit: Option<i64>,
    ) -> Result<Window, Response> {
        let limit = limit.unwrap_or(200).clamp(1, 1000);
        let since = updated_since.unwrap_or(0).clamp(0, i64::MAX / 2);
        let Some(after) = after.map(str::trim).filter(|a| !a.is_empty()) else {
            return Ok(Window {
                after_at: since - 1,
                after_id: i64::MAX / 2,
                limit,
            });
        };
        let bad = || {
            problem(
                StatusCode::BAD_REQUEST,
                "malformed",
                "`after` must be the `next` value of the previous page.",
            )
        };
        let (t, i) = after.split_once('.').ok_or_else(bad)?;
        match (t.parse::<i64>(), i.parse::<i64>()) {
            (Ok(t), Ok(i)) => Ok(Window {
                after_at: t,
                after_id: i,
                limit,
            }),
            _ => Err(bad()),
        }
    }

    /// The SQL condition on `(updated_at, id)` of `table`, with the pair bound at
    /// `$at` and `$id`.
    pub fn condition(table: &str, at: usize, id: usize) -> String {
        format!(
            "({table}.updated_at > ${at} OR ({table}.updated_at = ${at} AND {table}.id > ${id}))"
        )
    }
}

/// Keeps `limit` of the `limit + 1` rows a page query fetched, and the cursor of
/// the last one kept when more remain.
pub fn paged<T>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> (i64, i64),
) -> (Vec<T>, Option<String>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|r| {
            let (at, id) = key(r);
            format!("{at}.{id}")
        })
    } else {
        None
    };
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_page_starts_just_before_updated_since() {
        let w = Window::parse(Some(100), None, None).unwrap();
        assert_eq!((w.after_at, w.limit), (99, 200));
        let w = Window::parse(None, Some("100.7"), Some(5000)).unwrap();
        assert_eq!((w.after_at, w.after_id, w.limit), (100, 7, 1000));
        assert!(Window::parse(None, Some("x.7"), None).is_err());
        assert!(Window::parse(None, Some("17"), None).is_err());
    }

    #[test]
    fn pages_carry_the_cursor_of_their_last_row_only_when_more_remain() {
        let rows = vec![(10, 1), (10, 2), (11, 3)];
        assert_eq!(
            paged(rows.clone(), 2, |r| *r),
            (vec![(10, 1), (10, 2)], Some("10.2".into()))
        );
        assert_eq!(paged(rows.clone(), 3, |r| *r), (rows, None));
    }
}
