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
    let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT sc.id, sc.slug, sc.name, (SELECT o.name FROM office o WHERE o.id = sc.office_id), \
            (SELECT COUNT(*) FROM school_contact c WHERE c.school_id = sc.id), \
            (SELECT COUNT(*) FROM staff s WHERE s.school_id = sc.id AND s.role = 'accountant' AND s.active = 1) \
         FROM school sc WHERE sc.id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1) \
           AND ($2 IS NULL OR sc.id = $2) ORDER BY sc.name",
    )
    .bind(staff.office_id)
    .bind(if staff.role == Role::Officer { None } else { staff.school_id })
    .fetch_all(&state.db)
    .await?;
    let mut out = Vec::new();
    for (id, slug, name, office, contacts, accountants) in rows {
        let readiness = crate::server::schools::readiness(&state.db, id).await?;
        out.push(SchoolRow {
            id,
            slug,
            name,
            office,
            // Ready: accepted and set up, as the school's own page shows.
            cashless_methods: crate::staff::cashless_ready_count(&readiness),
            ready_methods: readiness
                .iter()
                .filter(|r| r.method.is_cashless() && r.ready())
                .map(|r| r.method)
                .collect(),
            contacts: contacts as usize,
            accountants: accountants as usize,
        });
    }
    Ok(out)
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
    use crate::api::staff_auth::imp::audit;
    use crate::domain::validate;
    use crate::error::Field;
    use crate::server::audit::Entry;
    use crate::server::auth::current_staff;
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
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO school (office_id, slug, name, legal_name, address, tax_code, level) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(staff.office_id)
    .bind(&slug)
    .bind(&name)
    .bind(&legal_name)
    .bind(&address)
    .bind(&tax_code)
    .bind(level)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        Err(e) if crate::server::is_unique_violation(&e) => return Err(AppError::SlugTaken),
        Err(e) => return Err(e.into()),
    };
    // The school's receipt signing key is made with the school, so its public
    // key is published before the first receipt.
    crate::server::receipts::current_key(&mut tx, &state.vault, id, state.clock.now()).await?;
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
    Ok(id)
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
    let rows: Vec<(i64, String, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT s.id, s.username, s.display_name, s.role, sc.name, s.active FROM staff s \
         LEFT JOIN school sc ON sc.id = s.school_id \
         WHERE (($2 = 'officer' AND s.role = 'accountant' \
                 AND s.school_id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1)) \
             OR ($2 = 'accountant' AND s.role = 'teacher' AND s.school_id = $3)) \
         ORDER BY sc.name, s.display_name",
    )
    .bind(staff.office_id)
    .bind(staff.role.as_str())
    .bind(staff.school_id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, username, display_name, role, school_name, active)| {
            Some(StaffRow {
                id,
                username,
                display_name,
                role: Role::parse(&role)?,
                school_name,
                active: active == 1,
            })
        })
        .collect())
}

#[cfg(feature = "ssr")]
async fn issue_link(
    state: &crate::server::state::AppState,
    by: &crate::server::auth::Staff,
    purpose: &str,
    role: Option<Role>,
    school_id: Option<i64>,
    staff_id: Option<i64>,
) -> Result<OneTimeLink, AppError> {
    use crate::api::staff_auth::imp::audit;
    use crate::server::audit::Entry;
    use crate::server::auth::{random_secret, secret_hash, LINK_TTL_SECS};
    let secret = random_secret();
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    if let (Some(target), "reset") = (staff_id, purpose) {
        // The newest reset link is the only one: an older one, maybe sent to
        // the wrong person, ends now.
        sqlx::query(
            "UPDATE one_time_link SET used_at = $1 WHERE purpose = 'reset' AND staff_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO one_time_link (token_hash, purpose, role, office_id, school_id, staff_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(secret_hash(&secret))
    .bind(purpose)
    .bind(role.map(Role::as_str))
    .bind(by.office_id)
    .bind(school_id)
    .bind(staff_id)
    .bind(by.id)
    .bind(now)
    .bind(now + LINK_TTL_SECS)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, state, Some(by), by.office_id, Entry {
        school_id,
        action: purpose,
        entity: "one_time_link",
        entity_id: staff_id.map(|s| s.to_string()),
        before: None,
        after: Some(serde_json::json!({"role": role.map(Role::as_str), "expires_at": now + LINK_TTL_SECS})),
    })
    .await?;
    tx.commit().await?;
    let kind = if purpose == "invite" {
        "invite"
    } else {
        "reset"
    };
    Ok(OneTimeLink {
        path: format!("/staff/{kind}/{secret}"),
        expires_at: now + LINK_TTL_SECS,
    })
}

/// An invitation link for a new accountant (by an officer, for a school their
/// office supervises) or a new teacher (by an accountant, for their school).
#[server(prefix = "/rpc", endpoint = "staff/invite", input = Json)]
pub async fn invite(role: Role, school_id: i64) -> Result<OneTimeLink, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
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
    staff_id: i64,
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
    let target = managed_staff(&state, &staff, staff_id).await?;
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
    use crate::api::staff_auth::imp::audit;
    use crate::server::audit::Entry;
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    let target = managed_staff(&state, &staff, staff_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query("UPDATE staff SET active = 0 WHERE id = $1")
        .bind(target.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM staff_session WHERE staff_id = $1")
        .bind(target.id)
        .execute(&mut *tx)
        .await?;
    // Invitations they handed out, and reset links for them, end with them.
    crate::api::staff_auth::imp::void_links(&mut tx, target.id, state.clock.now()).await?;
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
