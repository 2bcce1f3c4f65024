//! Server-only code (feature `ssr`): state, persistence and security helpers used
//! by the server functions. Never compiled into the browser bundle.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod limiter;
pub mod parent_queries;
pub mod spreadsheet;
pub mod state;
pub mod token;
