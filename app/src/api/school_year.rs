//! A new school year: classes move up a grade, the last grade leaves, last
//! year's invoices and payments stay as they were.

use crate::error::AppError;
use crate::staff::NewYearPlan;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Previews (`commit` false) or starts the school year after the current one.
#[server(prefix = "/rpc", endpoint = "school-year/next", input = Json)]
pub async fn start_next_year(school_id: i64, commit: bool) -> Result<NewYearPlan, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);

    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let current = crate::server::students::current_year(&state, school_id).await?;
    let next =
        crate::server::school_year::plan_next(&state.db, school_id, current, state.clock.today())
            .await?;
    let plan = next.plan;
    if !commit || plan.already_started {
        return Ok(plan);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let year_id =
        crate::server::school_year::ensure_year(&mut tx, &plan.label, next.next_start).await?;
    for m in &next.moves {
        let class_id = crate::server::students::ensure_class(
            &mut tx,
            school_id,
            year_id,
            &m.class_name,
            m.grade,
        )
        .await?;
        for student_id in &m.students {
            crate::server::students::enrol(&mut tx, *student_id, class_id, year_id).await?;
        }
    }
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(
            school_id,
            "start",
            "school_year",
            plan.label.clone(),
        )
        .before(serde_json::json!({"year": next.current_label, "ends_on": next.current_ends_on}))
        .after(serde_json::to_value(&plan).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}
