//! Supervising offices from the command line: a province's Department of Education, its
//! communes/wards, a name corrected, and a school moved to the office its level says. (The web
//! app reads offices; setting them up is the operator's job, as with the first officer.)

use hocphi_app::domain::ids::SchoolId;
use hocphi_app::domain::office::{OfficeLevel, SchoolLevel};
use hocphi_app::domain::time::UnixTime;
use hocphi_app::domain::validate;
use hocphi_app::server::audit::{self, Entry};
use hocphi_app::server::state::Db;

#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("give the office's name as it calls itself, e.g. \"UBND phường Hồng Gai\" (at most 120 characters)")]
    BadName,
    #[error("a Department needs --province; a commune or ward takes its Department's (--parent)")]
    ProvinceNeeded,
    #[error("no office with id {0}")]
    NoOffice(i64),
    #[error(
        "office {0} is not a Department: a commune or ward belongs to its province's Department"
    )]
    ParentNotDepartment(i64),
    #[error("no school '{0}'")]
    NoSchool(String),
    #[error("{school} schools belong to {wanted}, and office {office} is not one")]
    WrongLevel {
        school: &'static str,
        wanted: &'static str,
        office: i64,
    },
    #[error("a commune or ward must be in the same province as the school's Department")]
    OtherProvince,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    App(#[from] hocphi_app::error::AppError),
}

/// One office, as `office list` prints it.
pub struct OfficeRow {
    pub id: i64,
    pub level: OfficeLevel,
    pub name: String,
    pub province: String,
    pub parent_id: Option<i64>,
    pub schools: i64,
}

impl std::fmt::Display for OfficeRow {
    /// `id  level[ under parent]  name  province  N schools`, tab-separated.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let under = self
            .parent_id
            .map(|p| format!(" under {p}"))
            .unwrap_or_default();
        write!(
            f,
            "{}\t{}{under}\t{}\t{}\t{} schools",
            self.id,
            self.level.as_str(),
            self.name,
            self.province,
            self.schools
        )
    }
}

fn name_ok(name: &str) -> Result<String, OfficeError> {
    validate::text(name, 120).ok_or(OfficeError::BadName)
}

async fn office(db: &Db, id: i64) -> Result<(OfficeLevel, String, String), OfficeError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT level, name, province FROM office WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    let (level, name, province) = row.ok_or(OfficeError::NoOffice(id))?;
    let level = OfficeLevel::parse(&level).ok_or(OfficeError::NoOffice(id))?;
    Ok((level, name, province))
}

/// Creates a province's Department (no `parent`), or a commune/ward under its Department.
pub async fn add(
    db: &Db,
    name: &str,
    province: Option<&str>,
    parent: Option<i64>,
    now: i64,
) -> Result<i64, OfficeError> {
    let name = name_ok(name)?;
    let (level, province) = match parent {
        None => {
            let province = province
                .and_then(|p| validate::text(p, 80))
                .ok_or(OfficeError::ProvinceNeeded)?;
            (OfficeLevel::Department, province)
        }
        Some(parent) => {
            let (parent_level, _, parent_province) = office(db, parent).await?;
            if parent_level != OfficeLevel::Department {
                return Err(OfficeError::ParentNotDepartment(parent));
            }
            if province.is_some_and(|p| p.trim() != parent_province) {
                return Err(OfficeError::OtherProvince);
            }
            (OfficeLevel::Commune, parent_province)
        }
    };
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO office (name, province, level, parent_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&name)
    .bind(&province)
    .bind(level.as_str())
    .bind(parent)
    .fetch_one(&mut *tx)
    .await?;
    let entry = Entry::at_office("create", "office", id).after(serde_json::json!({"name": name,
        "level": level.as_str(), "province": province, "parent_id": parent, "via": "command line"}));
    audit::record(&mut tx, UnixTime(now), None, id, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// Corrects an office's name (a migrated district keeps its old one until renamed).
pub async fn rename(db: &Db, id: i64, name: &str, now: i64) -> Result<(), OfficeError> {
    let name = name_ok(name)?;
    let (_, old, _) = office(db, id).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE office SET name = $1 WHERE id = $2")
        .bind(&name)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        UnixTime(now),
        None,
        id,
        Entry::at_office("rename", "office", id)
            .before(serde_json::json!({"name": old}))
            .after(serde_json::json!({"name": name, "via": "command line"})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every office, Departments first, each commune after its Department.
pub async fn list(db: &Db) -> Result<Vec<OfficeRow>, OfficeError> {
    let rows: Vec<(i64, String, String, String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT o.id, o.level, o.name, o.province, o.parent_id, \
                (SELECT COUNT(*) FROM school sc WHERE sc.office_id = o.id) \
         FROM office o ORDER BY COALESCE(o.parent_id, o.id), o.parent_id IS NOT NULL, o.name",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, level, name, province, parent_id, schools)| {
            Some(OfficeRow {
                id,
                level: OfficeLevel::parse(&level)?,
                name,
                province,
                parent_id,
                schools,
            })
        })
        .collect())
}

/// Moves a school to another office, which must be of the level the school's own level says
/// (THPT: a Department; the others: a commune or ward). Its staff follow; its reports, receipts and
/// change log stay with the school.
pub async fn move_school(db: &Db, slug: &str, office_id: i64, now: i64) -> Result<(), OfficeError> {
    let row: Option<(SchoolId, String, String)> = sqlx::query_as(
        "SELECT sc.id, sc.level, o.name FROM school sc JOIN office o ON o.id = sc.office_id WHERE sc.slug = $1",
    )
    .bind(slug)
    .fetch_optional(db)
    .await?;
    let (school_id, level, old_office) =
        row.ok_or_else(|| OfficeError::NoSchool(slug.to_string()))?;
    let level =
        SchoolLevel::parse(&level).ok_or_else(|| OfficeError::NoSchool(slug.to_string()))?;
    let (office_level, new_office, _) = office(db, office_id).await?;
    if level.supervised_by() != office_level {
        return Err(OfficeError::WrongLevel {
            school: level.words().1,
            wanted: match level.supervised_by() {
                OfficeLevel::Department => "the Department of Education",
                OfficeLevel::Commune => "its commune or ward",
            },
            office: office_id,
        });
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE school SET office_id = $1 WHERE id = $2")
        .bind(office_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE staff SET office_id = $1 WHERE school_id = $2")
        .bind(office_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        UnixTime(now),
        None,
        office_id,
        Entry::at_school(school_id, "move", "school", school_id)
            .before(serde_json::json!({"office": old_office}))
            .after(serde_json::json!({"office": new_office, "via": "command line"})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
