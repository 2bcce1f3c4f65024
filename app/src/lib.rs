//! hocphi's app crate: the pure domain, the types both sides share, the server
//! functions (bodies behind the `ssr` feature) and the browser UI (`csr`).

pub mod api;
pub mod audit_text;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod model;
pub mod paging;
pub mod reconciliation;
#[cfg(feature = "ssr")]
pub mod server;
pub mod staff;
#[cfg(feature = "csr")]
pub mod staff_ui;
#[cfg(feature = "csr")]
pub mod ui;
