//! Paying online: the parent asks for a signed gateway link for what an invoice
//! still owes, comes back to a page that shows the result (the gateway's IPN
//! settles it), and the accountant sets the school's merchant account.

use crate::error::AppError;
use crate::model::OnlinePaymentStatus;
use leptos::prelude::*;

/// The gateway link to pay what an invoice still owes. `origin` is the page's
/// own address, where the gateway sends the parent back.
#[server(prefix = "/rpc", endpoint = "pay-online", output = leptos::server_fn::codec::Postcard)]
pub async fn pay_online(token: String, code: String, origin: String) -> Result<String, AppError> {
    use crate::domain::invoice_code::InvoiceCode;
    use crate::domain::vnpay::{payment_url, Locale, PayRequest};
    use crate::error::Field;
    use crate::server::state::{app_state, client_key};
    let state = app_state()?;
    let student_id = crate::api::parent::imp::child_of(&state, &token).await?;
    let code = InvoiceCode::parse(&code).map_err(|_| AppError::InvalidInput(Field::InvoiceCode))?;
    let detail = crate::server::parent_queries::invoice_detail(
        &state.db,
        student_id,
        &code,
        state.clock.today(),
    )
    .await?;
    if !detail.balance.is_positive() {
        return Err(AppError::InvoiceAlreadyPaid);
    }
    let origin = origin.trim().trim_end_matches('/');
    if !(origin.starts_with("https://") || origin.starts_with("http://"))
        || origin.len() > 200
        || origin.contains(['?', '#', ' '])
    {
        return Err(AppError::InvalidInput(Field::School));
    }
    let (school_id,): (i64,) = sqlx::query_as("SELECT school_id FROM invoice WHERE code = $1")
        .bind(code.as_str())
        .fetch_one(&state.db)
        .await?;
    let (tmn, secret) =
        crate::server::gateway::merchant_of_school(&state.db, &state.vault, school_id)
            .await?
            .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let txn_ref =
        crate::server::gateway::create_order(&state.db, school_id, &code, detail.balance, now)
            .await?;
    let ip = client_key();
    let base = match &state.gateway {
        crate::server::state::Gateway::At(url) => url.to_string(),
        crate::server::state::Gateway::Simulator => format!("{origin}/gateway-sim"),
        crate::server::state::Gateway::Off => return Err(AppError::NotFound),
    };
    let request = PayRequest {
        tmn_code: tmn,
        amount: detail.balance,
        txn_ref,
        order_info: format!(
            "Thanh toan hoa don {} {}",
            code.as_str(),
            detail.summary.title
        ),
        order_type: "billpayment".into(),
        locale: Locale::Vn,
        return_url: format!("{origin}/thanh-toan"),
        ip_addr: if ip.parse::<std::net::IpAddr>().is_ok() {
            ip
        } else {
            "127.0.0.1".into()
        },
        create_date: now,
        expire_date: Some(now + 15 * 60),
        bank_code: None,
    };
    payment_url(&base, &request, &secret).map_err(|e| {
        tracing::error!("gateway link: {e}");
        AppError::Internal
    })
}

/// The result of an online payment, from the query the gateway sent the parent
/// back with (signature checked; the IPN decides whether it is paid).
#[server(prefix = "/rpc", endpoint = "pay-online/status", output = leptos::server_fn::codec::Postcard)]
pub async fn check_online_payment(query: String) -> Result<OnlinePaymentStatus, AppError> {
    let state = crate::server::state::app_state()?;
    crate::server::gateway::order_status(&state.db, &state.vault, &query, state.clock.now()).await
}

/// Sets the school's merchant code and secret at the gateway. The secret is
/// sealed and never shown back.
#[server(prefix = "/rpc", endpoint = "school/gateway", input = leptos::server_fn::codec::Json)]
pub async fn save_gateway(
    school_id: i64,
    tmn_code: String,
    secret: String,
) -> Result<(), AppError> {
    use crate::error::Field;
    use crate::server::audit::{by_staff, Entry};
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let tmn = tmn_code.trim().to_uppercase();
    if tmn.len() != 8 || !tmn.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::InvalidInput(Field::MerchantCode));
    }
    let secret = secret.trim();
    if secret.len() < 16 || secret.len() > 200 {
        return Err(AppError::InvalidInput(Field::GatewaySecret));
    }
    let sealed = state.vault.seal(
        secret.as_bytes(),
        &crate::server::gateway::seal_context(school_id),
    );
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO gateway_config (school_id, provider, tmn_code, sealed_secret, updated_at) VALUES ($1, 'vnpay', $2, $3, $4) \
         ON CONFLICT (school_id) DO UPDATE SET tmn_code = excluded.tmn_code, sealed_secret = excluded.sealed_secret, \
            updated_at = excluded.updated_at, confirmed_at = NULL",
    )
    .bind(school_id)
    .bind(&tmn)
    .bind(sealed)
    .bind(state.clock.now())
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if crate::server::is_unique_violation(&e) {
            AppError::InvalidInput(Field::MerchantCodeTaken)
        } else {
            e.into()
        }
    })?;
    by_staff(
        &mut tx,
        &state,
        &staff,
        Entry::at_school(school_id, "update", "gateway", school_id)
            .after(serde_json::json!({"tmn_code": tmn, "secret": "(sealed)"})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The school's last 30 attempts to pay online, newest first, for the
/// accountant and the school's readers.
#[server(prefix = "/rpc", endpoint = "school/gateway/orders", input = leptos::server_fn::codec::Json)]
pub async fn online_orders(school_id: i64) -> Result<Vec<crate::staff::OnlineOrderRow>, AppError> {
    use crate::domain::money::Vnd;
    let (state, _staff) = crate::server::auth::school_office_reader(school_id).await?;
    type Row = (i64, String, i64, String, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT created_at, code, amount, status, response_code, transaction_no FROM gateway_order \
         WHERE school_id = $1 ORDER BY created_at DESC, id DESC LIMIT 30",
    )
    .bind(school_id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(created_at, code, amount, status, response_code, transaction_no)| {
                crate::staff::OnlineOrderRow {
                    created_at,
                    code,
                    amount: Vnd::new(amount),
                    status,
                    response_code,
                    transaction_no,
                }
            },
        )
        .collect())
}
