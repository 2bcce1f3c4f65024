//! Paying online: the parent asks for a signed gateway link for what an invoice
//! still owes, comes back to a page that shows the result (the gateway's IPN
//! settles it), and the accountant sets the school's merchant account. The
//! queries and writes are in `server::online_payment` and `server::gateway`.

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
    let student_id = crate::server::parent::child_of(&state, &token).await?;
    let code = InvoiceCode::parse(&code).map_err(|_| AppError::InvalidInput(Field::InvoiceCode))?;
    let detail =
        crate::server::parent::invoice_detail(&state.db, student_id, &code, state.clock.today())
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
    let school_id = crate::server::online_payment::invoice_school(&state.db, &code).await?;
    let (tmn, secret) =
        crate::server::gateway::merchant_of_school(&state.db, &state.vault, school_id)
            .await?
            .ok_or(AppError::NotFound)?;
    let now = state.clock.now_time();
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
        create_date: now.seconds(),
        expire_date: Some(now.seconds() + 15 * 60),
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
    crate::server::gateway::order_status(&state.db, &state.vault, &query, state.clock.now_time())
        .await
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
    let school_id = crate::domain::ids::SchoolId(school_id);
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
    crate::server::online_payment::save_merchant(
        &mut tx,
        school_id,
        &tmn,
        &sealed,
        state.clock.now_time(),
    )
    .await?;
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
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _staff) = crate::server::auth::school_office_reader(school_id).await?;
    crate::server::online_payment::recent_orders(&state.db, school_id).await
}
