//! Where a school's software receives events (invoice issued, payment settled,
//! receipt issued or cancelled): registered by the accountant with a signing
//! secret shown once, and the log of every delivery.

use crate::error::AppError;
pub use crate::staff::{DeliveryRow, NewWebhook, WebhookRow};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The vault context of a webhook's secret: a sealed secret moved to another
/// row does not open.
#[cfg(feature = "ssr")]
pub fn secret_context(school_id: i64, url: &str) -> String {
    format!("webhook:{school_id}:{url}")
}

#[server(prefix = "/rpc", endpoint = "webhooks/list", input = Json)]
pub async fn list_webhooks(school_id: i64) -> Result<Vec<WebhookRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    crate::server::webhooks::list(&state.db, school_id).await
}

#[server(prefix = "/rpc", endpoint = "webhooks/create", input = Json)]
pub async fn create_webhook(school_id: i64, url: String) -> Result<NewWebhook, AppError> {
    use crate::domain::webhook::{check_address, AddressProblem};
    use crate::error::Field;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let url = url.trim().to_string();
    check_address(&url, state.webhooks_to_loopback).map_err(|p| {
        AppError::InvalidInput(match p {
            AddressProblem::Internal => Field::WebhookInternal,
            AddressProblem::NotHttps | AddressProblem::TooLong => Field::WebhookUrl,
        })
    })?;
    let secret = format!("whsec_{}", crate::server::auth::random_secret());
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let id = crate::server::webhooks::insert(
        &mut tx,
        crate::server::webhooks::NewWebhook {
            school_id,
            url: &url,
            sealed_secret: state
                .vault
                .seal(secret.as_bytes(), &secret_context(school_id.get(), &url)),
            created_at: now,
            created_by: staff.id,
        },
    )
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "create", "webhook", id)
            .after(serde_json::json!({"url": url})),
    )
    .await?;
    tx.commit().await?;
    Ok(NewWebhook { id, secret })
}

/// Stops sending to an address. Events already queued for it are dropped from
/// its queue (given up), so turning it off is immediate.
#[server(prefix = "/rpc", endpoint = "webhooks/disable", input = Json)]
pub async fn disable_webhook(school_id: i64, id: i64) -> Result<(), AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    if !crate::server::webhooks::disable(&mut tx, school_id, id, now).await? {
        return Err(AppError::NotFound);
    }
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "disable", "webhook", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The latest deliveries to the school's addresses, newest first.
#[server(prefix = "/rpc", endpoint = "webhooks/deliveries", input = Json)]
pub async fn list_deliveries(school_id: i64) -> Result<Vec<DeliveryRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    crate::server::webhooks::deliveries(&state.db, school_id).await
}

/// Sends a delivery again now (one that gave up, or one the receiver lost):
/// same event id, so a receiver that had it ignores it.
#[server(prefix = "/rpc", endpoint = "webhooks/redeliver", input = Json)]
pub async fn redeliver(school_id: i64, delivery_id: i64) -> Result<(), AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    if !crate::server::webhooks::redeliver(&mut tx, school_id, delivery_id).await? {
        return Err(AppError::NotFound);
    }
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(
            school_id,
            "redeliver",
            "event_delivery",
            delivery_id,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
