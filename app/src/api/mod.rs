//! Server functions, one module per area. Both sides compile them: the browser
//! gets a client stub that POSTs to `/rpc/<endpoint>`, the server the body.

pub mod parent;

/// Server functions live under this prefix; the REST API for integrations lives
/// under `/api/v1`.
pub const RPC_PREFIX: &str = "/rpc";
