//! A school's keys, from the command line: its secret for signing bank
//! notifications (`bank-secret`), an API key for its software (`api-key`) and its
//! receipt signing key (`receipt-key`).

use hocphi_app::domain::ids::{SchoolId, StaffId};
use hocphi_app::domain::time::UnixTime;
use hocphi_app::server::state::Db;
use hocphi_app::server::vault::Vault;

type Error = Box<dyn std::error::Error>;

/// A school's id by its slug, for the commands that act on one school.
pub async fn school_id(db: &Db, slug: &str) -> Result<SchoolId, Error> {
    let row: Option<(SchoolId,)> = sqlx::query_as("SELECT id FROM school WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db)
        .await?;
    Ok(row.ok_or_else(|| format!("no school '{slug}'"))?.0)
}

/// The school's secret for signing bank notifications (made on first use).
pub async fn bank_secret(db: &Db, vault: &Vault, school: &str, now: i64) -> Result<String, Error> {
    // The wrong key (another directory's file) stops here, before it seals anything.
    crate::db::token_key(db, vault).await?;
    let id = school_id(db, school).await?;
    let secret = hocphi_app::server::bank::school_secret(db, vault, id, UnixTime(now))
        .await
        .map_err(|e| e.to_string())?;
    Ok(secret)
}

/// What `api-key` is asked for.
pub struct NewApiKey<'a> {
    /// The school's slug.
    pub school: &'a str,
    /// What the key is for (the software's name).
    pub name: &'a str,
    /// The staff member (user name) making it, recorded as its creator.
    pub by: &'a str,
    /// May write, not only read.
    pub write: bool,
}

/// Makes an API key for a school's software and returns it (shown once).
pub async fn api_key(db: &Db, key: NewApiKey<'_>, now: i64) -> Result<String, Error> {
    let NewApiKey {
        school,
        name,
        by,
        write,
    } = key;
    let school_id = school_id(db, school).await?;
    let staff: Option<(StaffId, i64)> = sqlx::query_as(
        "SELECT s.id, s.office_id FROM staff s \
         WHERE s.username = $1 AND s.active = 1 AND s.role <> 'teacher' \
           AND (s.school_id = $2 OR (s.school_id IS NULL AND EXISTS ( \
                SELECT 1 FROM office_school os WHERE os.office_id = s.office_id AND os.school_id = $2)))",
    )
    .bind(by.to_lowercase())
    .bind(school_id)
    .fetch_optional(db)
    .await?;
    let (staff_id, office_id) =
        staff.ok_or_else(|| format!("{by} may not make keys for {school}"))?;
    let mut tx = db.begin().await?;
    let (id, secret, prefix) = hocphi_app::server::api_keys::insert_key(
        &mut tx,
        school_id,
        staff_id,
        name,
        write,
        UnixTime(now),
    )
    .await
    .map_err(|e| e.to_string())?;
    hocphi_app::server::audit::record(
        &mut tx,
        UnixTime(now),
        None,
        office_id,
        hocphi_app::server::audit::Entry::at_school(school_id, "create", "api_key", id).after(
            serde_json::json!({"name": name, "can_write": write, "prefix": prefix, "by": by, "via": "command line"}),
        ),
    )
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await?;
    Ok(secret)
}

/// Retires the school's receipt signing key and makes a new one (old receipts
/// still verify); returns the new key's id.
pub async fn rotate_receipt_key(
    db: &Db,
    vault: &Vault,
    school: &str,
    now: i64,
) -> Result<String, Error> {
    // The wrong key (another directory's file) stops here, before it seals anything.
    crate::db::token_key(db, vault).await?;
    let id = school_id(db, school).await?;
    let mut tx = db.begin().await?;
    let key_id = hocphi_app::server::receipts::rotate(
        &mut tx,
        vault,
        id,
        hocphi_app::domain::time::UnixTime(now),
    )
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await?;
    Ok(key_id.to_string())
}
