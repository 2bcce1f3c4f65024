//! The supervising office's and the accountants' management of schools and staff:
//! create a school, invite its accountant, accountants invite teachers, superiors
//! reset passwords and deactivate people who leave.

use crate::error::AppError;
use crate::staff::{OneTimeLink, Role, SchoolRow, StaffRow};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/rpc", endpoint = "staff/schools", input = Json)]
pub async fn schools_overview() -> Result<Vec<SchoolRow>, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    let school_id = if staff.role == Role::Officer {
        None
    } else {
        staff.school_id
    };
    crate::server::staff::schools_overview(&state.db, staff.office_id, school_id).await
}

#[server(prefix = "/rpc", endpoint = "staff/create-school", input = Json)]
pub async fn create_school(
    name: String,
    legal_name: String,
    slug: String,
    address: String,
    tax_code: String,
    level: String,
) -> Result<i64, AppError> {
    use crate::domain::validate;
    use crate::error::Field;
    use crate::server::audit::Entry;
    use crate::server::auth::current_staff;
    use crate::server::staff::{audit, insert_school, NewSchool};
    use crate::server::state::app_state;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    staff.require(Role::Officer)?;
    let name = validate::text(&name, 120).ok_or(AppError::InvalidInput(Field::SchoolName))?;
    let legal_name =
        validate::text(&legal_name, 200).ok_or(AppError::InvalidInput(Field::LegalName))?;
    let slug = validate::slug(&slug).ok_or(AppError::InvalidInput(Field::Slug))?;
    let address = validate::text(&address, 200).ok_or(AppError::InvalidInput(Field::Address))?;
    let tax_code = validate::tax_code(&tax_code).ok_or(AppError::InvalidInput(Field::TaxCode))?;
    // A school belongs to the office its level says (two tiers since July 2025):
    // a commune cannot take a THPT, nor the Department a primary school.
    let office_level = crate::server::auth::office_level(&state.db, staff.office_id).await?;
    let level = crate::domain::office::SchoolLevel::parse(&level)
        .filter(|l| l.supervised_by() == office_level)
        .ok_or(AppError::InvalidInput(Field::SchoolLevel))?
        .as_str();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let id = insert_school(
        &mut tx,
        &NewSchool {
            office_id: staff.office_id,
            slug: &slug,
            name: &name,
            legal_name: &legal_name,
            address: &address,
            tax_code: &tax_code,
            level,
        },
    )
    .await?;
    // The school's receipt signing key is made with the school, so its public
    // key is published before the first receipt.
    crate::server::receipts::current_key(&mut tx, &state.vault, id, state.clock.now_time()).await?;
    audit(
        &mut tx,
        &state,
        Some(&staff),
        staff.office_id,
        Entry {
            school_id: Some(id),
            action: "create",
            entity: "school",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(
                serde_json::json!({"name": name, "legal_name": legal_name, "slug": slug,
            "address": address, "tax_code": tax_code, "level": level}),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id.get())
}

/// Staff the caller manages: officers see the accountants of the schools they
/// supervise, accountants
/// their school's teachers.
#[server(prefix = "/rpc", endpoint = "staff/list", input = Json)]
pub async fn staff_list() -> Result<Vec<StaffRow>, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    crate::server::staff::managed_by(&state.db, &staff).await
}

#[cfg(feature = "ssr")]
async fn issue_link(
    state: &crate::server::state::AppState,
    by: &crate::server::auth::Staff,
    purpose: &str,
    role: Option<Role>,
    school_id: Option<crate::domain::ids::SchoolId>,
    staff_id: Option<crate::domain::ids::StaffId>,
) -> Result<OneTimeLink, AppError> {
    use crate::domain::time::UnixTime;
    use crate::server::audit::Entry;
    use crate::server::auth::{random_secret, secret_hash, LINK_TTL_SECS};
    use crate::server::staff::{audit, insert_link, NewLink};
    let secret = random_secret();
    let now = state.clock.now_time();
    let expires_at = now.seconds() + LINK_TTL_SECS;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    insert_link(
        &mut tx,
        &NewLink {
            token_hash: secret_hash(&secret),
            purpose,
            role,
            office_id: by.office_id,
            school_id,
            staff_id,
            created_by: by.id,
            created_at: now,
            expires_at: UnixTime(expires_at),
        },
    )
    .await?;
    audit(
        &mut tx,
        state,
        Some(by),
        by.office_id,
        Entry {
            school_id,
            action: purpose,
            entity: "one_time_link",
            entity_id: staff_id.map(|s| s.to_string()),
            before: None,
            after: Some(
                serde_json::json!({"role": role.map(Role::as_str), "expires_at": expires_at}),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    let kind = if purpose == "invite" {
        "invite"
    } else {
        "reset"
    };
    Ok(OneTimeLink {
        path: format!("/staff/{kind}/{secret}"),
        expires_at,
    })
}

/// An invitation link for a new accountant (by an officer, for a school their
/// office supervises) or a new teacher (by an accountant, for their school).
#[server(prefix = "/rpc", endpoint = "staff/invite", input = Json)]
pub async fn invite(role: Role, school_id: i64) -> Result<OneTimeLink, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    if !staff.role.may_manage(role) {
        return Err(AppError::Forbidden);
    }
    // Officers staff the schools they supervise (a second accountant too);
    // accountants their own school.
    staff.check_read(&state.db, school_id).await?;
    issue_link(&state, &staff, "invite", Some(role), Some(school_id), None).await
}

#[cfg(feature = "ssr")]
async fn managed_staff(
    state: &crate::server::state::AppState,
    by: &crate::server::auth::Staff,
    staff_id: crate::domain::ids::StaffId,
) -> Result<crate::server::auth::Staff, AppError> {
    let target = crate::server::auth::staff_by_id(&state.db, staff_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    if !by.role.may_manage(target.role) {
        return Err(AppError::Forbidden);
    }
    match (by.role, target.school_id) {
        // An officer manages the accountants of the schools their office supervises.
        (Role::Officer, Some(school_id)) => by.check_read(&state.db, school_id).await?,
        (_, Some(school_id)) if by.school_id == Some(school_id) => {}
        _ => return Err(AppError::Forbidden),
    }
    Ok(target)
}

#[server(prefix = "/rpc", endpoint = "staff/reset-link", input = Json)]
pub async fn reset_link(staff_id: i64) -> Result<OneTimeLink, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    let target = managed_staff(&state, &staff, crate::domain::ids::StaffId(staff_id)).await?;
    issue_link(
        &state,
        &staff,
        "reset",
        None,
        target.school_id,
        Some(target.id),
    )
    .await
}

/// Deactivates a staff member who left: their sessions end at once and they can
/// no longer sign in. Their name stays in the audit log.
#[server(prefix = "/rpc", endpoint = "staff/deactivate", input = Json)]
pub async fn deactivate(staff_id: i64) -> Result<(), AppError> {
    use crate::server::audit::Entry;
    use crate::server::auth::current_staff;
    use crate::server::staff::audit;
    use crate::server::state::app_state;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    let target = managed_staff(&state, &staff, crate::domain::ids::StaffId(staff_id)).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::staff::deactivate(&mut tx, target.id, state.clock.now_time()).await?;
    audit(
        &mut tx,
        &state,
        Some(&staff),
        staff.office_id,
        Entry {
            school_id: target.school_id,
            action: "deactivate",
            entity: "staff",
            entity_id: Some(target.id.to_string()),
            before: Some(serde_json::json!({"active": true})),
            after: Some(serde_json::json!({"active": false})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
