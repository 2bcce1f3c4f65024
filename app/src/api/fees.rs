//! The fee catalogue, exemption policies, and invoice runs: what each student of
//! a class, a grade or the school owes for a month, previewed, then issued once.

use crate::error::AppError;
use crate::staff::{CreditRow, FeeInput, FeeItemRow, PolicyRow, RunPreview, RunScope};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
pub mod imp {
    use crate::domain::billing::{self, Credit, Fee, Reduction, Unit};
    use crate::domain::date::{Date, Month};
    use crate::domain::invoice_code::InvoiceCode;
    use crate::domain::money::Vnd;
    use crate::error::AppError;
    use crate::server::state::{AppState, Db};
    use crate::staff::{FeeItemRow, RunPreview, RunScope};

    pub async fn fee_items(db: &Db, school_id: i64) -> Result<Vec<FeeItemRow>, AppError> {
        let rows: Vec<(i64, String, i64, String, i64, String, i64)> = sqlx::query_as(
            "SELECT id, name, amount, unit, mandatory, grades, active FROM fee_item WHERE school_id = $1 ORDER BY id",
        )
        .bind(school_id)
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, name, amount, unit, mandatory, grades, active)| {
                Some(FeeItemRow {
                    id,
                    name,
                    amount: Vnd::new(amount),
                    unit: Unit::parse(&unit)?,
                    mandatory: mandatory == 1,
                    scope: crate::domain::validate::FeeScope::parse(&grades).unwrap_or_default(),
                    active: active == 1,
                })
            })
            .collect())
    }

    /// A student of this school by their code, as staff type it.
    pub async fn student_by_code(db: &Db, school_id: i64, code: &str) -> Result<i64, AppError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM student WHERE school_id = $1 AND code = $2")
                .bind(school_id)
                .bind(crate::domain::student_import::normalize_code(code))
                .fetch_optional(db)
                .await?;
        row.map(|(id,)| id)
            .ok_or(AppError::InvalidInput(crate::error::Field::UnknownStudent))
    }

    /// Monday to Friday in the month: the days a child eats at school.
    pub fn school_days(month: Month) -> i64 {
        let first = month.first_day();
        (first.to_days()..=first.last_of_month().to_days())
            .filter(|&d| Date::from_days(d).weekday() < 5)
            .count() as i64
    }

    /// Validates and writes a fee item (new when `id` is None) in the caller's
    /// transaction; returns its id and the audit entry to record.
    pub async fn save(
        tx: &mut sqlx::AnyConnection,
        school_id: i64,
        fee: crate::staff::FeeInput,
    ) -> Result<(i64, crate::server::audit::Entry<'static>), AppError> {
        use crate::domain::validate;
        use crate::error::Field;
        let crate::staff::FeeInput {
            id,
            name,
            amount,
            unit,
            mandatory,
            grades,
            active,
        } = fee;
        let name = validate::text(&name, 120).ok_or(AppError::InvalidInput(Field::FeeName))?;
        if !(0..=100_000_000).contains(&amount) {
            return Err(AppError::InvalidInput(Field::Amount));
        }
        let scope =
            validate::FeeScope::parse(&grades).ok_or(AppError::InvalidInput(Field::Grades))?;
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
        // What the fee was: for the change log ("50.000 đ → 60.000 đ") and the
        // grades and classes it already named.
        let was: Option<(String, i64, String, i64, String)> = match id {
            Some(id) => sqlx::query_as(
                "SELECT name, amount, unit, active, grades FROM fee_item WHERE id = $1 AND school_id = $2",
            )
            .bind(id)
            .bind(school_id)
            .fetch_optional(&mut *tx)
            .await?,
            None => None,
        };
        let stored = was
            .as_ref()
            .and_then(|w| validate::FeeScope::parse(&w.4))
            .unwrap_or_default();
        let before = was.map(|(name, amount, unit, active, _)| (name, amount, unit, active));
        let has_grade = |g: &i64| {
            known.is_empty()
                || stored.grades.contains(g)
                || known.iter().any(|(_, grade)| grade == g)
        };
        // Exactly as the class is named: the invoice run matches names exactly.
        let has_class =
            |c: &String| stored.classes.contains(c) || known.iter().any(|(name, _)| name == c);
        if !scope.grades.iter().all(has_grade) || !scope.classes.iter().all(has_class) {
            return Err(AppError::InvalidInput(Field::NoSuchClassOrGrade));
        }
        let grades_text = scope.text();
        let saved: Option<(i64,)> = match id {
            Some(id) => sqlx::query_as(
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
                sqlx::query_as(
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
        let (fee_id,) = saved.ok_or(AppError::NotFound)?;
        let entry = crate::server::audit::Entry::at_school(
            school_id,
            if id.is_some() { "update" } else { "create" },
            "fee_item",
            fee_id,
        )
        .after(serde_json::json!({"name": name, "amount": amount, "unit": unit.as_str(), "mandatory": mandatory,
            "grades": grades_text, "active": active}));
        let entry = match before {
            Some((name, amount, unit, active)) => entry.before(
                serde_json::json!({"name": name, "amount": amount, "unit": unit, "active": active == 1}),
            ),
            None => entry,
        };
        Ok((fee_id, entry))
    }

    struct Planned {
        student_id: i64,
        student_name: String,
        class_id: i64,
        class_name: String,
        computed: billing::Computed,
    }

    pub struct Run {
        pub preview: RunPreview,
        planned: Vec<Planned>,
    }

    /// The invoices a run would create (students already invoiced for the period are left alone).
    pub async fn plan(
        state: &AppState,
        school_id: i64,
        month: Month,
        scope: &RunScope,
    ) -> Result<Run, AppError> {
        let db = &state.db;
        let year = crate::api::students::current_year_id(state, school_id).await?;
        let (grade, class): (Option<i64>, Option<String>) = match scope {
            RunScope::School => (None, None),
            RunScope::Grade(g) => (Some(*g), None),
            RunScope::Class(c) => (None, Some(c.trim().to_string())),
        };
        let students: Vec<(i64, String, i64, String, i64, i64)> = sqlx::query_as(
            "SELECT s.id, s.full_name, c.id, c.name, c.grade, \
                (SELECT COUNT(*) FROM invoice i WHERE i.student_id = s.id AND i.period = $3 AND i.voided_at IS NULL) \
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
        let mut students = students;
        students.sort_by(|a, b| {
            crate::domain::collate::class_cmp(&a.3, &b.3)
                .then_with(|| crate::domain::collate::name_cmp(&a.1, &b.1))
        });
        let items: Vec<FeeItemRow> = fee_items(db, school_id)
            .await?
            .into_iter()
            .filter(|f| f.active)
            .collect();
        let days = school_days(month);
        let mut planned = Vec::new();
        let mut already = 0;
        for (student_id, student_name, class_id, class_name, grade, existing) in &students {
            if *existing > 0 {
                already += 1;
                continue;
            }
            let billed_once: Vec<(i64,)> = sqlx::query_as(
                "SELECT DISTINCT l.fee_item_id FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id \
                 WHERE i.student_id = $1 AND i.voided_at IS NULL AND l.fee_item_id IS NOT NULL",
            )
            .bind(student_id)
            .fetch_all(db)
            .await?;
            let fees: Vec<Fee> = items
                .iter()
                .filter(|f| f.scope.covers(*grade, class_name))
                .filter(|f| {
                    f.unit
                        .billed_in(month, billed_once.iter().any(|(id,)| *id == f.id))
                })
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
            let reductions: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT r.fee_item_id, r.percent, p.name FROM student_exemption se \
                 JOIN exemption_policy p ON p.id = se.policy_id JOIN exemption_rate r ON r.policy_id = p.id \
                 WHERE se.student_id = $1",
            )
            .bind(student_id)
            .fetch_all(db)
            .await?;
            let credits: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT id, remaining, reason FROM credit WHERE student_id = $1 AND remaining > 0 ORDER BY id",
            )
            .bind(student_id)
            .fetch_all(db)
            .await?;
            let computed = billing::compute(
                &fees,
                days,
                &reductions
                    .into_iter()
                    .map(|(fee_item_id, percent, policy)| Reduction {
                        fee_item_id,
                        percent: percent as u8,
                        policy,
                    })
                    .collect::<Vec<_>>(),
                &credits
                    .into_iter()
                    .map(|(id, remaining, reason)| Credit {
                        id,
                        amount: Vnd::new(remaining),
                        reason,
                    })
                    .collect::<Vec<_>>(),
                month,
            );
            planned.push(Planned {
                student_id: *student_id,
                student_name: student_name.clone(),
                class_id: *class_id,
                class_name: class_name.clone(),
                computed,
            });
        }
        Ok(Run {
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
            let taken: Option<(i64,)> = sqlx::query_as(
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

    /// Writes the run in one transaction; returns how many invoices it created.
    pub async fn commit(
        state: &AppState,
        school_id: i64,
        month: Month,
        due_on: Date,
        run: Run,
    ) -> Result<usize, AppError> {
        let mut tx = crate::server::database::begin_write(&state.db).await?;
        let created = write(&mut tx, state.clock.now(), school_id, month, due_on, run).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Writes the run in the caller's transaction (the REST API keeps its
    /// idempotency record in the same one).
    pub async fn write(
        tx: &mut sqlx::AnyConnection,
        now: i64,
        school_id: i64,
        month: Month,
        due_on: Date,
        run: Run,
    ) -> Result<usize, AppError> {
        for p in &run.planned {
            // Codes are random; on the rare collision with an existing code, draw again.
            // A clash is skipped, not raised: PostgreSQL would abort the whole
            // transaction at a failed statement.
            let invoice_id = loop {
                let inserted: Option<(i64,)> = sqlx::query_as(
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
                    Some((id,)) => break id,
                    None => {
                        let taken: Option<(i64,)> = sqlx::query_as(
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
}

#[server(prefix = "/rpc", endpoint = "fees/list", input = Json)]
pub async fn list_fees(school_id: i64) -> Result<Vec<FeeItemRow>, AppError> {
    let (state, _) = crate::server::auth::school_reader(school_id).await?;
    imp::fee_items(&state.db, school_id).await
}

/// Adds a fee item (`id` None) or changes one. Amounts apply to invoices issued
/// from now on; issued invoices never change.
#[server(prefix = "/rpc", endpoint = "fees/save", input = Json)]
pub async fn save_fee(school_id: i64, fee: FeeInput) -> Result<i64, AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (fee_id, entry) = imp::save(&mut tx, school_id, fee).await?;
    crate::server::audit::by_staff(&mut tx, &state, &staff, entry).await?;
    tx.commit().await?;
    Ok(fee_id)
}

#[server(prefix = "/rpc", endpoint = "exemptions/list", input = Json)]
pub async fn list_policies(school_id: i64) -> Result<Vec<PolicyRow>, AppError> {
    use crate::staff::ExemptedStudent;
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let policies: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM exemption_policy WHERE school_id = $1 ORDER BY name")
            .bind(school_id)
            .fetch_all(&state.db)
            .await?;
    let year = crate::api::students::current_year_id(&state, school_id).await?;
    let mut out = Vec::new();
    for (id, name) in policies {
        let rates: Vec<(i64, i64)> =
            sqlx::query_as("SELECT fee_item_id, percent FROM exemption_rate WHERE policy_id = $1")
                .bind(id)
                .fetch_all(&state.db)
                .await?;
        let students: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT s.code, s.full_name, (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
                WHERE e.student_id = s.id AND e.school_year_id = $2), se.note \
             FROM student_exemption se JOIN student s ON s.id = se.student_id WHERE se.policy_id = $1 ORDER BY s.full_name",
        )
        .bind(id)
        .bind(year)
        .fetch_all(&state.db)
        .await?;
        out.push(PolicyRow {
            id,
            name,
            rates: rates.into_iter().map(|(f, p)| (f, p as u8)).collect(),
            students: students
                .into_iter()
                .map(|(code, full_name, class_name, note)| ExemptedStudent {
                    code,
                    full_name,
                    class_name: class_name.unwrap_or_default(),
                    note,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// Creates an exemption policy with its percentages per fee item (or replaces the
/// percentages of an existing one, by name).
#[server(prefix = "/rpc", endpoint = "exemptions/save", input = Json)]
pub async fn save_policy(
    school_id: i64,
    name: String,
    rates: Vec<(i64, u8)>,
) -> Result<i64, AppError> {
    use crate::domain::validate;
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let name = validate::text(&name, 120).ok_or(AppError::InvalidInput(Field::PolicyName))?;
    if rates.iter().any(|(_, p)| *p > 100) {
        return Err(AppError::InvalidInput(Field::Percent));
    }
    let fees = imp::fee_items(&state.db, school_id).await?;
    if rates.iter().any(|(f, _)| !fees.iter().any(|x| x.id == *f)) {
        return Err(AppError::NotFound);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query("INSERT INTO exemption_policy (school_id, name) VALUES ($1, $2) ON CONFLICT (school_id, name) DO NOTHING")
        .bind(school_id)
        .bind(&name)
        .execute(&mut *tx)
        .await?;
    let (policy_id,): (i64,) =
        sqlx::query_as("SELECT id FROM exemption_policy WHERE school_id = $1 AND name = $2")
            .bind(school_id)
            .bind(&name)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("DELETE FROM exemption_rate WHERE policy_id = $1")
        .bind(policy_id)
        .execute(&mut *tx)
        .await?;
    for (fee_item_id, percent) in &rates {
        sqlx::query(
            "INSERT INTO exemption_rate (policy_id, fee_item_id, percent) VALUES ($1, $2, $3)",
        )
        .bind(policy_id)
        .bind(fee_item_id)
        .bind(i64::from(*percent))
        .execute(&mut *tx)
        .await?;
    }
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "save", "exemption_policy", policy_id)
            .after(serde_json::json!({"name": name, "rates": rates})),
    )
    .await?;
    tx.commit().await?;
    Ok(policy_id)
}

/// Grants a student an exemption, with its grounds.
#[server(prefix = "/rpc", endpoint = "exemptions/grant", input = Json)]
pub async fn grant_exemption(
    school_id: i64,
    policy_id: i64,
    student_code: String,
    note: String,
) -> Result<(), AppError> {
    use crate::domain::validate;
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let note = validate::text(&note, 300).ok_or(AppError::InvalidInput(Field::Grounds))?;
    let student_id = imp::student_by_code(&state.db, school_id, &student_code).await?;
    let policy: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM exemption_policy WHERE id = $1 AND school_id = $2")
            .bind(policy_id)
            .bind(school_id)
            .fetch_optional(&state.db)
            .await?;
    policy.ok_or(AppError::NotFound)?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO student_exemption (student_id, policy_id, note, granted_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (student_id, policy_id) DO UPDATE SET note = excluded.note",
    )
    .bind(student_id)
    .bind(policy_id)
    .bind(&note)
    .bind(state.clock.now())
    .execute(&mut *tx)
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "grant", "student_exemption", student_id)
            .after(serde_json::json!({"policy_id": policy_id, "note": note})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn parse_run(
    period: &str,
    due_on: &str,
) -> Result<(crate::domain::date::Month, crate::domain::date::Date), AppError> {
    use crate::domain::date::{Date, Month};
    use crate::error::Field;
    let month = Month::parse_typed(period).map_err(|_| AppError::InvalidInput(Field::Period))?;
    let due = Date::parse_dmy(due_on).map_err(|_| AppError::InvalidInput(Field::DueDate))?;
    Ok((month, due))
}

/// What issuing a month's invoices for this scope would do, before anything is written.
#[server(prefix = "/rpc", endpoint = "invoice-runs/preview", input = Json)]
pub async fn preview_invoice_run(
    school_id: i64,
    period: String,
    due_on: String,
    scope: RunScope,
) -> Result<RunPreview, AppError> {
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let (month, due) = parse_run(&period, &due_on)?;
    let mut preview = imp::plan(&state, school_id, month, &scope).await?.preview;
    preview.due_passed = due < state.clock.today();
    Ok(preview)
}

/// Issues the month's invoices for this scope, in one transaction. Running the
/// same period again creates nothing new.
#[server(prefix = "/rpc", endpoint = "invoice-runs/commit", input = Json)]
pub async fn commit_invoice_run(
    school_id: i64,
    period: String,
    due_on: String,
    scope: RunScope,
) -> Result<RunPreview, AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let (month, due) = parse_run(&period, &due_on)?;
    let run = imp::plan(&state, school_id, month, &scope).await?;
    let preview = run.preview.clone();
    imp::commit(&state, school_id, month, due, run).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "issue", "invoice_run", month)
            .after(serde_json::json!({"scope": scope, "invoices": preview.new_invoices, "total": preview.total})),
    )
    .await?;
    tx.commit().await?;
    Ok(preview)
}

/// Money owed back to a family (meal days absent, an overpayment): taken off the
/// next invoices issued for the child.
#[server(prefix = "/rpc", endpoint = "credits/add", input = Json)]
pub async fn add_credit(
    school_id: i64,
    student_code: String,
    amount: i64,
    reason: String,
) -> Result<(), AppError> {
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    if !(1..=100_000_000).contains(&amount) {
        return Err(AppError::InvalidInput(Field::PositiveAmount));
    }
    let reason =
        crate::domain::validate::text(&reason, 200).ok_or(AppError::InvalidInput(Field::Reason))?;
    let student_id = imp::student_by_code(&state.db, school_id, &student_code).await?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::ledger::credit::keep(
        &mut tx,
        student_id,
        crate::domain::money::Vnd::new(amount),
        &reason,
        now,
    )
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "create", "credit", student_id)
            .after(serde_json::json!({"amount": amount, "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The school's credits still to take off (newest first): who, how much is
/// left of how much, and why.
#[server(prefix = "/rpc", endpoint = "credits/list", input = Json)]
pub async fn list_credits(school_id: i64) -> Result<Vec<CreditRow>, AppError> {
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let year = crate::api::students::current_year_id(&state, school_id).await?;
    // id, student code, name, class, amount, remaining, reason, created, from a payment
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        i64,
        i64,
        String,
        i64,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT cr.id, s.code, s.full_name, (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
            WHERE e.student_id = s.id AND e.school_year_id = $2), cr.amount, cr.remaining, cr.reason, cr.created_at, \
            CASE WHEN cr.payment_id IS NULL THEN 0 ELSE 1 END \
         FROM credit cr JOIN student s ON s.id = cr.student_id \
         WHERE s.school_id = $1 AND cr.remaining > 0 ORDER BY cr.id DESC LIMIT 500",
    )
    .bind(school_id)
    .bind(year)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                student_code,
                student_name,
                class_name,
                amount,
                remaining,
                reason,
                created_at,
                paid,
            )| {
                CreditRow {
                    id,
                    student_code,
                    student_name,
                    class_name: class_name.unwrap_or_default(),
                    amount: crate::domain::money::Vnd::new(amount),
                    remaining: crate::domain::money::Vnd::new(remaining),
                    reason,
                    created_at,
                    from_payment: paid == 1,
                }
            },
        )
        .collect())
}

/// Takes back a credit entered by mistake: one not yet used is removed, one
/// partly used stops at what it already took off. A credit that came from a
/// family's overpayment is money received: it is refunded or undone in
/// reconciliation, not here.
#[server(prefix = "/rpc", endpoint = "credits/cancel", input = Json)]
pub async fn cancel_credit(school_id: i64, credit_id: i64, reason: String) -> Result<(), AppError> {
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 200).ok_or(AppError::InvalidInput(Field::Reason))?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let row: Option<(i64, i64, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT cr.student_id, cr.amount, cr.remaining, cr.reason, cr.payment_id FROM credit cr \
         JOIN student s ON s.id = cr.student_id WHERE cr.id = $1 AND s.school_id = $2",
    )
    .bind(credit_id)
    .bind(school_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (student_id, amount, remaining, why, payment) = row.ok_or(AppError::NotFound)?;
    if payment.is_some() {
        return Err(AppError::Forbidden);
    }
    if remaining == 0 {
        // Already used up or cancelled (a second click): nothing to do.
        return Ok(());
    }
    crate::server::ledger::credit::withdraw(&mut tx, credit_id, remaining == amount).await?;
    crate::server::audit::by_staff_and_commit(
        tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "cancel", "credit", student_id)
            .before(serde_json::json!({"credit": credit_id, "amount": amount, "remaining": remaining, "reason": why}))
            .after(serde_json::json!({"cancelled": remaining, "reason": reason})),
    )
    .await
}

/// Ends a student's exemption (granted by mistake, or no longer due): invoices
/// already issued keep their reduction; the next ones do not get it.
#[server(prefix = "/rpc", endpoint = "exemptions/revoke", input = Json)]
pub async fn revoke_exemption(
    school_id: i64,
    policy_id: i64,
    student_code: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 300).ok_or(AppError::InvalidInput(Field::Reason))?;
    let student_id = imp::student_by_code(&state.db, school_id, &student_code).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let before: Option<(String, String)> = sqlx::query_as(
        "SELECT p.name, se.note FROM student_exemption se JOIN exemption_policy p ON p.id = se.policy_id \
         WHERE se.student_id = $1 AND se.policy_id = $2 AND p.school_id = $3",
    )
    .bind(student_id)
    .bind(policy_id)
    .bind(school_id)
    .fetch_optional(&mut *tx)
    .await?;
    // Already ended (a second click): nothing to do.
    let Some((policy, note)) = before else {
        return Ok(());
    };
    sqlx::query("DELETE FROM student_exemption WHERE student_id = $1 AND policy_id = $2")
        .bind(student_id)
        .bind(policy_id)
        .execute(&mut *tx)
        .await?;
    crate::server::audit::by_staff_and_commit(
        tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(
            school_id,
            "revoke",
            "student_exemption",
            student_id,
        )
        .before(serde_json::json!({"policy_id": policy_id, "name": policy, "note": note}))
        .after(serde_json::json!({"reason": reason})),
    )
    .await
}
