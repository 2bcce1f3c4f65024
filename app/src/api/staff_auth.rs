//! Signing in and out, passwords, and the one-time links that create accounts
//! (invitations) and reset passwords.

use crate::error::AppError;
use crate::staff::{LinkInfo, Me};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
fn set_cookie(value: &str, max_age: i64) {
    use crate::server::auth::session_cookie_header;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = http::HeaderValue::from_str(&session_cookie_header(value, max_age)) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }
}

/// Signs the staff member in: a new session, its cookie, and who they are.
#[cfg(feature = "ssr")]
async fn open_session(
    state: &crate::server::state::AppState,
    staff_id: crate::domain::ids::StaffId,
) -> Result<Me, AppError> {
    use crate::server::auth::{staff_by_id, start_session, SESSION_TTL_SECS};
    let secret = start_session(state, staff_id).await?;
    set_cookie(&secret, SESSION_TTL_SECS);
    let staff = staff_by_id(&state.db, staff_id)
        .await?
        .ok_or(AppError::Internal)?;
    crate::server::staff::me(&state.db, &staff, state.clock.today()).await
}

#[server(prefix = "/rpc", endpoint = "staff/sign-in", input = Json)]
pub async fn sign_in(username: String, password: String) -> Result<Me, AppError> {
    use crate::server::auth::*;
    use crate::server::limiter::{PER_ACCOUNT_AND_CLIENT, PER_ACCOUNT_ANYWHERE, PER_CLIENT};
    use crate::server::state::{app_state, client_key};
    let state = app_state()?;
    let now = state.clock.now();
    let username = username.trim().to_lowercase();
    let client = client_key();
    let account_key = format!("signin:{username}@{client}");
    let anywhere_key = format!("signin:{username}");
    let client_key = format!("signin-client:{client}");
    let attempt = state
        .lookups
        .attempt(
            &[
                (&account_key, PER_ACCOUNT_AND_CLIENT),
                (&anywhere_key, PER_ACCOUNT_ANYWHERE),
                (&client_key, PER_CLIENT),
            ],
            now,
        )
        .await
        .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;
    let row = crate::server::staff::by_username(&state.db, &username).await?;
    // Always verify against some hash, so unknown names answer as slowly as wrong passwords.
    let hash = row
        .as_ref()
        .map(|r| r.password_hash.as_str())
        .unwrap_or(dummy_hash());
    let password_ok = verify_password_pooled(&password, hash).await?;
    let staff_id = match row {
        Some(r) if r.active == 1 && password_ok => r.id,
        // A failure: the attempt stays counted.
        _ => return Err(AppError::BadCredentials),
    };
    state.lookups.forget(attempt).await;
    open_session(&state, staff_id).await
}

#[server(prefix = "/rpc", endpoint = "staff/sign-out", input = Json)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::auth::SessionCookie;
    use crate::server::state::app_state;
    let state = app_state()?;
    if let Some(token) = use_context::<SessionCookie>().and_then(|c| c.0) {
        crate::server::staff::end_session(&state.db, &token).await?;
    }
    set_cookie("", 0);
    Ok(())
}

/// The signed-in staff member, or `None` (the staff app then shows the sign-in form).
#[server(prefix = "/rpc", endpoint = "staff/me", input = Json)]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let state = app_state()?;
    match current_staff(&state).await {
        Ok(staff) => Ok(Some(
            crate::server::staff::me(&state.db, &staff, state.clock.today()).await?,
        )),
        Err(AppError::NotSignedIn) => Ok(None),
        Err(e) => Err(e),
    }
}

#[server(prefix = "/rpc", endpoint = "staff/password", input = Json)]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    use crate::server::auth::*;
    use crate::server::staff::{check_new_password, password_hash, set_password};
    use crate::server::state::app_state;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    let hash = password_hash(&state.db, staff.id).await?;
    if !verify_password_pooled(&current, &hash).await? {
        return Err(AppError::BadCredentials);
    }
    check_new_password(&new_password)?;
    let current_session = use_context::<SessionCookie>().and_then(|c| c.0);
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    set_password(
        &mut tx,
        &state,
        &staff,
        &new_password,
        "change_password",
        current_session.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "staff/link", input = Json)]
pub async fn load_link(token: String) -> Result<LinkInfo, AppError> {
    use crate::server::staff::{link_place, live_link};
    use crate::server::state::app_state;
    let state = app_state()?;
    let link = live_link(&state, &token).await?;
    let (place, username) = link_place(&state.db, &link).await?;
    Ok(LinkInfo {
        purpose: link.purpose,
        role: link.role.as_deref().and_then(crate::staff::Role::parse),
        place,
        username,
    })
}

#[server(prefix = "/rpc", endpoint = "staff/accept-invite", input = Json)]
pub async fn accept_invite(
    token: String,
    username: String,
    display_name: String,
    password: String,
) -> Result<Me, AppError> {
    use crate::domain::validate;
    use crate::error::Field;
    use crate::server::audit::Entry;
    use crate::server::auth::{hash_password_pooled, office_of_school, staff_by_id};
    use crate::server::staff::{
        audit, check_new_password, consume_link, insert_staff, live_link, role_of, NewStaff,
    };
    use crate::server::state::app_state;
    let state = app_state()?;
    let link = live_link(&state, &token).await?;
    if link.purpose != "invite" {
        return Err(AppError::LinkInvalid);
    }
    let username = validate::username(&username).ok_or(AppError::InvalidInput(Field::Username))?;
    let display_name =
        validate::text(&display_name, 80).ok_or(AppError::InvalidInput(Field::DisplayName))?;
    check_new_password(&password)?;
    let role = role_of(link.role.as_deref().unwrap_or(""))?;
    // A school's staff belong to the school's office, whoever invited them.
    let office_id = match link.school_id {
        Some(school_id) => office_of_school(&state.db, school_id).await?,
        None => link.office_id.ok_or(AppError::Internal)?,
    };
    let now = state.clock.now_time();
    let inviter = staff_by_id(&state.db, link.created_by).await?;

    let mut tx = crate::server::database::begin_write(&state.db).await?;
    if !consume_link(&mut tx, &token, now).await? {
        return Err(AppError::LinkInvalid);
    }
    let staff_id = insert_staff(
        &mut tx,
        NewStaff {
            username: &username,
            display_name: &display_name,
            password_hash: hash_password_pooled(&password).await?,
            role,
            office_id,
            school_id: link.school_id,
            created_at: now,
        },
    )
    .await?;
    audit(&mut tx, &state, inviter.as_ref(), office_id, Entry {
        school_id: link.school_id,
        action: "accept_invite",
        entity: "staff",
        entity_id: Some(staff_id.to_string()),
        before: None,
        after: Some(serde_json::json!({"username": username, "display_name": display_name, "role": role.as_str()})),
    })
    .await?;
    tx.commit().await?;
    open_session(&state, staff_id).await
}

#[server(prefix = "/rpc", endpoint = "staff/reset", input = Json)]
pub async fn use_reset_link(token: String, password: String) -> Result<(), AppError> {
    use crate::server::auth::staff_by_id;
    use crate::server::staff::{check_new_password, consume_link, live_link, set_password};
    use crate::server::state::app_state;
    let state = app_state()?;
    let link = live_link(&state, &token).await?;
    let staff_id = match (link.purpose.as_str(), link.staff_id) {
        ("reset", Some(id)) => id,
        _ => return Err(AppError::LinkInvalid),
    };
    check_new_password(&password)?;
    let staff = staff_by_id(&state.db, staff_id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    if !consume_link(&mut tx, &token, now).await? {
        return Err(AppError::LinkInvalid);
    }
    // A reset ends every session the old password opened.
    set_password(&mut tx, &state, &staff, &password, "reset_password", None).await?;
    tx.commit().await?;
    Ok(())
}
