//! The hocphi server: configuration, database, demo data and the HTTP application.
//! `main.rs` is only the command line on top of this library, so black-box tests
//! can start the very same application (`startup::build`).

pub mod backup;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod env_file;
pub mod events;
pub mod http;
pub mod logs;
pub mod notice_pdf;
pub mod offices;
mod pdf_document;
mod pdf_font;
pub mod receipt_pdf;
pub mod report_pdf;
pub mod school_keys;
pub mod secret;
pub mod signing;
pub mod startup;
pub mod sweeper;
pub mod users;
pub mod vietqr_cli;
