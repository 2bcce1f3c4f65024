//! Reconciliation for the accountant: importing a bank statement (preview, then
//! recording), the queue of transfers no code settled, and the hand decisions
//! on a transfer (match or split, not a school fee, undo, refund), each in the
//! audit log and the transfer's own history. The money itself moves in the
//! ledger (`server::ledger`); these are the server functions over it.

mod decisions;
mod queue;
mod statement;

pub use decisions::*;
pub use queue::*;
pub use statement::*;
