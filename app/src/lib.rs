//! hocphi's app crate: the pure domain, the types both sides share, the server
//! functions (bodies behind the `ssr` feature) and the browser UI (`csr`).

pub mod domain;
