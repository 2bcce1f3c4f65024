//! The registry of official accounts: every school's receiving accounts (bank and
//! Mobile Money), confirmed one by one by the school's supervising office, published for all
//! to see, and the check a parent runs on any VietQR before paying.

use crate::error::AppError;
use crate::staff::Confirmation;
pub use crate::staff::{AccountCheck, OfficialAccount, OfficialSchool, PendingAccount};
use leptos::prelude::*;

/// Checks of a QR per client address: enough for a family, not for a crawler.
#[cfg(feature = "ssr")]
const CHECKS_PER_CLIENT: &[crate::server::limiter::Limit] = &[
    crate::server::limiter::Limit {
        max_failures: 60,
        window_secs: 10 * 60,
    },
    crate::server::limiter::Limit {
        max_failures: 500,
        window_secs: 24 * 3600,
    },
];

/// Every school's official accounts (or one school's, by its slug): public.
#[server(prefix = "/rpc", endpoint = "registry")]
pub async fn official_accounts(school: Option<String>) -> Result<Vec<OfficialSchool>, AppError> {
    let state = crate::server::state::app_state()?;
    crate::server::registry::registry(&state.db, school.as_deref().filter(|s| !s.is_empty())).await
}

/// Whether the account a QR pays into is an official school account: public,
/// limited per client address.
#[server(prefix = "/rpc", endpoint = "registry/check")]
pub async fn check_account(bin: String, account_number: String) -> Result<AccountCheck, AppError> {
    use crate::error::Field;
    let state = crate::server::state::app_state()?;
    let now = state.clock.now();
    let client = format!("qr-check:{}", crate::server::state::client_key());
    // Every check counts, not only failures.
    let _counted = state
        .lookups
        .attempt(&[(&client, CHECKS_PER_CLIENT)], now)
        .await
        .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;
    if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::InvalidInput(Field::Bank));
    }
    if account_number.is_empty() || account_number.len() > 19 {
        return Err(AppError::InvalidInput(Field::AccountNumber));
    }
    crate::server::registry::check(&state.db, &bin, &account_number).await
}

/// Accounts of the schools the officer's office supervises that wait for confirmation.
#[server(prefix = "/rpc", endpoint = "registry/pending", input = leptos::server_fn::codec::Json)]
pub async fn pending_accounts() -> Result<Vec<PendingAccount>, AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    crate::server::registry::pending(&state.db, staff.office_id).await
}

/// A supervising office confirms an account as its school's official one: from
/// now on parents' QR codes may pay into it, and the registry lists it.
#[server(prefix = "/rpc", endpoint = "registry/confirm", input = leptos::server_fn::codec::Json)]
pub async fn confirm_account(account_id: i64) -> Result<Confirmation, AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::Officer)?;
    let account = crate::server::registry::account(&state.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let school_id = account.school_id;
    // Only an office that supervises the school (its commune, or the Department).
    staff.check_read(&state.db, school_id).await?;
    // Four eyes: the person who added (or renamed) the account cannot be the
    // one who makes it official; a suspended one must be saved again first.
    if account.added_by == Some(staff.id) {
        return Err(AppError::SecondPersonNeeded);
    }
    if account.suspended_at.is_some() {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::registry::confirm(&mut tx, account_id, staff.id, now).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(
            school_id,
            "confirm",
            "beneficiary_account",
            account_id,
        )
        .after(
            serde_json::json!({"bin": account.bin, "account_number": account.account_number,
            "account_name": account.account_name}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Confirmation {
        at: now.seconds(),
        by: staff.display_name.clone(),
    })
}

/// May this person speak for the school on its accounts: its accountant, or
/// its supervising office. Teachers never.
#[cfg(feature = "ssr")]
async fn account_guardian(
    state: &crate::server::state::AppState,
    staff: &crate::server::auth::Staff,
    school_id: crate::domain::ids::SchoolId,
) -> Result<(), AppError> {
    use crate::staff::Role;
    match staff.role {
        Role::Accountant if staff.school_id == Some(school_id) => Ok(()),
        Role::Officer => staff.check_read(&state.db, school_id).await,
        _ => Err(AppError::Forbidden),
    }
}

/// The school or its office takes an account off every QR at once (a pending
/// one: rejects it), with a reason both see in the account's history. The
/// school saves it again to ask for a new confirmation, by someone else.
#[server(prefix = "/rpc", endpoint = "registry/suspend", input = leptos::server_fn::codec::Json)]
pub async fn suspend_account(account_id: i64, reason: String) -> Result<(), AppError> {
    use crate::error::Field;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    let found = crate::server::registry::unsuspended_account(&state.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (school_id, confirmed_at) = (found.school_id, found.confirmed_at);
    account_guardian(&state, &staff, school_id).await?;
    let reason = crate::domain::validate::text(&reason, 500)
        .filter(|r| r.chars().count() >= 5)
        .ok_or(AppError::InvalidInput(Field::Reason))?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::registry::suspend(&mut tx, account_id, staff.id, &reason, now).await?;
    let account = serde_json::json!({"bin": found.bin, "account_number": found.account_number,
        "account_name": found.account_name});
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(
            school_id,
            if confirmed_at.is_some() {
                "suspend"
            } else {
                "reject"
            },
            "beneficiary_account",
            account_id,
        )
        .before(serde_json::json!({"account": account, "confirmed_at": confirmed_at}))
        .after(serde_json::json!({"account": account, "suspended_at": now, "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every change to the school's receiving accounts, newest first: who added,
/// renamed, confirmed, rejected or suspended which account, when, before and
/// after. The school and its office read the same list.
#[server(prefix = "/rpc", endpoint = "registry/history", input = leptos::server_fn::codec::Json)]
pub async fn account_history(school_id: i64) -> Result<Vec<crate::staff::AuditRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    account_guardian(&state, &staff, school_id).await?;
    let (rows, _) = crate::server::audit::read(
        &state.db,
        crate::server::audit::Filter {
            office_id: staff.office_id,
            school_id: Some(school_id),
            entity: Some("beneficiary_account"),
            text: String::new(),
            day: None,
            before_id: None,
            limit: 200,
        },
    )
    .await?;
    Ok(rows)
}
