//! API keys for the school's management software: made, named and scoped by the
//! accountant, shown once, stored as a hash, revoked at any time.

use crate::error::AppError;
pub use crate::staff::{ApiKeyRow, NewApiKey};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/rpc", endpoint = "api-keys/list", input = Json)]
pub async fn list_api_keys(school_id: i64) -> Result<Vec<ApiKeyRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    crate::server::api_keys::list(&state.db, school_id).await
}

#[server(prefix = "/rpc", endpoint = "api-keys/create", input = Json)]
pub async fn create_api_key(
    school_id: i64,
    name: String,
    can_write: bool,
) -> Result<NewApiKey, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let name = crate::domain::validate::free_text(&name, 2, 80)
        .ok_or(AppError::InvalidInput(crate::error::Field::DisplayName))?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (id, secret, prefix) =
        crate::server::api_keys::insert_key(&mut tx, school_id, staff.id, &name, can_write, now)
            .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "create", "api_key", id)
            .after(serde_json::json!({"name": name, "can_write": can_write, "prefix": prefix})),
    )
    .await?;
    tx.commit().await?;
    Ok(NewApiKey { id, secret })
}

#[server(prefix = "/rpc", endpoint = "api-keys/revoke", input = Json)]
pub async fn revoke_api_key(school_id: i64, id: i64) -> Result<(), AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    if !crate::server::api_keys::revoke(&mut tx, school_id, id, state.clock.now_time()).await? {
        return Err(AppError::NotFound);
    }
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "revoke", "api_key", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
