//! A school's setup as its accountant keeps it: legal details and receipt
//! numbering, the bank accounts parents pay into, the payment methods it
//! accepts and how ready each is, the people parents can call, and its logo.
//! The server functions in `api::school_setup` check who asks and write the
//! audit lines; the parent pages and the office's lists read from here too.

use crate::domain::banks;
use crate::domain::ids::{SchoolId, StaffId};
use crate::error::AppError;
use crate::server::state::Db;
use crate::staff::{
    BeneficiaryAccount, Confirmation, Contact, MethodReadiness, PaymentMethod, SchoolProfile,
};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct ContactRecord {
    name: String,
    role: String,
    phone: String,
    zalo: Option<String>,
}

/// The people parents can call, in the school's order.
pub async fn contacts(db: &Db, school_id: SchoolId) -> Result<Vec<Contact>, AppError> {
    let rows: Vec<ContactRecord> = sqlx::query_as(
        "SELECT name, role, phone, zalo FROM school_contact WHERE school_id = $1 ORDER BY position, id",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| Contact {
            name: c.name,
            role: c.role,
            phone: c.phone,
            zalo: c.zalo,
        })
        .collect())
}

/// The payment methods the school declared, in `PaymentMethod::ALL`'s order.
pub async fn methods(db: &Db, school_id: SchoolId) -> Result<Vec<PaymentMethod>, AppError> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT method FROM school_method WHERE school_id = $1")
            .bind(school_id)
            .fetch_all(db)
            .await?;
    let mut methods: Vec<PaymentMethod> = rows
        .iter()
        .filter_map(|m| PaymentMethod::parse(m))
        .collect();
    methods.sort_by_key(|m| PaymentMethod::ALL.iter().position(|a| a == m));
    Ok(methods)
}

#[derive(sqlx::FromRow)]
struct SchoolRecord {
    id: SchoolId,
    slug: String,
    name: String,
    legal_name: String,
    address: String,
    tax_code: String,
    receipt_form_number: Option<String>,
    receipt_series: Option<String>,
    has_logo: i64,
}

#[derive(sqlx::FromRow)]
struct AccountRecord {
    id: i64,
    bin: String,
    account_number: String,
    account_name: String,
    is_default: i64,
    confirmed_at: Option<i64>,
    confirmed_by_name: Option<String>,
    suspended_at: Option<i64>,
    suspended_by_name: Option<String>,
    suspend_reason: Option<String>,
}

impl From<AccountRecord> for BeneficiaryAccount {
    fn from(a: AccountRecord) -> Self {
        BeneficiaryAccount {
            bank_short_name: banks::by_bin(&a.bin)
                .map(|b| b.short_name.to_string())
                .unwrap_or_else(|| a.bin.clone()),
            id: a.id,
            bin: a.bin,
            account_number: a.account_number,
            account_name: a.account_name,
            is_default: a.is_default == 1,
            confirmed: a.confirmed_at.map(|at| Confirmation {
                at,
                by: a.confirmed_by_name.unwrap_or_default(),
            }),
            suspended: a.suspended_at.map(|at| {
                (
                    Confirmation {
                        at,
                        by: a.suspended_by_name.unwrap_or_default(),
                    },
                    a.suspend_reason.unwrap_or_default(),
                )
            }),
        }
    }
}

/// The school's whole profile, as its settings page shows it.
pub async fn profile(db: &Db, school_id: SchoolId) -> Result<SchoolProfile, AppError> {
    let school: SchoolRecord = sqlx::query_as(
        "SELECT id, slug, name, legal_name, address, tax_code, receipt_form_number, receipt_series, \
         CASE WHEN logo IS NULL THEN 0 ELSE 1 END AS has_logo FROM school WHERE id = $1",
    )
    .bind(school_id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let accounts: Vec<AccountRecord> = sqlx::query_as(
        "SELECT a.id, a.bin, a.account_number, a.account_name, a.is_default, a.confirmed_at, \
            s.display_name AS confirmed_by_name, a.suspended_at, x.display_name AS suspended_by_name, a.suspend_reason \
         FROM beneficiary_account a LEFT JOIN staff s ON s.id = a.confirmed_by \
         LEFT JOIN staff x ON x.id = a.suspended_by \
         WHERE a.school_id = $1 ORDER BY a.is_default DESC, a.id",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    let accountants: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff WHERE school_id = $1 AND role = 'accountant' AND active = 1",
    )
    .bind(school_id)
    .fetch_one(db)
    .await?;
    Ok(SchoolProfile {
        has_accountant: accountants > 0,
        id: school.id.get(),
        slug: school.slug,
        name: school.name,
        legal_name: school.legal_name,
        address: school.address,
        tax_code: school.tax_code,
        receipt_form_number: school.receipt_form_number.unwrap_or_default(),
        receipt_series: school.receipt_series.unwrap_or_default(),
        has_logo: school.has_logo == 1,
        accounts: accounts.into_iter().map(BeneficiaryAccount::from).collect(),
        methods: methods(db, school_id).await?,
        contacts: contacts(db, school_id).await?,
        readiness: readiness(db, school_id).await?,
        gateway_merchant: sqlx::query_scalar(
            "SELECT tmn_code FROM gateway_config WHERE school_id = $1",
        )
        .bind(school_id)
        .fetch_optional(db)
        .await?,
    })
}

/// Each payment method's readiness at a school (see `MethodReadiness`).
pub async fn readiness(db: &Db, school_id: SchoolId) -> Result<Vec<MethodReadiness>, AppError> {
    use crate::domain::banks::BankKind;
    let declared = methods(db, school_id).await?;
    // Only accounts the supervising office confirmed: no QR uses any other.
    let bins: Vec<String> = sqlx::query_scalar(
        "SELECT bin FROM beneficiary_account WHERE school_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    let has = |kind: BankKind| {
        bins.iter()
            .any(|b| banks::by_bin(b).map(|x| x.kind).unwrap_or(BankKind::Bank) == kind)
    };
    let gateway: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM gateway_config WHERE school_id = $1")
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
            MethodReadiness {
                method,
                declared: declared.contains(&method),
                configured,
                last_payment_at: last_of(payments),
            }
        })
        .collect())
}

/// The school's legal details and receipt numbering, checked by the caller.
pub struct Details<'a> {
    pub legal_name: &'a str,
    pub address: &'a str,
    pub tax_code: &'a str,
    pub receipt_form_number: Option<&'a str>,
    pub receipt_series: Option<&'a str>,
}

pub async fn save_details(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    d: &Details<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE school SET legal_name = $1, address = $2, tax_code = $3, receipt_form_number = $4, \
         receipt_series = $5 WHERE id = $6",
    )
    .bind(d.legal_name)
    .bind(d.address)
    .bind(d.tax_code)
    .bind(d.receipt_form_number)
    .bind(d.receipt_series)
    .bind(school_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many beneficiary accounts the school has.
pub async fn account_count(conn: &mut AnyConnection, school_id: SchoolId) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM beneficiary_account WHERE school_id = $1")
            .bind(school_id)
            .fetch_one(conn)
            .await?,
    )
}

/// An account as saved: its bank's BIN, number and holder's name.
pub struct NewAccount<'a> {
    pub bin: &'a str,
    pub account_number: &'a str,
    pub account_name: &'a str,
    /// The school's default from now on (the others lose it).
    pub make_default: bool,
    pub added_by: StaffId,
}

/// Adds a beneficiary account, or replaces the one with the same bank and number.
pub async fn save_account(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    a: &NewAccount<'_>,
) -> Result<(), AppError> {
    if a.make_default {
        sqlx::query("UPDATE beneficiary_account SET is_default = 0 WHERE school_id = $1")
            .bind(school_id)
            .execute(&mut *conn)
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
    .bind(a.bin)
    .bind(a.account_number)
    .bind(a.account_name)
    .bind(a.make_default as i64)
    .bind(a.added_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the payment methods the school declares.
pub async fn replace_methods(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    methods: &[PaymentMethod],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM school_method WHERE school_id = $1")
        .bind(school_id)
        .execute(&mut *conn)
        .await?;
    for m in methods {
        sqlx::query(
            "INSERT INTO school_method (school_id, method) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(school_id)
        .bind(m.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces the school's contact list (the order given is the order parents see).
pub async fn replace_contacts(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    contacts: &[Contact],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM school_contact WHERE school_id = $1")
        .bind(school_id)
        .execute(&mut *conn)
        .await?;
    for (position, c) in contacts.iter().enumerate() {
        sqlx::query(
            "INSERT INTO school_contact (school_id, name, role, phone, zalo, position) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(school_id)
        .bind(&c.name)
        .bind(&c.role)
        .bind(&c.phone)
        .bind(&c.zalo)
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Sets the school's logo and its image type, or (None) removes it.
pub async fn set_logo(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    logo: Option<(&str, &[u8])>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE school SET logo = $1, logo_type = $2 WHERE id = $3")
        .bind(logo.map(|(_, bytes)| bytes.to_vec()))
        .bind(logo.map(|(kind, _)| kind))
        .bind(school_id)
        .execute(conn)
        .await?;
    Ok(())
}
