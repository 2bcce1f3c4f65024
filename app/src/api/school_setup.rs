//! A school's profile as its accountant keeps it: legal details, the bank accounts
//! parents pay into, the payment methods it accepts, and the people parents can call.

use crate::error::AppError;
use crate::staff::{AuditPage, Contact, PaymentMethod, SchoolProfile};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/rpc", endpoint = "school/profile", input = Json)]
pub async fn load_school_profile(school_id: i64) -> Result<SchoolProfile, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    staff.check_read(&state.db, school_id).await?;
    crate::server::schools::profile(&state.db, school_id).await
}

#[server(prefix = "/rpc", endpoint = "school/details", input = Json)]
pub async fn save_school_details(
    school_id: i64,
    legal_name: String,
    address: String,
    tax_code: String,
    receipt_form_number: String,
    receipt_series: String,
) -> Result<(), AppError> {
    use crate::domain::validate;
    use crate::error::Field;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let numbering = validate::receipt_numbering(&receipt_form_number, &receipt_series)
        .map_err(AppError::InvalidInput)?;
    let (form, series) = numbering.unzip();
    let legal_name =
        validate::text(&legal_name, 200).ok_or(AppError::InvalidInput(Field::LegalName))?;
    let address = validate::text(&address, 200).ok_or(AppError::InvalidInput(Field::Address))?;
    let tax_code = validate::tax_code(&tax_code).ok_or(AppError::InvalidInput(Field::TaxCode))?;
    let before = crate::server::schools::profile(&state.db, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::schools::save_details(
        &mut tx,
        school_id,
        &crate::server::schools::Details {
            legal_name: &legal_name,
            address: &address,
            tax_code: &tax_code,
            receipt_form_number: form.as_deref(),
            receipt_series: series.as_deref(),
        },
    )
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "update", "school", school_id)
            .before(serde_json::json!({"legal_name": before.legal_name, "address": before.address, "tax_code": before.tax_code,
                "receipt_form_number": before.receipt_form_number, "receipt_series": before.receipt_series}))
            .after(serde_json::json!({"legal_name": legal_name, "address": address, "tax_code": tax_code,
                "receipt_form_number": form.unwrap_or_default(), "receipt_series": series.unwrap_or_default()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a beneficiary account, or replaces the one with the same bank and number.
#[server(prefix = "/rpc", endpoint = "school/account", input = Json)]
pub async fn save_account(
    school_id: i64,
    bin: String,
    account_number: String,
    account_name: String,
    make_default: bool,
) -> Result<(), AppError> {
    use crate::domain::{banks, validate};
    use crate::error::Field;
    use crate::server::schools;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let bank = banks::by_bin(bin.trim()).ok_or(AppError::InvalidInput(Field::Bank))?;
    let number = validate::account_number(&account_number)
        .ok_or(AppError::InvalidInput(Field::AccountNumber))?;
    let name =
        validate::account_name(&account_name).ok_or(AppError::InvalidInput(Field::AccountName))?;
    let before = schools::profile(&state.db, school_id).await?.accounts;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let make_default = make_default || schools::account_count(&mut tx, school_id).await? == 0;
    schools::save_account(
        &mut tx,
        school_id,
        &schools::NewAccount {
            bin: bank.bin,
            account_number: &number,
            account_name: &name,
            make_default,
            added_by: staff.id,
        },
    )
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "update", "beneficiary_account", school_id)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::json!({"bin": bank.bin, "account_number": number, "account_name": name, "default": make_default})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "school/methods", input = Json)]
pub async fn set_methods(school_id: i64, methods: Vec<PaymentMethod>) -> Result<(), AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let before = crate::server::schools::methods(&state.db, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::schools::replace_methods(&mut tx, school_id, &methods).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "update", "payment_methods", school_id)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&methods).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the school's contact list (the order given is the order parents see).
#[server(prefix = "/rpc", endpoint = "school/contacts", input = Json)]
pub async fn save_contacts(school_id: i64, contacts: Vec<Contact>) -> Result<(), AppError> {
    use crate::domain::validate;
    use crate::error::Field;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    if contacts.len() > crate::staff::MAX_CONTACTS {
        return Err(AppError::InvalidInput(Field::TooManyContacts));
    }
    let mut clean = Vec::new();
    for c in contacts {
        clean.push(Contact {
            name: validate::text(&c.name, 80).ok_or(AppError::InvalidInput(Field::ContactName))?,
            role: validate::text(&c.role, 80).unwrap_or_default(),
            phone: validate::phone(&c.phone).ok_or(AppError::InvalidInput(Field::Phone))?,
            zalo: match c.zalo.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
                Some(z) => Some(validate::phone(z).ok_or(AppError::InvalidInput(Field::Phone))?),
                None => None,
            },
        });
    }
    let before = crate::server::schools::contacts(&state.db, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::schools::replace_contacts(&mut tx, school_id, &clean).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "update", "contacts", school_id)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&clean).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The largest logo accepted: a logo is shown small, and parents pay for the bytes.
pub const MAX_LOGO_BYTES: usize = 200 * 1024;

/// Sets the school's logo (shown on its parent pages); an empty upload removes it.
#[server(prefix = "/rpc", endpoint = "school/logo", input = Json)]
pub async fn save_school_logo(school_id: i64, content_base64: String) -> Result<(), AppError> {
    use crate::error::Field;
    use base64::Engine;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content_base64.trim())
        .map_err(|_| AppError::InvalidInput(Field::Logo))?;
    let kind = if bytes.is_empty() {
        None
    } else {
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(AppError::InvalidInput(Field::Logo));
        }
        Some(
            crate::domain::validate::image_type(&bytes)
                .ok_or(AppError::InvalidInput(Field::Logo))?,
        )
    };
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::schools::set_logo(&mut tx, school_id, kind.map(|k| (k, bytes.as_slice())))
        .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "update", "logo", school_id)
            .before(serde_json::Value::Null)
            .after(serde_json::json!({"type": kind, "bytes": bytes.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The change log, as sentences: a school's (for its accountant, or an officer)
/// or everything under the officer's office (`school_id` = None), newest first, 100 at
/// a time. `text` finds words in the sentence, the person, the school or the
/// record; `day` (YYYY-MM-DD) keeps one day; `before_id` reads the next page.
#[server(prefix = "/rpc", endpoint = "audit", input = Json)]
pub async fn audit_log(
    school_id: Option<i64>,
    // Words, a day and a page: left out by older callers, meaning the newest page.
    #[server(default)] text: String,
    #[server(default)] day: String,
    #[server(default)] before_id: Option<i64>,
) -> Result<AuditPage, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    use crate::staff::Role;
    let school_id = school_id.map(crate::domain::ids::SchoolId);
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    match (staff.role, school_id) {
        (Role::Teacher, _) => return Err(AppError::Forbidden),
        (Role::Accountant, None) => return Err(AppError::Forbidden),
        (_, Some(id)) => staff.check_read(&state.db, id).await?,
        (Role::Officer, None) => {}
    }
    if text.chars().count() > 100 {
        return Err(AppError::InvalidInput(crate::error::Field::SearchText));
    }
    let day = match day.trim() {
        "" => None,
        d => Some(
            crate::domain::date::Date::parse_iso(d)
                .map_err(|_| AppError::InvalidInput(crate::error::Field::Day))?,
        ),
    };
    let (rows, next_before) = crate::server::audit::read(
        &state.db,
        crate::server::audit::Filter {
            office_id: staff.office_id,
            school_id,
            entity: None,
            text,
            day,
            before_id,
            limit: 100,
        },
    )
    .await?;
    Ok(AuditPage { rows, next_before })
}
