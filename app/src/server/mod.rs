//! Server-only code (feature `ssr`): state, persistence and security helpers used
//! by the server functions. Never compiled into the browser bundle.

pub mod audit;
pub mod auth;
pub mod bank;
pub mod bulk;
pub mod classes;
pub mod clock;
pub mod complaints;
pub mod database;
pub mod fees;
pub mod gateway;
pub mod heavy;
pub mod invoices;
pub mod ledger;
pub mod limiter;
pub mod pades;
pub mod parent_queries;
pub mod privacy;
pub mod receipts;
pub mod reports;
pub mod school_year;
pub mod schools;
pub mod spreadsheet;
pub mod state;
pub mod students;
pub mod token;
pub mod vault;
pub mod xlsx_export;

/// Whether a failed write broke a UNIQUE constraint (a taken user name, code or
/// address), told by the database's error code rather than its message.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}
