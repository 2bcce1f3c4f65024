//! The accountant's invoice list (search, totals, .xlsx export) and voiding an
//! invoice with a reason: an issued invoice is never edited; what was paid on it
//! becomes a credit that the reissued invoice takes off.

use crate::error::AppError;
use crate::staff::{InvoiceFilter, InvoiceRow};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The most invoices one list answers with (the newest): beyond it, the
/// screen asks for a period or a class.
pub const MAX_LISTED: usize = 5000;

#[cfg(feature = "ssr")]
pub mod imp {
    use crate::domain::date::{Date, Month};
    use crate::domain::invoice_status::{InvoiceStatus, PaymentState};
    use crate::domain::money::Vnd;
    use crate::error::AppError;
    use crate::server::state::Db;
    use crate::staff::{InvoiceFilter, InvoiceRow};

    type Row = (
        String,
        String,
        String,
        Option<String>,
        String,
        i64,
        i64,
        String,
        Option<i64>,
        Option<String>,
    );

    pub async fn list(
        db: &Db,
        school_id: i64,
        filter: &InvoiceFilter,
        today: Date,
    ) -> Result<Vec<InvoiceRow>, AppError> {
        // Names are matched in Rust, by the search boxes' one rule
        // (domain::search: "nguyen" finds Nguyễn, "yen" does not).
        // Bounded before it is split into words and matched against every row.
        if filter.search.chars().count() > 100 {
            return Err(AppError::InvalidInput(crate::error::Field::SearchText));
        }
        let query = crate::domain::search::Query::new(&filter.search);
        let period = crate::api::period_filter(&filter.period)?;
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT i.code, s.code, s.full_name, c.name, i.period, i.total, \
                (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id), \
                i.due_on, i.voided_at, i.void_reason \
             FROM invoice i JOIN student s ON s.id = i.student_id LEFT JOIN class c ON c.id = i.class_id \
             WHERE i.school_id = $1 AND ($2 = '' OR i.period = $2) AND ($3 = '' OR c.name = $3) \
             ORDER BY i.period DESC, c.name, s.full_name LIMIT 20000",
        )
        .bind(school_id)
        .bind(&period)
        .bind(filter.class_name.trim())
        .fetch_all(db)
        .await?;
        let mut out = Vec::new();
        for (
            code,
            student_code,
            student_name,
            class_name,
            period,
            total,
            paid,
            due_on,
            voided,
            void_reason,
        ) in rows
        {
            let (Ok(period), Ok(due_on)) = (Month::parse(&period), Date::parse_iso(&due_on)) else {
                continue;
            };
            if !query.matches_any(&[
                &student_name,
                &student_code,
                &code,
                class_name.as_deref().unwrap_or_default(),
            ]) {
                continue;
            }
            let (total, paid) = (Vnd::new(total), Vnd::new(paid));
            let status = InvoiceStatus::derive(total, paid, due_on, today, voided.is_some());
            let keep = match filter.status.as_str() {
                "open" => status.is_open(),
                "paid" => status.state == PaymentState::Paid,
                "overdue" => status.overdue,
                "voided" => status.state == PaymentState::Voided,
                _ => true,
            };
            if keep {
                out.push(InvoiceRow {
                    code,
                    student_code,
                    student_name,
                    class_name: class_name.unwrap_or_default(),
                    period,
                    total,
                    paid,
                    due_on,
                    status,
                    void_reason,
                });
            }
        }
        // Newest period first; classes by grade; a class's register order
        // (given name first, the Vietnamese alphabet), on screen and in the export.
        out.sort_by(|a, b| {
            use crate::domain::collate::{class_cmp, name_cmp};
            b.period
                .cmp(&a.period)
                .then_with(|| class_cmp(&a.class_name, &b.class_name))
                .then_with(|| name_cmp(&a.student_name, &b.student_name))
        });
        out.truncate(super::MAX_LISTED);
        Ok(out)
    }
}

#[server(prefix = "/rpc", endpoint = "invoices/list", input = Json)]
pub async fn list_invoices(
    school_id: i64,
    filter: InvoiceFilter,
) -> Result<Vec<InvoiceRow>, AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let rows = imp::list(&state.db, school_id, &filter, state.clock.today()).await?;
    crate::server::audit::viewed(&state, &staff, school_id, "invoices", school_id).await?;
    Ok(rows)
}

/// One invoice as its family sees it, for the accountant answering a question
/// about it: its lines (voluntary ones marked, declined ones apart), what was
/// paid and when, and its receipts.
#[server(prefix = "/rpc", endpoint = "invoices/detail", input = Json)]
pub async fn staff_invoice_detail(
    school_id: i64,
    code: String,
) -> Result<crate::model::InvoiceDetail, AppError> {
    use crate::domain::invoice_code::InvoiceCode;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let code = InvoiceCode::parse(code.trim()).map_err(|_| AppError::NotFound)?;
    // Only an invoice of this school: another school's code is not found here.
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT student_id FROM invoice WHERE code = $1 AND school_id = $2")
            .bind(code.as_str())
            .bind(school_id)
            .fetch_optional(&state.db)
            .await?;
    let (student_id,) = row.ok_or(AppError::NotFound)?;
    let detail = crate::server::parent_queries::invoice_detail(
        &state.db,
        student_id,
        &code,
        state.clock.today(),
    )
    .await?;
    crate::server::audit::viewed(&state, &staff, school_id, "invoice", code.as_str()).await?;
    Ok(detail)
}

/// The same list as an .xlsx file (base64), for the accountant to file or send upwards.
#[server(prefix = "/rpc", endpoint = "invoices/export", input = Json)]
pub async fn export_invoices(school_id: i64, filter: InvoiceFilter) -> Result<String, AppError> {
    use base64::Engine;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let rows = imp::list(&state.db, school_id, &filter, state.clock.today()).await?;
    crate::server::audit::viewed(&state, &staff, school_id, "invoices_export", school_id).await?;
    let bytes = crate::server::xlsx_export::invoice_list(&rows).map_err(|e| {
        tracing::error!("xlsx export: {e}");
        AppError::Internal
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Voids an invoice, with the reason. What was paid on it becomes a credit, taken
/// off the invoice reissued for the same period (by running the period again).
#[server(prefix = "/rpc", endpoint = "invoices/void", input = Json)]
pub async fn void_invoice(school_id: i64, code: String, reason: String) -> Result<(), AppError> {
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 300).ok_or(AppError::InvalidInput(Field::Reason))?;
    let row: Option<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT i.id, i.student_id, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id), i.period \
         FROM invoice i WHERE i.code = $1 AND i.school_id = $2 AND i.voided_at IS NULL",
    )
    .bind(code.trim())
    .bind(school_id)
    .fetch_optional(&state.db)
    .await?;
    let (invoice_id, student_id, paid, period) = row.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query("UPDATE invoice SET voided_at = $1, void_reason = $2 WHERE id = $3")
        .bind(now)
        .bind(&reason)
        .bind(invoice_id)
        .execute(&mut *tx)
        .await?;
    if paid > 0 {
        crate::server::ledger::credit::keep(
            &mut tx,
            student_id,
            crate::domain::money::Vnd::new(paid),
            &format!("đã nộp cho hoá đơn {} (đã huỷ)", code.trim()),
            now,
        )
        .await?;
    }
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "void", "invoice", code.trim())
            .before(serde_json::json!({"period": period, "paid": paid}))
            .after(serde_json::json!({"voided": true, "reason": reason, "credit": paid})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
