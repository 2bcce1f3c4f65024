//! Server functions, one module per area. Both sides compile them: the browser
//! gets a client stub that POSTs to `/rpc/<endpoint>`, the server the body.

pub mod api_keys;
pub mod class_view;
pub mod complaints;
pub mod dashboard;
pub mod fees;
pub mod invoices;
pub mod office_payments;
pub mod online_payment;
pub mod parent;
pub mod privacy;
pub mod receipts;
pub mod reconcile;
pub mod registry;
pub mod school_setup;
pub mod school_year;
pub mod signing_certificate;
pub mod staff_admin;
pub mod staff_auth;
pub mod students;
pub mod webhooks;

/// Server functions live under this prefix; the REST API for integrations lives
/// under `/api/v1`.
pub const RPC_PREFIX: &str = "/rpc";
