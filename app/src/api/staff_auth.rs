//! Signing in and out, passwords, and the one-time links that create accounts
//! (invitations) and reset passwords.

use crate::error::AppError;
use crate::staff::{LinkInfo, Me};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    use crate::error::{AppError, Field};
    use crate::server::audit::{self, Entry};
    use crate::server::auth::*;
    use crate::server::state::AppState;
    use crate::staff::{Me, Role};
    use leptos::prelude::*;

    pub fn set_cookie(value: &str, max_age: i64) {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(v) = axum_header(&session_cookie_header(value, max_age)) {
                res.append_header(http::header::SET_COOKIE, v);
            }
        }
    }

    fn axum_header(v: &str) -> Result<http::HeaderValue, ()> {
        http::HeaderValue::from_str(v).map_err(|_| ())
    }

    pub async fn me(state: &AppState, staff: &Staff) -> Result<Me, AppError> {
        let (office_name, level, school_name): (String, String, Option<String>) = sqlx::query_as(
            "SELECT o.name, o.level, (SELECT sc.name FROM school sc WHERE sc.id = $2) FROM office o WHERE o.id = $1",
        )
        .bind(staff.office_id)
        .bind(staff.school_id)
        .fetch_one(&state.db)
        .await?;
        Ok(Me {
            id: staff.id,
            username: staff.username.clone(),
            display_name: staff.display_name.clone(),
            role: staff.role,
            office_name,
            office_level: crate::domain::office::OfficeLevel::parse(&level)
                .ok_or(AppError::Internal)?,
            school_id: staff.school_id,
            school_name,
        })
    }

    /// Signs the staff member in: a new session, its cookie, and who they are.
    pub async fn open_session(state: &AppState, staff_id: i64) -> Result<Me, AppError> {
        let secret = start_session(state, staff_id).await?;
        set_cookie(&secret, SESSION_TTL_SECS);
        let staff = staff_by_id(&state.db, staff_id)
            .await?
            .ok_or(AppError::Internal)?;
        me(state, &staff).await
    }

    /// Stores a new password hash and ends the account's other sessions (all of
    /// them, or all but `keep`, the session making the change), with an audit entry.
    pub async fn set_password(
        conn: &mut sqlx::AnyConnection,
        state: &AppState,
        staff: &Staff,
        password: &str,
        action: &str,
        keep: Option<&str>,
    ) -> Result<(), AppError> {
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(hash_password_pooled(password).await?)
            .bind(staff.id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM staff_session WHERE staff_id = $1 AND token_hash <> $2")
            .bind(staff.id)
            .bind(keep.map(secret_hash).unwrap_or_default())
            .execute(&mut *conn)
            .await?;
        // A new password ends every link for the account and every link it
        // made: a password changed because it leaked leaves nothing behind.
        void_links(&mut *conn, staff.id, state.clock.now()).await?;
        let entry = crate::server::audit::Entry {
            school_id: staff.school_id,
            action,
            entity: "staff",
            entity_id: Some(staff.id.to_string()),
            before: None,
            after: None,
        };
        audit(conn, state, Some(staff), staff.office_id, entry).await
    }

    pub fn check_new_password(password: &str) -> Result<(), AppError> {
        if crate::domain::validate::password_ok(password) {
            Ok(())
        } else {
            Err(AppError::InvalidInput(Field::Password))
        }
    }

    #[derive(sqlx::FromRow)]
    pub struct LinkRow {
        pub purpose: String,
        pub role: Option<String>,
        pub office_id: Option<i64>,
        pub school_id: Option<i64>,
        pub staff_id: Option<i64>,
        pub created_by: i64,
    }

    /// A link that exists, is unused and has not expired.
    pub async fn live_link(state: &AppState, token: &str) -> Result<LinkRow, AppError> {
        let row: Option<LinkRow> = sqlx::query_as(
            // A link is as good as the person who made it: an invitation or
            // reset link from someone since deactivated opens nothing.
            "SELECT l.purpose, l.role, l.office_id, l.school_id, l.staff_id, l.created_by FROM one_time_link l \
             JOIN staff by_whom ON by_whom.id = l.created_by AND by_whom.active = 1 \
             WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2",
        )
        .bind(secret_hash(token))
        .bind(state.clock.now())
        .fetch_optional(&state.db)
        .await?;
        row.ok_or(AppError::LinkInvalid)
    }

    /// Ends the unused one-time links for this account (reset links) and the ones
    /// it made (invitations, others' reset links).
    pub async fn void_links(
        conn: &mut sqlx::AnyConnection,
        staff_id: i64,
        now: i64,
    ) -> Result<(), AppError> {
        sqlx::query(
            "UPDATE one_time_link SET used_at = $1 \
             WHERE used_at IS NULL AND (staff_id = $2 OR created_by = $2)",
        )
        .bind(now)
        .bind(staff_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Marks a link used inside the transaction that uses it; `false` if another
    /// request used it first.
    pub async fn consume_link(
        conn: &mut sqlx::AnyConnection,
        token: &str,
        now: i64,
    ) -> Result<bool, AppError> {
        let done = sqlx::query(
            "UPDATE one_time_link SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(secret_hash(token))
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn audit(
        conn: &mut sqlx::AnyConnection,
        state: &AppState,
        who: Option<&Staff>,
        office_id: i64,
        entry: Entry<'_>,
    ) -> Result<(), AppError> {
        audit::record(conn, state.clock.now(), who, office_id, entry).await
    }

    pub fn role_of(s: &str) -> Result<Role, AppError> {
        Role::parse(s).ok_or(AppError::Internal)
    }
}

#[server(prefix = "/rpc", endpoint = "staff/sign-in", input = Json)]
pub async fn sign_in(username: String, password: String) -> Result<Me, AppError> {
    use crate::server::auth::*;
    use crate::server::limiter::{PER_ACCOUNT_AND_CLIENT, PER_ACCOUNT_ANYWHERE, PER_CLIENT};
    use crate::server::state::{app_state, client_key};
    use imp::*;
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
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT id, password_hash, active FROM staff WHERE username = $1")
            .bind(&username)
            .fetch_optional(&state.db)
            .await?;
    // Always verify against some hash, so unknown names answer as slowly as wrong passwords.
    let hash = row.as_ref().map(|r| r.1.as_str()).unwrap_or(dummy_hash());
    let password_ok = verify_password_pooled(&password, hash).await?;
    let staff_id = match row {
        Some((id, _, 1)) if password_ok => id,
        // A failure: the attempt stays counted.
        _ => return Err(AppError::BadCredentials),
    };
    state.lookups.forget(attempt).await;
    open_session(&state, staff_id).await
}

#[server(prefix = "/rpc", endpoint = "staff/sign-out", input = Json)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::auth::*;
    use crate::server::state::app_state;
    let state = app_state()?;
    if let Some(token) = use_context::<SessionCookie>().and_then(|c| c.0) {
        sqlx::query("DELETE FROM staff_session WHERE token_hash = $1")
            .bind(secret_hash(&token))
            .execute(&state.db)
            .await?;
    }
    imp::set_cookie("", 0);
    Ok(())
}

/// The signed-in staff member, or `None` (the staff app then shows the sign-in form).
#[server(prefix = "/rpc", endpoint = "staff/me", input = Json)]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let state = app_state()?;
    match current_staff(&state).await {
        Ok(staff) => Ok(Some(imp::me(&state, &staff).await?)),
        Err(AppError::NotSignedIn) => Ok(None),
        Err(e) => Err(e),
    }
}

#[server(prefix = "/rpc", endpoint = "staff/password", input = Json)]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    use crate::server::auth::*;
    use crate::server::state::app_state;
    use imp::*;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM staff WHERE id = $1")
        .bind(staff.id)
        .fetch_one(&state.db)
        .await?;
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
    use crate::server::state::app_state;
    use imp::*;
    let state = app_state()?;
    let link = live_link(&state, &token).await?;
    let (place, username): (String, Option<String>) = sqlx::query_as(
        "SELECT COALESCE((SELECT name FROM school WHERE id = $1), (SELECT name FROM office WHERE id = $2), ''), \
                (SELECT username FROM staff WHERE id = $3)",
    )
    .bind(link.school_id)
    .bind(link.office_id)
    .bind(link.staff_id)
    .fetch_one(&state.db)
    .await?;
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
    use crate::server::auth::*;
    use crate::server::state::app_state;
    use imp::*;
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
    let now = state.clock.now();
    let inviter = staff_by_id(&state.db, link.created_by).await?;

    let mut tx = crate::server::database::begin_write(&state.db).await?;
    if !consume_link(&mut tx, &token, now).await? {
        return Err(AppError::LinkInvalid);
    }
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO staff (username, display_name, password_hash, role, office_id, school_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&username)
    .bind(&display_name)
    .bind(hash_password_pooled(&password).await?)
    .bind(role.as_str())
    .bind(office_id)
    .bind(link.school_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let staff_id = match inserted {
        Ok((id,)) => id,
        Err(e) if crate::server::is_unique_violation(&e) => return Err(AppError::UsernameTaken),
        Err(e) => return Err(e.into()),
    };
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
    use crate::server::auth::*;
    use crate::server::state::app_state;
    use imp::*;
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
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    if !consume_link(&mut tx, &token, now).await? {
        return Err(AppError::LinkInvalid);
    }
    // A reset ends every session the old password opened.
    set_password(&mut tx, &state, &staff, &password, "reset_password", None).await?;
    tx.commit().await?;
    Ok(())
}
