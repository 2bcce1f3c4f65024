//! The district office's dashboard and a school's own: for a period of months,
//! each school's readiness and figures, and the district's total.

use crate::domain::report::Figures;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolFigures {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Cashless methods declared and configured (the plan asks for 3 of 4).
    pub cashless_ready: usize,
    /// Contact people named for parents.
    pub contacts: i64,
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    pub schools: Vec<SchoolFigures>,
    pub total: Figures,
}

#[cfg(feature = "ssr")]
mod imp {
    use super::*;
    use crate::domain::date::Month;
    use crate::server::state::Db;

    pub fn period(from: &str, to: &str) -> Result<(Month, Month), AppError> {
        let bad = || AppError::InvalidInput(crate::error::Field::Period);
        let (from, to) = (
            Month::parse(from.trim()).map_err(|_| bad())?,
            Month::parse(to.trim()).map_err(|_| bad())?,
        );
        if from > to {
            return Err(bad());
        }
        Ok((from, to))
    }

    pub async fn schools(
        db: &Db,
        ids: &[i64],
        from: Month,
        to: Month,
    ) -> Result<Vec<SchoolFigures>, AppError> {
        let mut figures = crate::server::report_queries::figures(db, ids, from, to).await?;
        let mut out = Vec::new();
        for id in ids {
            let (slug, name): (String, String) =
                sqlx::query_as("SELECT slug, name FROM school WHERE id = $1")
                    .bind(id)
                    .fetch_one(db)
                    .await?;
            let (contacts,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM school_contact WHERE school_id = $1")
                    .bind(id)
                    .fetch_one(db)
                    .await?;
            let readiness = crate::api::school_setup::queries::readiness(db, *id).await?;
            out.push(SchoolFigures {
                id: *id,
                slug,
                name,
                cashless_ready: crate::staff::cashless_ready_count(&readiness),
                contacts,
                figures: figures.remove(id).unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

/// Every school of the officer's district, for the months `from..=to` (`YYYY-MM`).
#[server(prefix = "/rpc", endpoint = "dashboard/district", input = Json)]
pub async fn district_dashboard(from: String, to: String) -> Result<Dashboard, AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(crate::staff::Role::DistrictOfficer)?;
    let (f, t) = imp::period(&from, &to)?;
    let ids: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM school WHERE district_id = $1 ORDER BY name")
            .bind(staff.district_id)
            .fetch_all(&state.db)
            .await?;
    let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
    let schools = imp::schools(&state.db, &ids, f, t).await?;
    let total = Figures::total(schools.iter().map(|s| &s.figures));
    Ok(Dashboard {
        from,
        to,
        schools,
        total,
    })
}

/// One school's figures, for its accountant (and its district office).
#[server(prefix = "/rpc", endpoint = "dashboard/school", input = Json)]
pub async fn school_dashboard(
    school_id: i64,
    from: String,
    to: String,
) -> Result<SchoolFigures, AppError> {
    let (state, _) = crate::server::auth::school_reader(school_id).await?;
    let (f, t) = imp::period(&from, &to)?;
    imp::schools(&state.db, &[school_id], f, t)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}
