//! How the REST API's lists page: in the order things changed, by a change
//! number every change gets from one counter (migration 0019). A sync keeps the
//! `next` of its last page and asks for what came `after` it: no change is ever
//! missed, whatever the clock did; a record changed again shows up again.

use super::problem::ApiError;

/// Where a page starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Only rows changed at or after this time (Unix seconds; a first sync's filter).
    pub since: i64,
    /// Only rows whose change number is above this.
    pub after: i64,
    pub limit: i64,
}

impl Window {
    /// From the query's `updated_since`, `after` (a previous page's `next`) and `limit`.
    pub fn parse(
        updated_since: Option<i64>,
        after: Option<&str>,
        limit: Option<i64>,
    ) -> Result<Window, ApiError> {
        let limit = limit.unwrap_or(200).clamp(1, 1000);
        let since = updated_since.unwrap_or(0).clamp(0, i64::MAX / 2);
        let after = match after.map(str::trim).filter(|a| !a.is_empty()) {
            None => 0,
            Some(a) => a.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::bad_request(
                    "malformed",
                    "`after` must be the `next` value of a previous page.",
                )
            })?,
        };
        Ok(Window {
            since,
            after,
            limit,
        })
    }
}

/// A page of what changed.
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Where the next page starts: the last item's change number (or where this
    /// page started, if it is empty). Keep it to resume later.
    pub next: String,
    /// More changes are waiting now: ask again at once with `after=next`.
    pub has_more: bool,
}

/// Keeps `limit` of the `limit + 1` rows a page query fetched, ordered by
/// change number.
pub fn paged<T>(mut rows: Vec<T>, window: Window, change_no: impl Fn(&T) -> i64) -> Paged<T> {
    let has_more = rows.len() as i64 > window.limit;
    rows.truncate(window.limit as usize);
    let next = rows
        .last()
        .map(&change_no)
        .unwrap_or(window.after)
        .to_string();
    Paged {
        items: rows,
        next,
        has_more,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_the_cursor_and_clamp_the_limit() {
        let w = Window::parse(Some(100), None, None).unwrap();
        assert_eq!((w.since, w.after, w.limit), (100, 0, 200));
        let w = Window::parse(None, Some("4711"), Some(5000)).unwrap();
        assert_eq!((w.after, w.limit), (4711, 1000));
        assert!(Window::parse(None, Some("x"), None).is_err());
        assert!(Window::parse(None, Some("-3"), None).is_err());
        assert!(Window::parse(None, Some("100.7"), None).is_err());
    }

    #[test]
    fn pages_always_say_where_to_resume() {
        let w = Window::parse(None, Some("9"), Some(2)).unwrap();
        let p = paged(vec![10, 12, 15], w, |r| *r);
        assert_eq!(
            (p.items, p.next.as_str(), p.has_more),
            (vec![10, 12], "12", true)
        );
        let p = paged(vec![10], w, |r| *r);
        assert_eq!((p.next.as_str(), p.has_more), ("10", false));
        let p = paged(Vec::<i64>::new(), w, |r| *r);
        assert_eq!((p.next.as_str(), p.has_more), ("9", false));
    }
}
