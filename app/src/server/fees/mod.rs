//! The fee area's persistence: the school's fee catalogue (listing and saving
//! fee items), with its parts in submodules: the exemption policies
//! ([`exemptions`]), the credits owed back to families ([`credits`]) and the
//! monthly invoice run ([`run`]). The server functions of `api::fees` and the
//! REST handlers of `/api/v1/fee-items` and `/api/v1/invoice-runs` are thin
//! layers over it.

pub mod credits;
pub mod exemptions;
pub mod run;

pub use run::fresh_code;

use crate::domain::billing::Unit;
use crate::domain::ids::{SchoolId, StudentId};
use crate::domain::money::Vnd;
use crate::domain::validate::{self, FeeScope};
use crate::error::{AppError, Field};
use crate::server::audit::Entry;
use crate::server::state::Db;
use crate::staff::{FeeInput, FeeItemRow};

/// A `fee_item` row as stored (flags and unit as text and 0/1).
#[derive(sqlx::FromRow)]
struct FeeItemStored {
    id: i64,
    name: String,
    amount: Vnd,
    unit: String,
    mandatory: i64,
    grades: String,
    active: i64,
}

impl FeeItemStored {
    /// The catalogue row; None for a unit this version does not know.
    fn into_row(self) -> Option<FeeItemRow> {
        Some(FeeItemRow {
            id: self.id,
            name: self.name,
            amount: self.amount,
            unit: Unit::parse(&self.unit)?,
            mandatory: self.mandatory == 1,
            scope: FeeScope::parse(&self.grades).unwrap_or_default(),
            active: self.active == 1,
        })
    }
}

/// The school's fee items, in the order they were made.
pub async fn list_fees(db: &Db, school_id: SchoolId) -> Result<Vec<FeeItemRow>, AppError> {
    let rows: Vec<FeeItemStored> = sqlx::query_as(
        "SELECT id, name, amount, unit, mandatory, grades, active FROM fee_item WHERE school_id = $1 ORDER BY id",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(FeeItemStored::into_row)
        .collect())
}

/// A student of this school by their code, as staff type it.
pub async fn student_by_code(
    db: &Db,
    school_id: SchoolId,
    code: &str,
) -> Result<StudentId, AppError> {
    let id: Option<StudentId> =
        sqlx::query_scalar("SELECT id FROM student WHERE school_id = $1 AND code = $2")
            .bind(school_id)
            .bind(crate::domain::student_import::normalize_code(code))
            .fetch_optional(db)
            .await?;
    id.ok_or(AppError::InvalidInput(Field::UnknownStudent))
}

/// What a fee item was before a change: for the change log ("50.000 đ →
/// 60.000 đ") and the grades and classes it already named.
#[derive(sqlx::FromRow)]
struct FeeBefore {
    name: String,
    amount: Vnd,
    unit: String,
    active: i64,
    grades: String,
}

/// A fee's name as a person would compare two: case and spacing aside
/// ("Nước uống" and "nước  uống" are one fee).
fn normalise_name(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Validates and writes a fee item (new when `id` is None) in the caller's
/// transaction; returns its id and the audit entry to record.
pub async fn save_fee(
    tx: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    fee: &FeeInput,
) -> Result<(i64, Entry<'static>), AppError> {
    let FeeInput {
        id,
        ref name,
        amount,
        unit,
        mandatory,
        ref grades,
        active,
    } = *fee;
    let name = validate::text(name, 120).ok_or(AppError::InvalidInput(Field::FeeName))?;
    if !(0..=100_000_000).contains(&amount.dong()) {
        return Err(AppError::InvalidInput(Field::Amount));
    }
    let scope = FeeScope::parse(grades).ok_or(AppError::InvalidInput(Field::Grades))?;
    // Each grade and class newly named must be one the school has (this year
    // or before): a typo would bill no one and say nothing. What the fee
    // already named stays allowed (a class since removed must not stop the
    // fee being edited or retired), and a school with no class yet may set
    // fees by grade before its first import.
    let known: Vec<(String, i64)> =
        sqlx::query_as("SELECT DISTINCT name, grade FROM class WHERE school_id = $1")
            .bind(school_id)
            .fetch_all(&mut *tx)
            .await?;
    let before: Option<FeeBefore> = match id {
        Some(id) => sqlx::query_as(
            "SELECT name, amount, unit, active, grades FROM fee_item WHERE id = $1 AND school_id = $2",
        )
        .bind(id)
        .bind(school_id)
        .fetch_optional(&mut *tx)
        .await?,
        None => None,
    };
    // Another school's fee (or none) is not found, before anything is said
    // about what was sent: its name or scope must not be checked against ours.
    if id.is_some() && before.is_none() {
        return Err(AppError::NotFound);
    }
    let stored = before
        .as_ref()
        .and_then(|b| FeeScope::parse(&b.grades))
        .unwrap_or_default();
    let has_grade = |g: &i64| {
        known.is_empty() || stored.grades.contains(g) || known.iter().any(|(_, grade)| grade == g)
    };
    // Exactly as the class is named: the invoice run matches names exactly.
    let has_class =
        |c: &String| stored.classes.contains(c) || known.iter().any(|(name, _)| name == c);
    if !scope.grades.iter().all(has_grade) || !scope.classes.iter().all(has_class) {
        return Err(AppError::InvalidInput(Field::NoSuchClassOrGrade));
    }
    // The same fee twice for one child is a double charge on one invoice
    // (two "Nước uống" lines): refused while both would be billed. Checked
    // when the name, the students or the billing changes, so that two such
    // fees saved before this rule can still have their amounts corrected.
    let unchanged = before.as_ref().is_some_and(|b| {
        normalise_name(&b.name) == normalise_name(&name)
            && FeeScope::parse(&b.grades).is_some_and(|g| g.text() == scope.text())
            && (b.active == 1) == active
    });
    if active && !unchanged {
        let others: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, name, grades FROM fee_item WHERE school_id = $1 AND active = 1",
        )
        .bind(school_id)
        .fetch_all(&mut *tx)
        .await?;
        let grade_of = |class: &str| {
            known
                .iter()
                .find(|(name, _)| name == class)
                .map(|(_, g)| *g)
        };
        let same_name = |other: &str| normalise_name(other) == normalise_name(&name);
        let taken = others.iter().any(|(other_id, other_name, other_grades)| {
            Some(*other_id) != id
                && same_name(other_name)
                && FeeScope::parse(other_grades).is_some_and(|o| scope.overlaps(&o, grade_of))
        });
        if taken {
            return Err(AppError::InvalidInput(Field::FeeNameTaken));
        }
    }
    let grades_text = scope.text();
    let saved: Option<i64> = match id {
        Some(id) => sqlx::query_scalar(
            "UPDATE fee_item SET name = $1, amount = $2, unit = $3, mandatory = $4, grades = $5, active = $6 \
             WHERE id = $7 AND school_id = $8 RETURNING id",
        )
        .bind(&name)
        .bind(amount)
        .bind(unit.as_str())
        .bind(mandatory as i64)
        .bind(&grades_text)
        .bind(active as i64)
        .bind(id)
        .bind(school_id)
        .fetch_optional(&mut *tx)
        .await?,
        None => Some(
            sqlx::query_scalar(
                "INSERT INTO fee_item (school_id, name, amount, unit, mandatory, grades, active) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(school_id)
            .bind(&name)
            .bind(amount)
            .bind(unit.as_str())
            .bind(mandatory as i64)
            .bind(&grades_text)
            .bind(active as i64)
            .fetch_one(&mut *tx)
            .await?,
        ),
    };
    let fee_id = saved.ok_or(AppError::NotFound)?;
    let entry = Entry::at_school(
        school_id,
        if id.is_some() { "update" } else { "create" },
        "fee_item",
        fee_id,
    )
    .after(serde_json::json!({"name": name, "amount": amount, "unit": unit.as_str(), "mandatory": mandatory,
        "grades": grades_text, "active": active}));
    let entry = match before {
        Some(b) => entry.before(
            serde_json::json!({"name": b.name, "amount": b.amount, "unit": b.unit, "active": b.active == 1}),
        ),
        None => entry,
    };
    Ok((fee_id, entry))
}
