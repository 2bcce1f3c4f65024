//! The fee catalogue, exemption policies, and invoice runs: what each student of
//! a class, a grade or the school owes for a month, previewed, then issued once.

use crate::error::AppError;
use crate::staff::{CreditRow, FeeInput, FeeItemRow, PolicyRow, RunPreview, RunScope};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/rpc", endpoint = "fees/list", input = Json)]
pub async fn list_fees(school_id: i64) -> Result<Vec<FeeItemRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_reader(school_id).await?;
    crate::server::fees::list_fees(&state.db, school_id).await
}

/// Adds a fee item (`id` None) or changes one. Amounts apply to invoices issued
/// from now on; issued invoices never change.
#[server(prefix = "/rpc", endpoint = "fees/save", input = Json)]
pub async fn save_fee(school_id: i64, fee: FeeInput) -> Result<i64, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (fee_id, entry) = crate::server::fees::save_fee(&mut tx, school_id, &fee).await?;
    crate::server::audit::by_staff(&mut tx, &state, &staff, entry).await?;
    tx.commit().await?;
    Ok(fee_id)
}

#[server(prefix = "/rpc", endpoint = "exemptions/list", input = Json)]
pub async fn list_policies(school_id: i64) -> Result<Vec<PolicyRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let year = crate::server::students::current_year(&state, school_id).await?;
    crate::server::fees::exemptions::list_policies(&state.db, school_id, year).await
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
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let name = validate::text(&name, 120).ok_or(AppError::InvalidInput(Field::PolicyName))?;
    if rates.iter().any(|(_, p)| *p > 100) {
        return Err(AppError::InvalidInput(Field::Percent));
    }
    let fees = crate::server::fees::list_fees(&state.db, school_id).await?;
    if rates.iter().any(|(f, _)| !fees.iter().any(|x| x.id == *f)) {
        return Err(AppError::NotFound);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let policy_id =
        crate::server::fees::exemptions::save_policy(&mut tx, school_id, &name, &rates).await?;
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
) -> Result<String, AppError> {
    use crate::domain::validate;
    use crate::error::Field;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    // In the form's order: the policy, the student, the grounds.
    crate::server::fees::exemptions::check_policy(&state.db, school_id, policy_id).await?;
    let student_id =
        crate::server::fees::student_by_code(&state.db, school_id, &student_code).await?;
    let note = validate::text(&note, 300).ok_or(AppError::InvalidInput(Field::Grounds))?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::fees::exemptions::grant(
        &mut tx,
        student_id,
        policy_id,
        &note,
        state.clock.now_time(),
    )
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
    // Whom it was for, by name: the save says so (a code alone hides a typo).
    let name: String = sqlx::query_scalar("SELECT full_name FROM student WHERE id = $1")
        .bind(student_id)
        .fetch_one(&state.db)
        .await?;
    Ok(name)
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
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let (month, due) = parse_run(&period, &due_on)?;
    let mut preview = crate::server::fees::run::plan(&state, school_id, month, &scope)
        .await?
        .preview;
    preview.due_passed = due < state.clock.today();
    Ok(preview)
}

/// Issues the month's invoices for this scope, in one transaction. Running the
/// same period again creates nothing new. `previewed`: the total the
/// accountant saw in the preview; if what would be issued now totals
/// otherwise (a fee or a student changed since), nothing is issued and the
/// preview is asked for again, rather than invoices no one has checked. (A
/// change that keeps the total, one child for another at the same fees,
/// passes.)
#[server(prefix = "/rpc", endpoint = "invoice-runs/commit", input = Json)]
pub async fn commit_invoice_run(
    school_id: i64,
    period: String,
    due_on: String,
    scope: RunScope,
    previewed: Option<crate::domain::money::Vnd>,
) -> Result<RunPreview, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let (month, due) = parse_run(&period, &due_on)?;
    let run = crate::server::fees::run::plan(&state, school_id, month, &scope).await?;
    // Nothing new to issue (the run went already, its answer lost, or from
    // another tab) is not a change: it answers as a second run does.
    let changed = previewed.is_some_and(|seen| seen != run.preview.total);
    if changed && run.preview.new_invoices > 0 {
        return Err(AppError::InvalidInput(crate::error::Field::PreviewChanged));
    }
    let (preview, scope) = (run.preview.clone(), run.scope.clone());
    // The invoices and their "who" in one transaction: never one without the
    // other. The log counts what was written (a second press writes none).
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let created = crate::server::fees::run::write(
        &mut tx,
        state.clock.now_time(),
        school_id,
        month,
        due,
        run,
    )
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "issue", "invoice_run", month).after(
            serde_json::json!({"scope": scope, "invoices": created, "total": preview.total}),
        ),
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
    amount: crate::domain::money::Vnd,
    reason: String,
) -> Result<(), AppError> {
    use crate::error::Field;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    if !(1..=100_000_000).contains(&amount.dong()) {
        return Err(AppError::InvalidInput(Field::PositiveAmount));
    }
    let reason =
        crate::domain::validate::text(&reason, 200).ok_or(AppError::InvalidInput(Field::Reason))?;
    let student_id =
        crate::server::fees::student_by_code(&state.db, school_id, &student_code).await?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::ledger::credit::keep(&mut tx, student_id, amount, &reason, now).await?;

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
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let year = crate::server::students::current_year(&state, school_id).await?;
    crate::server::fees::credits::list_credits(&state.db, school_id, year).await
}

/// Takes back a credit entered by mistake: one not yet used is removed, one
/// partly used stops at what it already took off. A credit that came from a
/// family's overpayment is money received: it is refunded or undone in
/// reconciliation, not here.
#[server(prefix = "/rpc", endpoint = "credits/cancel", input = Json)]
pub async fn cancel_credit(school_id: i64, credit_id: i64, reason: String) -> Result<(), AppError> {
    use crate::error::Field;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 200).ok_or(AppError::InvalidInput(Field::Reason))?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let now = state.clock.now_time();
    let Some(was) =
        crate::server::fees::credits::withdraw(&mut tx, school_id, credit_id, now).await?
    else {
        // Already used up or cancelled (a second click): nothing to do.
        return Ok(());
    };
    crate::server::audit::by_staff_and_commit(
        tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "cancel", "credit", was.student_id)
            .before(
                serde_json::json!({"credit": credit_id, "amount": was.amount,
                "remaining": was.remaining, "reason": was.reason}),
            )
            .after(serde_json::json!({"cancelled": was.remaining, "reason": reason})),
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
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 300).ok_or(AppError::InvalidInput(Field::Reason))?;
    let student_id =
        crate::server::fees::student_by_code(&state.db, school_id, &student_code).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    // Already ended (a second click): nothing to do.
    let Some((policy, note)) =
        crate::server::fees::exemptions::revoke(&mut tx, school_id, student_id, policy_id).await?
    else {
        return Ok(());
    };
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
