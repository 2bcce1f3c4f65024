//! A school's profile as its accountant keeps it: legal details, the bank accounts
//! parents pay into, the payment methods it accepts, and the people parents can call.

use crate::error::AppError;
use crate::staff::{AuditPage, Contact, PaymentMethod, SchoolProfile};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
pub mod queries {
    use crate::domain::banks;
    use crate::error::AppError;
    use crate::server::state::Db;
    use crate::staff::{BeneficiaryAccount, Contact, PaymentMethod, SchoolProfile};

    pub async fn contacts(db: &Db, school_id: i64) -> Result<Vec<Contact>, AppError> {
        let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT name, role, phone, zalo FROM school_contact WHERE school_id = $1 ORDER BY position, id",
        )
        .bind(school_id)
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(name, role, phone, zalo)| Contact {
                name,
                role,
                phone,
                zalo,
            })
            .collect())
    }

    pub async fn methods(db: &Db, school_id: i64) -> Result<Vec<PaymentMethod>, AppError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT method FROM school_method WHERE school_id = $1")
                .bind(school_id)
                .fetch_all(db)
                .await?;
        let mut methods: Vec<PaymentMethod> = rows
            .iter()
            .filter_map(|(m,)| PaymentMethod::parse(m))
            .collect();
        methods.sort_by_key(|m| PaymentMethod::ALL.iter().position(|a| a == m));
        Ok(methods)
    }

    pub async fn profile(db: &Db, school_id: i64) -> Result<SchoolProfile, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            slug: String,
            name: String,
            legal_name: String,
            address: String,
            tax_code: String,
            receipt_form_number: Option<String>,
            receipt_series: Option<String>,
            has_logo: i64,
        }
        let row: Row = sqlx::query_as(
            "SELECT id, slug, name, legal_name, address, tax_code, receipt_form_number, receipt_series, \
             CASE WHEN logo IS NULL THEN 0 ELSE 1 END AS has_logo FROM school WHERE id = $1",
        )
        .bind(school_id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)?;
        let Row {
            id,
            slug,
            name,
            legal_name,
            address,
            tax_code,
            receipt_form_number,
            receipt_series,
            has_logo,
        } = row;
        #[allow(clippy::type_complexity)]
        let accounts: Vec<(i64, String, String, String, i64, Option<i64>, Option<String>, Option<i64>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT a.id, a.bin, a.account_number, a.account_name, a.is_default, a.confirmed_at, s.display_name, \
                a.suspended_at, x.display_name, a.suspend_reason \
             FROM beneficiary_account a LEFT JOIN staff s ON s.id = a.confirmed_by \
             LEFT JOIN staff x ON x.id = a.suspended_by \
             WHERE a.school_id = $1 ORDER BY a.is_default DESC, a.id",
        )
        .bind(school_id)
        .fetch_all(db)
        .await?;
        let (accountants,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM staff WHERE school_id = $1 AND role = 'accountant' AND active = 1",
        )
        .bind(school_id)
        .fetch_one(db)
        .await?;
        Ok(SchoolProfile {
            has_accountant: accountants > 0,
            id,
            slug,
            name,
            legal_name,
            address,
            tax_code,
            receipt_form_number: receipt_form_number.unwrap_or_default(),
            receipt_series: receipt_series.unwrap_or_default(),
            has_logo: has_logo == 1,
            accounts: accounts
                .into_iter()
                .map(
                    |(
                        id,
                        bin,
                        account_number,
                        account_name,
                        is_default,
                        at,
                        by,
                        s_at,
                        s_by,
                        s_why,
                    )| {
                        BeneficiaryAccount {
                            bank_short_name: banks::by_bin(&bin)
                                .map(|b| b.short_name.to_string())
                                .unwrap_or_else(|| bin.clone()),
                            id,
                            bin,
                            account_number,
                            account_name,
                            is_default: is_default == 1,
                            confirmed: at.map(|at| crate::staff::Confirmation {
                                at,
                                by: by.unwrap_or_default(),
                            }),
                            suspended: s_at.map(|at| {
                                (
                                    crate::staff::Confirmation {
                                        at,
                                        by: s_by.unwrap_or_default(),
                                    },
                                    s_why.unwrap_or_default(),
                                )
                            }),
                        }
                    },
                )
                .collect(),
            methods: methods(db, school_id).await?,
            contacts: contacts(db, school_id).await?,
            readiness: readiness(db, school_id).await?,
            gateway_merchant: sqlx::query_as::<_, (String,)>(
                "SELECT tmn_code FROM gateway_config WHERE school_id = $1",
            )
            .bind(school_id)
            .fetch_optional(db)
            .await?
            .map(|r| r.0),
        })
    }

    /// Each payment method's readiness at a school (see `MethodReadiness`).
    pub async fn readiness(
        db: &Db,
        school_id: i64,
    ) -> Result<Vec<crate::staff::MethodReadiness>, AppError> {
        use crate::domain::banks::BankKind;
        let declared = methods(db, school_id).await?;
        let bins: Vec<(String,)> =
            // Only accounts the supervising office confirmed: no QR uses any other.
            sqlx::query_as("SELECT bin FROM beneficiary_account WHERE school_id = $1 AND confirmed_at IS NOT NULL")
                .bind(school_id)
                .fetch_all(db)
                .await?;
        let has = |kind: BankKind| {
            bins.iter()
                .any(|(b,)| banks::by_bin(b).map(|x| x.kind).unwrap_or(BankKind::Bank) == kind)
        };
        let (gateway,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM gateway_config WHERE school_id = $1")
                .bind(school_id)
                .fetch_one(db)
                .await?;
        let last: Vec<(String, i64)> = sqlx::query_as(
            "SELECT method, MAX(received_at) FROM payment WHERE school_id = $1 GROUP BY method",
        )
        .bind(school_id)
        .fetch_all(db)
        .await?;
        let last_of = |m: &str| last.iter().find(|(x, _)| x == m).map(|(_, at)| *at);
        Ok(PaymentMethod::ALL
            .into_iter()
            .map(|method| {
                let (configured, payments) = match method {
                    PaymentMethod::QrTransfer => (has(BankKind::Bank), "bank_transfer"),
                    PaymentMethod::Website => (gateway > 0, "gateway"),
                    PaymentMethod::MobileMoney => (has(BankKind::Wallet), "mobile_money"),
                    PaymentMethod::CardPos => (true, "card"),
                    PaymentMethod::Cash => (true, "cash"),
                };
                crate::staff::MethodReadiness {
                    method,
                    declared: declared.contains(&method),
                    configured,
                    last_payment_at: last_of(payments),
                }
            })
            .collect())
    }
}

#[server(prefix = "/rpc", endpoint = "school/profile", input = Json)]
pub async fn load_school_profile(school_id: i64) -> Result<SchoolProfile, AppError> {
    use crate::server::auth::current_staff;
    use crate::server::state::app_state;
    let state = app_state()?;
    let staff = current_staff(&state).await?;
    staff.check_read(&state.db, school_id).await?;
    queries::profile(&state.db, school_id).await
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
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let numbering = validate::receipt_numbering(&receipt_form_number, &receipt_series)
        .map_err(AppError::InvalidInput)?;
    let (form, series) = numbering.unzip();
    let legal_name =
        validate::text(&legal_name, 200).ok_or(AppError::InvalidInput(Field::LegalName))?;
    let address = validate::text(&address, 200).ok_or(AppError::InvalidInput(Field::Address))?;
    let tax_code = validate::tax_code(&tax_code).ok_or(AppError::InvalidInput(Field::TaxCode))?;
    let before = queries::profile(&state.db, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query(
        "UPDATE school SET legal_name = $1, address = $2, tax_code = $3, receipt_form_number = $4, \
         receipt_series = $5 WHERE id = $6",
    )
        .bind(&legal_name)
        .bind(&address)
        .bind(&tax_code)
        .bind(&form)
        .bind(&series)
        .bind(school_id)
        .execute(&mut *tx)
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
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let bank = banks::by_bin(bin.trim()).ok_or(AppError::InvalidInput(Field::Bank))?;
    let number = validate::account_number(&account_number)
        .ok_or(AppError::InvalidInput(Field::AccountNumber))?;
    let name =
        validate::account_name(&account_name).ok_or(AppError::InvalidInput(Field::AccountName))?;
    let before = queries::profile(&state.db, school_id).await?.accounts;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM beneficiary_account WHERE school_id = $1")
            .bind(school_id)
            .fetch_one(&mut *tx)
            .await?;
    let make_default = make_default || count == 0;
    if make_default {
        sqlx::query("UPDATE beneficiary_account SET is_default = 0 WHERE school_id = $1")
            .bind(school_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        // A renamed account needs confirming again, and so does a suspended one
        // saved again; whoever saved it then cannot be the one who confirms it.
        "INSERT INTO beneficiary_account (school_id, bin, account_number, account_name, is_default, added_by) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (school_id, bin, account_number) DO UPDATE SET account_name = excluded.account_name, \
         is_default = CASE WHEN excluded.is_default = 1 THEN 1 ELSE beneficiary_account.is_default END, \
         confirmed_at = CASE WHEN beneficiary_account.account_name = excluded.account_name \
             AND beneficiary_account.suspended_at IS NULL THEN beneficiary_account.confirmed_at END, \
         confirmed_by = CASE WHEN beneficiary_account.account_name = excluded.account_name \
             AND beneficiary_account.suspended_at IS NULL THEN beneficiary_account.confirmed_by END, \
         added_by = CASE WHEN beneficiary_account.account_name = excluded.account_name \
             AND beneficiary_account.suspended_at IS NULL THEN beneficiary_account.added_by ELSE excluded.added_by END, \
         suspended_at = NULL, suspended_by = NULL, suspend_reason = NULL",
    )
    .bind(school_id)
    .bind(bank.bin)
    .bind(&number)
    .bind(&name)
    .bind(make_default as i64)
    .bind(staff.id)
    .execute(&mut *tx)
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
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let before = queries::methods(&state.db, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query("DELETE FROM school_method WHERE school_id = $1")
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    for m in &methods {
        sqlx::query(
            "INSERT INTO school_method (school_id, method) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(school_id)
        .bind(m.as_str())
        .execute(&mut *tx)
        .await?;
    }
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
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
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
    let before = queries::contacts(&state.db, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query("DELETE FROM school_contact WHERE school_id = $1")
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    for (position, c) in clean.iter().enumerate() {
        sqlx::query(
            "INSERT INTO school_contact (school_id, name, role, phone, zalo, position) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(school_id)
        .bind(&c.name)
        .bind(&c.role)
        .bind(&c.phone)
        .bind(&c.zalo)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
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

/// The image type of a logo, by its first bytes: PNG, JPEG or WebP only (an SVG
/// could carry script).
pub fn logo_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Sets the school's logo (shown on its parent pages); an empty upload removes it.
#[server(prefix = "/rpc", endpoint = "school/logo", input = Json)]
pub async fn save_school_logo(school_id: i64, content_base64: String) -> Result<(), AppError> {
    use crate::error::Field;
    use base64::Engine;
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
        Some(logo_type(&bytes).ok_or(AppError::InvalidInput(Field::Logo))?)
    };
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query("UPDATE school SET logo = $1, logo_type = $2 WHERE id = $3")
        .bind(kind.map(|_| bytes.clone()))
        .bind(kind)
        .bind(school_id)
        .execute(&mut *tx)
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
