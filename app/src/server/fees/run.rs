//! The monthly invoice run: what each student of a class, a grade or the school
//! owes for a month ([`plan`]), then written once ([`write`] / [`commit`]).
//! Credits a run takes off are spent through the ledger.

use super::list_fees;
use crate::domain::billing::{self, Credit, Fee, Reduction};
use crate::domain::date::{Date, Month};
use crate::domain::ids::{InvoiceId, SchoolId, StudentId};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::{AppError, Field};
use crate::server::state::AppState;
use crate::staff::{FeeItemRow, RunPreview, RunScope};

/// Monday to Friday in the month: the days a child eats at school.
pub fn school_days(month: Month) -> i64 {
    let first = month.first_day();
    (first.to_days()..=first.last_of_month().to_days())
        .filter(|&d| Date::from_days(d).weekday() < 5)
        .count() as i64
}

/// A student the run covers, with their class this year and how many
/// invoices (not voided) they already have for the period.
#[derive(sqlx::FromRow)]
struct RunStudent {
    student_id: StudentId,
    student_name: String,
    class_id: i64,
    class_name: String,
    grade: i64,
    invoiced: i64,
}

/// An exemption's percentage off one fee item, by policy.
#[derive(sqlx::FromRow)]
struct ReductionRow {
    fee_item_id: i64,
    percent: i64,
    policy: String,
}

/// A credit with something left to take off.
#[derive(sqlx::FromRow)]
struct OpenCredit {
    id: i64,
    remaining: Vnd,
    reason: String,
}

struct Planned {
    student_id: StudentId,
    student_name: String,
    class_id: i64,
    class_name: String,
    computed: billing::Computed,
}

/// A planned run: its preview, and the invoices to write.
pub struct Run {
    pub preview: RunPreview,
    /// The scope as the school names it (a class typed "3a" is 3A).
    pub scope: RunScope,
    planned: Vec<Planned>,
}

/// The class a run names, as the school named it ("3a" is 3A, "mầm 1" is
/// Mầm 1), after checking that the class or grade exists this year: a typo
/// would otherwise preview "0 students, 0 đ" and leave the accountant
/// guessing why. Names are compared here, not in SQL, whose upper() folds
/// only ASCII on SQLite.
async fn scope_class(
    db: &crate::server::state::Db,
    school_id: SchoolId,
    year: i64,
    grade: Option<i64>,
    class: Option<String>,
) -> Result<Option<String>, AppError> {
    if grade.is_none() && class.is_none() {
        return Ok(None);
    }
    let classes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT name, grade FROM class WHERE school_id = $1 AND school_year_id = $2 ORDER BY name",
    )
    .bind(school_id)
    .bind(year)
    .fetch_all(db)
    .await?;
    let typed = class.as_deref().map(str::to_lowercase);
    let found = classes.into_iter().find(|(name, g)| {
        grade.is_none_or(|wanted| wanted == *g)
            && typed.as_ref().is_none_or(|t| name.to_lowercase() == *t)
    });
    match found {
        None => Err(AppError::InvalidInput(Field::NoSuchClassOrGrade)),
        Some((name, _)) => Ok(class.map(|_| name)),
    }
}

/// The invoices a run would create (students already invoiced for the period are left alone).
pub async fn plan(
    state: &AppState,
    school_id: SchoolId,
    month: Month,
    scope: &RunScope,
) -> Result<Run, AppError> {
    let db = &state.db;
    let year = crate::server::students::current_year(state, school_id).await?;
    let (grade, class): (Option<i64>, Option<String>) = match scope {
        RunScope::School => (None, None),
        RunScope::Grade(g) => (Some(*g), None),
        RunScope::Class(c) => (None, Some(c.trim().to_string())),
    };
    let class = scope_class(db, school_id, year, grade, class).await?;
    let scope = match &class {
        Some(name) => RunScope::Class(name.clone()),
        None => scope.clone(),
    };
    let mut students: Vec<RunStudent> = sqlx::query_as(
        "SELECT s.id AS student_id, s.full_name AS student_name, c.id AS class_id, c.name AS class_name, \
            c.grade AS grade, \
            (SELECT COUNT(*) FROM invoice i WHERE i.student_id = s.id AND i.period = $3 AND i.voided_at IS NULL) \
                AS invoiced \
         FROM student s JOIN enrolment e ON e.student_id = s.id AND e.school_year_id = $2 \
         JOIN class c ON c.id = e.class_id \
         WHERE s.school_id = $1 AND s.left_on IS NULL AND ($4 IS NULL OR c.grade = $4) AND ($5 IS NULL OR c.name = $5) \
         ORDER BY c.name, s.full_name",
    )
    .bind(school_id)
    .bind(year)
    .bind(month.to_string())
    .bind(grade)
    .bind(class)
    .fetch_all(db)
    .await?;
    // Class by class in grade order, each in the register's (Vietnamese) order.
    students.sort_by(|a, b| {
        crate::domain::collate::class_cmp(&a.class_name, &b.class_name)
            .then_with(|| crate::domain::collate::name_cmp(&a.student_name, &b.student_name))
    });
    let items: Vec<FeeItemRow> = list_fees(db, school_id)
        .await?
        .into_iter()
        .filter(|f| f.active)
        .collect();
    let days = school_days(month);
    let mut planned = Vec::new();
    let mut already = 0;
    for s in &students {
        if s.invoiced > 0 {
            already += 1;
            continue;
        }
        let billed_once: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT l.fee_item_id FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id \
             WHERE i.student_id = $1 AND i.voided_at IS NULL AND l.fee_item_id IS NOT NULL",
        )
        .bind(s.student_id)
        .fetch_all(db)
        .await?;
        let fees: Vec<Fee> = items
            .iter()
            .filter(|f| f.scope.covers(s.grade, &s.class_name))
            .filter(|f| f.unit.billed_in(month, billed_once.contains(&f.id)))
            .map(|f| Fee {
                fee_item_id: f.id,
                name: f.name.clone(),
                amount: f.amount,
                unit: f.unit,
            })
            .collect();
        if fees.is_empty() {
            continue;
        }
        let reductions: Vec<ReductionRow> = sqlx::query_as(
            "SELECT r.fee_item_id AS fee_item_id, r.percent AS percent, p.name AS policy FROM student_exemption se \
             JOIN exemption_policy p ON p.id = se.policy_id JOIN exemption_rate r ON r.policy_id = p.id \
             WHERE se.student_id = $1",
        )
        .bind(s.student_id)
        .fetch_all(db)
        .await?;
        let credits: Vec<OpenCredit> = sqlx::query_as(
            "SELECT id, remaining, reason FROM credit WHERE student_id = $1 AND remaining > 0 ORDER BY id",
        )
        .bind(s.student_id)
        .fetch_all(db)
        .await?;
        let computed = billing::compute(
            &fees,
            days,
            &reductions
                .into_iter()
                .map(|r| Reduction {
                    fee_item_id: r.fee_item_id,
                    percent: r.percent as u8,
                    policy: r.policy,
                })
                .collect::<Vec<_>>(),
            &credits
                .into_iter()
                .map(|c| Credit {
                    id: c.id,
                    amount: c.remaining,
                    reason: c.reason,
                })
                .collect::<Vec<_>>(),
            month,
        );
        planned.push(Planned {
            student_id: s.student_id,
            student_name: s.student_name.clone(),
            class_id: s.class_id,
            class_name: s.class_name.clone(),
            computed,
        });
    }
    Ok(Run {
        scope,
        preview: RunPreview {
            students: students.len(),
            new_invoices: planned.len(),
            already_invoiced: already,
            total: planned.iter().map(|p| p.computed.total).sum(),
            due_passed: false,
            rows: planned
                .iter()
                .map(|p| {
                    (
                        p.student_name.clone(),
                        p.class_name.clone(),
                        p.computed.total,
                    )
                })
                .collect(),
        },
        planned,
    })
}

/// A fresh random code that no invoice and no payment group has (one namespace,
/// so a code in a bank memo names exactly one thing).
pub async fn fresh_code(conn: &mut sqlx::AnyConnection) -> Result<InvoiceCode, AppError> {
    loop {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|_| AppError::Internal)?;
        let code = InvoiceCode::from_number(u64::from_le_bytes(bytes));
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM invoice WHERE code = $1 UNION ALL SELECT 1 FROM payment_group WHERE code = $1",
        )
        .bind(code.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        if taken.is_none() {
            return Ok(code);
        }
    }
}

/// Writes the run in the caller's transaction (the REST API keeps its
/// idempotency record in the same one).
pub async fn write(
    tx: &mut sqlx::AnyConnection,
    now: UnixTime,
    school_id: SchoolId,
    month: Month,
    due_on: Date,
    run: Run,
) -> Result<usize, AppError> {
    for p in &run.planned {
        // Codes are random; on the rare collision with an existing code, draw again.
        // A clash is skipped, not raised: PostgreSQL would abort the whole
        // transaction at a failed statement.
        let invoice_id = loop {
            let inserted: Option<InvoiceId> = sqlx::query_scalar(
                "INSERT INTO invoice (code, school_id, student_id, class_id, period, title, total, due_on, issued_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(fresh_code(&mut *tx).await?.as_str())
            .bind(school_id)
            .bind(p.student_id)
            .bind(p.class_id)
            .bind(month.to_string())
            .bind(format!("Các khoản thu tháng {}", month.label()))
            .bind(p.computed.total.dong())
            .bind(due_on.to_string())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            match inserted {
                Some(id) => break id,
                None => {
                    let taken: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM invoice WHERE student_id = $1 AND period = $2 AND voided_at IS NULL",
                    )
                    .bind(p.student_id)
                    .bind(month.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
                    // Another run invoiced this student meanwhile: nothing to do.
                    if taken.is_some() {
                        return Err(AppError::Internal);
                    }
                }
            }
        };
        for (position, line) in p.computed.lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO invoice_line (invoice_id, position, fee_item_id, description, quantity, unit_amount, amount, kind) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(invoice_id)
            .bind(position as i64)
            .bind(line.fee_item_id)
            .bind(&line.description)
            .bind(line.quantity)
            .bind(line.unit_amount.dong())
            .bind(line.amount.dong())
            .bind(line.kind.as_str())
            .execute(&mut *tx)
            .await?;
        }
        for (credit_id, used) in &p.computed.credits_used {
            crate::server::ledger::credit::spend(tx, *credit_id, invoice_id, *used).await?;
        }
    }
    Ok(run.planned.len())
}
