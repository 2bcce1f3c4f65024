//! Exemption policies: a named percentage off fee items ("Hộ nghèo": 100 % of
//! the meals), granted to students with their grounds, and taken off by the
//! invoice run.

use crate::domain::ids::{SchoolId, StudentId};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::state::Db;
use crate::staff::{ExemptedStudent, PolicyRow};

/// A student holding a policy, with their class in the year asked for.
#[derive(sqlx::FromRow)]
struct ExemptedStored {
    code: String,
    full_name: String,
    class_name: Option<String>,
    note: String,
}

impl From<ExemptedStored> for ExemptedStudent {
    fn from(s: ExemptedStored) -> Self {
        ExemptedStudent {
            code: s.code,
            full_name: s.full_name,
            class_name: s.class_name.unwrap_or_default(),
            note: s.note,
        }
    }
}

/// The school's policies by name, each with its rates and the students holding
/// it (their class in school year `year`).
pub async fn list_policies(
    db: &Db,
    school_id: SchoolId,
    year: i64,
) -> Result<Vec<PolicyRow>, AppError> {
    let policies: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM exemption_policy WHERE school_id = $1 ORDER BY name")
            .bind(school_id)
            .fetch_all(db)
            .await?;
    let mut out = Vec::new();
    for (id, name) in policies {
        let rates: Vec<(i64, i64)> =
            sqlx::query_as("SELECT fee_item_id, percent FROM exemption_rate WHERE policy_id = $1")
                .bind(id)
                .fetch_all(db)
                .await?;
        let students: Vec<ExemptedStored> = sqlx::query_as(
            "SELECT s.code AS code, s.full_name AS full_name, (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
                WHERE e.student_id = s.id AND e.school_year_id = $2) AS class_name, se.note AS note \
             FROM student_exemption se JOIN student s ON s.id = se.student_id WHERE se.policy_id = $1 ORDER BY s.full_name",
        )
        .bind(id)
        .bind(year)
        .fetch_all(db)
        .await?;
        out.push(PolicyRow {
            id,
            name,
            rates: rates
                .into_iter()
                .map(|(fee_item, percent)| (fee_item, percent as u8))
                .collect(),
            students: students.into_iter().map(ExemptedStudent::from).collect(),
        });
    }
    Ok(out)
}

/// Creates the policy of this name if new, and sets its rates (replacing the
/// ones it had); returns its id.
pub async fn save_policy(
    tx: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    name: &str,
    rates: &[(i64, u8)],
) -> Result<i64, AppError> {
    sqlx::query("INSERT INTO exemption_policy (school_id, name) VALUES ($1, $2) ON CONFLICT (school_id, name) DO NOTHING")
        .bind(school_id)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    let policy_id: i64 =
        sqlx::query_scalar("SELECT id FROM exemption_policy WHERE school_id = $1 AND name = $2")
            .bind(school_id)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("DELETE FROM exemption_rate WHERE policy_id = $1")
        .bind(policy_id)
        .execute(&mut *tx)
        .await?;
    for (fee_item_id, percent) in rates {
        sqlx::query(
            "INSERT INTO exemption_rate (policy_id, fee_item_id, percent) VALUES ($1, $2, $3)",
        )
        .bind(policy_id)
        .bind(fee_item_id)
        .bind(i64::from(*percent))
        .execute(&mut *tx)
        .await?;
    }
    Ok(policy_id)
}

/// Not found unless the policy is one of this school's.
pub async fn check_policy(db: &Db, school_id: SchoolId, policy_id: i64) -> Result<(), AppError> {
    let policy: Option<i64> =
        sqlx::query_scalar("SELECT id FROM exemption_policy WHERE id = $1 AND school_id = $2")
            .bind(policy_id)
            .bind(school_id)
            .fetch_optional(db)
            .await?;
    // None chosen, or not this school's: ask for one (not "fee not found").
    policy
        .map(|_| ())
        .ok_or(AppError::InvalidInput(crate::error::Field::Policy))
}

/// Grants the student the policy with its grounds (a second grant replaces the grounds).
pub async fn grant(
    tx: &mut sqlx::AnyConnection,
    student_id: StudentId,
    policy_id: i64,
    note: &str,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO student_exemption (student_id, policy_id, note, granted_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (student_id, policy_id) DO UPDATE SET note = excluded.note",
    )
    .bind(student_id)
    .bind(policy_id)
    .bind(note)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Ends the student's exemption under this school's policy; returns what it was
/// (the policy's name and the grounds), or None when there was none (already
/// ended: nothing done).
pub async fn revoke(
    tx: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    student_id: StudentId,
    policy_id: i64,
) -> Result<Option<(String, String)>, AppError> {
    let before: Option<(String, String)> = sqlx::query_as(
        "SELECT p.name, se.note FROM student_exemption se JOIN exemption_policy p ON p.id = se.policy_id \
         WHERE se.student_id = $1 AND se.policy_id = $2 AND p.school_id = $3",
    )
    .bind(student_id)
    .bind(policy_id)
    .bind(school_id)
    .fetch_optional(&mut *tx)
    .await?;
    if before.is_some() {
        sqlx::query("DELETE FROM student_exemption WHERE student_id = $1 AND policy_id = $2")
            .bind(student_id)
            .bind(policy_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(before)
}
