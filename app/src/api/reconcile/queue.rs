//! The queue of transfers: those waiting for a decision, or all, with
//! suggested invoices for those no code settled.

use crate::error::AppError;
use crate::reconciliation::{TransferFilter, TransferOrder, TransferPage};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The school's bank transfers, a page at a time: those waiting for a decision,
/// or all of them, in the order asked; with suggested invoices for those no
/// code settled.
#[server(prefix = "/rpc", endpoint = "reconcile/transfers", input = Json)]
pub async fn list_transfers(
    school_id: i64,
    filter: TransferFilter,
    // Words of the memo or payer, a bank reference, an invoice code, or an
    // amount in đồng; empty: everything.
    #[server(default)] search: String,
    // From 0, pages of `paging::PER_PAGE`.
    #[server(default)] page: u32,
    #[server(default)] order: TransferOrder,
) -> Result<TransferPage, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    if search.chars().count() > 100 {
        return Err(AppError::InvalidInput(crate::error::Field::SearchText));
    }
    crate::server::reconcile::transfers(&state.db, school_id, filter, &search, page, order).await
}
