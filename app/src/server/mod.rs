//! Server-only code (feature `ssr`): state, persistence and security helpers used
//! by the server functions. Never compiled into the browser bundle.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod bank;
pub mod bulk;
pub mod change_numbers;
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
pub mod office_payments;
pub mod online_payment;
pub mod operations;
pub mod pades;
pub mod parent;
pub mod payments;
pub mod privacy;
pub mod receipt_view;
pub mod receipts;
pub mod reconcile;
pub mod registry;
pub mod reports;
pub mod school_year;
pub mod schools;
pub mod signing_certificate;
pub mod spreadsheet;
pub mod staff;
pub mod state;
pub mod students;
pub mod token;
pub mod vault;
pub mod webhooks;
pub mod xlsx_export;

/// Whether a failed write broke a UNIQUE constraint (a taken user name, code or
/// address), told by the database's error code rather than its message.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// A period filter as typed ("11/2026", "2026-11"…) in the form the database
/// holds ("2026-11"); empty stays empty (no filter). A typed period that is no
/// month is refused in words rather than finding nothing.
pub fn period_filter(typed: &str) -> Result<String, crate::error::AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(String::new());
    }
    crate::domain::date::Month::parse_typed(typed)
        .map(|m| m.to_string())
        .map_err(|_| crate::error::AppError::InvalidInput(crate::error::Field::Period))
}
