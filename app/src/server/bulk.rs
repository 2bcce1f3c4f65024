//! Statements that carry many rows in one round trip, written for both
//! engines. The placeholders are made here: the `Any` driver's query builder
//! writes `?`, which PostgreSQL does not read, while SQLite binds numbered
//! ones (`$7`) by looking each name up in a list, which makes a statement of
//! n values cost n² (a 100,000-line statement spent most of its time there).
//! So SQLite gets anonymous `?` marks, bound in order, and PostgreSQL `$n`.

use sqlx::AnyConnection;

/// Rows per multi-row statement, and values per `IN` list: well under
/// SQLite's 32,766 bound values even at 16 columns, and large enough that
/// 100,000 lines take a few hundred round trips, not hundreds of thousands.
pub const CHUNK: usize = 500;

/// Placeholder marks for one connection's engine. Every value of a statement
/// built with them must be bound in the order the marks are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marks {
    numbered: bool,
}

impl Marks {
    pub fn of(conn: &AnyConnection) -> Marks {
        Marks {
            numbered: conn.backend_name() != "SQLite",
        }
    }

    /// The mark of the `n`th value (from 1).
    pub fn one(self, n: usize) -> String {
        if self.numbered {
            format!("${n}")
        } else {
            "?".to_string()
        }
    }

    /// `count` marks from the `first`th value, for an `IN (…)` list.
    pub fn list(self, first: usize, count: usize) -> String {
        let mut out = String::with_capacity(count * 6);
        self.write_list(&mut out, first, count);
        out
    }

    /// `(…), (…)`: `rows` tuples of `columns` marks, for `INSERT … VALUES`.
    pub fn value_rows(self, rows: usize, columns: usize) -> String {
        let mut out = String::with_capacity(rows * (columns * 6 + 4));
        for r in 0..rows {
            if r > 0 {
                out.push_str(", ");
            }
            out.push('(');
            self.write_list(&mut out, 1 + r * columns, columns);
            out.push(')');
        }
        out
    }

    /// Written into one string: a statement of 500 rows has up to 9,000 marks,
    /// and a string for each was a measurable part of recording a statement.
    fn write_list(self, out: &mut String, first: usize, count: usize) {
        use std::fmt::Write;
        for n in first..first + count {
            if n > first {
                out.push_str(", ");
            }
            if self.numbered {
                // Writing to a String cannot fail.
                let _ = write!(out, "${n}");
            } else {
                out.push('?');
            }
        }
    }
}

/// The aggregate that sends a query's rows back as one JSON array of arrays
/// (`[[a, b, …], …]`, in `order`), to read with [`json_rows`]. SQLite's driver
/// hands each result row from its thread to the async task, a wake-up a row:
/// a 500-row read costs several milliseconds that way and a fraction of one as
/// a single row. Integers stay exact (both engines write them as JSON numbers).
pub fn as_json_rows(conn: &AnyConnection, columns: &str, order: &str) -> String {
    let order = if order.is_empty() {
        String::new()
    } else {
        format!(" ORDER BY {order}")
    };
    let row = json_array(conn, columns);
    if conn.backend_name() == "SQLite" {
        format!("json_group_array({row}{order})")
    } else {
        format!("CAST(json_agg({row}{order}) AS TEXT)")
    }
}

/// One JSON array of `columns`, as a value inside another (SQLite's
/// `json_array`, PostgreSQL's `json_build_array`).
pub fn json_array(conn: &AnyConnection, columns: &str) -> String {
    if conn.backend_name() == "SQLite" {
        format!("json_array({columns})")
    } else {
        format!("json_build_array({columns})")
    }
}

/// The rows of an [`as_json_rows`] column (PostgreSQL's aggregate is NULL
/// over no rows, SQLite's `[]`).
pub fn json_rows<T: serde::de::DeserializeOwned>(
    column: Option<String>,
) -> Result<Vec<T>, crate::error::AppError> {
    match column {
        None => Ok(Vec::new()),
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            tracing::error!("rows read back as JSON do not parse: {e}");
            crate::error::AppError::Internal
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_numbered_for_postgres_and_plain_for_sqlite() {
        let pg = Marks { numbered: true };
        assert_eq!(pg.list(2, 3), "$2, $3, $4");
        assert_eq!(pg.value_rows(2, 2), "($1, $2), ($3, $4)");
        let lite = Marks { numbered: false };
        assert_eq!(lite.list(2, 3), "?, ?, ?");
        assert_eq!(lite.value_rows(1, 2), "(?, ?)");
        assert_eq!(lite.value_rows(2, 1), "(?), (?)");
        assert_eq!(pg.value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(pg.list(9, 2), "$9, $10");
        assert_eq!(lite.list(1, 0), "");
    }
}
