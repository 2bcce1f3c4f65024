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
        (first..first + count)
            .map(|n| self.one(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `(…), (…)`: `rows` tuples of `columns` marks, for `INSERT … VALUES`.
    pub fn value_rows(self, rows: usize, columns: usize) -> String {
        (0..rows)
            .map(|r| format!("({})", self.list(1 + r * columns, columns)))
            .collect::<Vec<_>>()
            .join(", ")
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
    }
}
