//! The registry of official accounts: the confirmed receiving accounts of every
//! school (with the office that confirmed each), the check of one account a QR
//! pays into, the accounts waiting for their office's confirmation, and the
//! confirmation or suspension of one. Also what a link preview shows of a
//! school: its public name and logo. The server functions in `api::registry`
//! check who asks and write the audit lines.

use crate::domain::banks::{self, BankKind};
use crate::domain::ids::{SchoolId, StaffId};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::state::Db;
use crate::staff::{AccountCheck, OfficialAccount, OfficialSchool, PendingAccount};
use sqlx::AnyConnection;

/// The registry's columns: school slug, name, office; the account; when and by
/// which office it was confirmed.
const OFFICIAL_SQL: &str =
    "SELECT sc.slug, sc.name, d.name AS office, a.bin, a.account_number, a.account_name, \
        a.confirmed_at, COALESCE(co.name, d.name) AS confirmed_by_office \
     FROM beneficiary_account a JOIN school sc ON sc.id = a.school_id \
     JOIN office d ON d.id = sc.office_id \
     LEFT JOIN staff cs ON cs.id = a.confirmed_by LEFT JOIN office co ON co.id = cs.office_id";

#[derive(sqlx::FromRow)]
struct OfficialRecord {
    slug: String,
    name: String,
    office: String,
    bin: String,
    account_number: String,
    account_name: String,
    confirmed_at: i64,
    confirmed_by_office: String,
}

impl OfficialRecord {
    fn account(self) -> (String, String, String, OfficialAccount) {
        let bank = banks::by_bin(&self.bin);
        let account = OfficialAccount {
            bank_short_name: bank
                .map(|b| b.short_name.to_string())
                .unwrap_or_else(|| self.bin.clone()),
            bank_name: bank.map(|b| b.name.to_string()).unwrap_or_default(),
            wallet: bank.map(|b| b.kind) == Some(BankKind::Wallet),
            bin: self.bin,
            account_number: self.account_number,
            account_name: self.account_name,
            confirmed_at: self.confirmed_at,
            confirmed_by_office: self.confirmed_by_office,
        };
        (self.slug, self.name, self.office, account)
    }
}

/// Confirmed accounts, by school, optionally for one school.
pub async fn registry(db: &Db, slug: Option<&str>) -> Result<Vec<OfficialSchool>, AppError> {
    let rows: Vec<OfficialRecord> = sqlx::query_as(&format!(
        "{OFFICIAL_SQL} WHERE a.confirmed_at IS NOT NULL AND ($1 IS NULL OR sc.slug = $1) \
         ORDER BY d.name, sc.name, a.is_default DESC, a.id"
    ))
    .bind(slug)
    .fetch_all(db)
    .await?;
    let mut schools: Vec<OfficialSchool> = Vec::new();
    for row in rows {
        let (slug, name, office, account) = row.account();
        if schools.last().map(|s| &s.slug) != Some(&slug) {
            schools.push(OfficialSchool {
                slug,
                name,
                office,
                accounts: Vec::new(),
            });
        }
        if let Some(school) = schools.last_mut() {
            school.accounts.push(account);
        }
    }
    Ok(schools)
}

/// The registry's answer for one account (account numbers compared without
/// spaces or dashes, as banking apps show them either way).
pub async fn check(db: &Db, bin: &str, account_number: &str) -> Result<AccountCheck, AppError> {
    let number: String = account_number
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.'))
        .collect();
    let row: Option<OfficialRecord> = sqlx::query_as(&format!(
        "{OFFICIAL_SQL} WHERE a.confirmed_at IS NOT NULL AND a.bin = $1 AND upper(a.account_number) = upper($2) \
         ORDER BY a.id LIMIT 1"
    ))
    .bind(bin)
    .bind(&number)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some(row) => {
            let (slug, school, office, account) = row.account();
            AccountCheck::Official {
                school,
                slug,
                office,
                account,
            }
        }
        None => AccountCheck::NotOfficial,
    })
}

#[derive(sqlx::FromRow)]
struct PendingRecord {
    id: i64,
    school: String,
    bin: String,
    account_number: String,
    account_name: String,
}

/// Accounts of the schools this office supervises that wait for confirmation.
pub async fn pending(db: &Db, office_id: i64) -> Result<Vec<PendingAccount>, AppError> {
    let rows: Vec<PendingRecord> = sqlx::query_as(
        "SELECT a.id, sc.name AS school, a.bin, a.account_number, a.account_name \
         FROM beneficiary_account a JOIN school sc ON sc.id = a.school_id \
         WHERE a.confirmed_at IS NULL AND a.suspended_at IS NULL \
           AND sc.id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1) ORDER BY sc.name, a.id",
    )
    .bind(office_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PendingAccount {
            id: r.id,
            school: r.school,
            bank_short_name: banks::by_bin(&r.bin)
                .map(|b| b.short_name.to_string())
                .unwrap_or(r.bin),
            account_number: r.account_number,
            account_name: r.account_name,
        })
        .collect())
}

/// A receiving account as confirming or suspending it sees it.
#[derive(sqlx::FromRow)]
pub struct AccountRecord {
    pub school_id: SchoolId,
    pub bin: String,
    pub account_number: String,
    pub account_name: String,
    /// Who added (or last renamed) it.
    pub added_by: Option<StaffId>,
    pub confirmed_at: Option<i64>,
    pub suspended_at: Option<i64>,
}

const ACCOUNT_SQL: &str =
    "SELECT school_id, bin, account_number, account_name, added_by, confirmed_at, suspended_at \
     FROM beneficiary_account WHERE id = $1";

/// A receiving account, by id.
pub async fn account(db: &Db, account_id: i64) -> Result<Option<AccountRecord>, AppError> {
    Ok(sqlx::query_as(ACCOUNT_SQL)
        .bind(account_id)
        .fetch_optional(db)
        .await?)
}

/// A receiving account, by id, unless it is suspended.
pub async fn unsuspended_account(
    db: &Db,
    account_id: i64,
) -> Result<Option<AccountRecord>, AppError> {
    Ok(
        sqlx::query_as(&format!("{ACCOUNT_SQL} AND suspended_at IS NULL"))
            .bind(account_id)
            .fetch_optional(db)
            .await?,
    )
}

/// Makes an account official (if it is not yet).
pub async fn confirm(
    conn: &mut AnyConnection,
    account_id: i64,
    staff_id: StaffId,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE beneficiary_account SET confirmed_at = $1, confirmed_by = $2 WHERE id = $3 AND confirmed_at IS NULL",
    )
    .bind(now)
    .bind(staff_id)
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes an account off every QR: no longer confirmed, nor the default.
pub async fn suspend(
    conn: &mut AnyConnection,
    account_id: i64,
    staff_id: StaffId,
    reason: &str,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE beneficiary_account SET suspended_at = $1, suspended_by = $2, suspend_reason = $3, \
         confirmed_at = NULL, confirmed_by = NULL, is_default = 0 WHERE id = $4",
    )
    .bind(now)
    .bind(staff_id)
    .bind(reason)
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// What a link preview shows of a school.
#[derive(sqlx::FromRow)]
pub struct PublicSchool {
    pub name: String,
    /// The stored logo's type, if the school has one.
    pub logo_type: Option<String>,
    pub slug: String,
}

/// A school's public face, by its slug.
pub async fn public_school(db: &Db, slug: &str) -> Result<Option<PublicSchool>, AppError> {
    Ok(
        sqlx::query_as("SELECT name, logo_type, slug FROM school WHERE slug = $1")
            .bind(slug)
            .fetch_optional(db)
            .await?,
    )
}

/// The slug of the school that issued the receipt of this public code.
pub async fn slug_of_receipt(db: &Db, code: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT sc.slug FROM receipt r JOIN school sc ON sc.id = r.school_id WHERE r.public_code = $1",
    )
    .bind(code)
    .fetch_optional(db)
    .await?)
}

/// The class's name as the school has it, in any school year; a name a class
/// had before it was renamed gives its name now (a link sent before the rename).
pub async fn class_name(db: &Db, slug: &str, class: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT c.name FROM class c JOIN school sc ON sc.id = c.school_id \
         WHERE sc.slug = $1 AND (c.name = $2 OR c.id IN (SELECT class_id FROM class_former_name WHERE name = $2)) \
         ORDER BY CASE WHEN c.name = $2 THEN 0 ELSE 1 END, c.id DESC LIMIT 1",
    )
    .bind(slug)
    .bind(class)
    .fetch_optional(db)
    .await?)
}
