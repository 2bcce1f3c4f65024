//! The payment gateway's side: the IPN endpoint the gateway calls
//! (`GET /api/v1/vnpay/ipn`), and, when no real gateway is configured, a
//! simulator that plays VNPay's part on this machine: its payment page, the
//! signed return redirect, and IPN calls (once, repeated, late, or lost).

use super::html::escape;
use super::rpc::RpcState;
use axum::extract::{Form, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hocphi_app::domain::money::Vnd;
use hocphi_app::domain::vnpay::{self, IpnReply};
use hocphi_app::server::gateway;
use std::time::Duration;

/// VNPay's IPN: settles the order once, answers with VNPay's RspCode.
#[utoipa::path(
    get,
    path = "/api/v1/vnpay/ipn",
    tag = "gateway",
    // The gateway's signed `vnp_*` parameters (VNPay 2.1.0). Missing or altered ones are
    // answered 200 with RspCode 97 or 99, as the protocol asks (anything else makes it retry).
    params(
        ("vnp_TxnRef" = Option<String>, Query, description = "hocphi's order reference."),
        ("vnp_Amount" = Option<String>, Query, description = "The amount in đồng × 100."),
        ("vnp_ResponseCode" = Option<String>, Query, description = "00 when paid."),
        ("vnp_TransactionStatus" = Option<String>, Query, description = "00 when paid."),
        ("vnp_TransactionNo" = Option<String>, Query, description = "The gateway's transaction number."),
        ("vnp_SecureHash" = Option<String>, Query, description = "HMAC-SHA512 of the other `vnp_*` parameters, sorted."),
    ),
    responses((status = 200, description = "`{\"RspCode\": \"00\" | \"01\" | \"02\" | \"04\" | \"97\" | \"99\", \"Message\": …}`: 00 confirmed, 01 order not found, 02 already confirmed, 04 invalid amount, 97 invalid signature, 99 unknown error.", content_type = "application/json"))
)]
pub async fn ipn(State(rpc): State<RpcState>, RawQuery(query): RawQuery) -> Response {
    let state = &rpc.app;
    let reply = gateway::confirm(
        &state.db,
        &state.vault,
        query.as_deref().unwrap_or(""),
        state.clock.now_time(),
    )
    .await;
    (
        [(header::CONTENT_TYPE, "application/json")],
        reply.to_json(),
    )
        .into_response()
}

/// A parameter's value, or empty.
fn param(params: &[(String, String)], key: &str) -> String {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn page(title: &str, body: &str) -> Response {
    Html(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/gateway-sim/style.css\"></head><body><main>{body}</main></body></html>"
    ))
    .into_response()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;font-size:17px;background:#eef2f7;margin:0;color:#111}\
main{max-width:32rem;margin:0 auto;padding:1rem}.card{background:#fff;border-radius:.75rem;padding:1rem;margin-top:1rem}\
.banner{background:#b91c1c;color:#fff;padding:.5rem 1rem;font-weight:700}h1{font-size:1.4rem}\
.amount{font-size:1.8rem;font-weight:700}button{display:block;width:100%;min-height:3rem;margin-top:.6rem;font-size:1rem;\
border-radius:.5rem;border:2px solid #1e3a8a;background:#1e3a8a;color:#fff;font-weight:600}button.alt{background:#fff;color:#1e3a8a}\
fieldset{border:1px solid #ccc;border-radius:.5rem;margin-top:1rem}label{display:block;min-height:2.2rem}";

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
        .into_response()
}

/// The simulator's payment page, for a signed payment link.
pub async fn pay_page(State(rpc): State<RpcState>, RawQuery(query): RawQuery) -> Response {
    let state = &rpc.app;
    let query = query.unwrap_or_default();
    let params = match checked(state, &query).await {
        Ok(p) => p,
        Err(why) => return page("Lỗi", &format!("<p class=\"card\">{}</p>", escape(&why))),
    };
    let get = |k: &str| param(&params, k);
    let amount = get("vnp_Amount").parse::<i64>().unwrap_or(0) / 100;
    let body = format!(
        "<p class=\"banner\">CỔNG THANH TOÁN GIẢ LẬP — không có tiền thật (hocphi gateway simulator)</p>\
         <div class=\"card\"><h1>Thanh toán cho {merchant}</h1>\
         <p>Mã đơn hàng: <strong>{txn}</strong></p><p>{info}</p><p class=\"amount\">{amount}</p></div>\
         <form class=\"card\" method=\"post\" action=\"/gateway-sim/pay\">\
         <input type=\"hidden\" name=\"query\" value=\"{query}\">\
         <fieldset><legend>Cổng gọi IPN cho nhà trường</legend>\
         <label><input type=\"radio\" name=\"ipn\" value=\"once\" checked> Một lần, trước khi quay về</label>\
         <label><input type=\"radio\" name=\"ipn\" value=\"thrice\"> Ba lần (gọi lặp)</label>\
         <label><input type=\"radio\" name=\"ipn\" value=\"late\"> Muộn 3 giây, sau khi quay về</label>\
         <label><input type=\"radio\" name=\"ipn\" value=\"none\"> Không gọi (IPN bị mất)</label></fieldset>\
         <button name=\"outcome\" value=\"00\">Thanh toán thành công</button>\
         <button class=\"alt\" name=\"outcome\" value=\"51\">Tài khoản không đủ số dư</button>\
         <button class=\"alt\" name=\"outcome\" value=\"24\">Huỷ giao dịch</button></form>",
        merchant = escape(&get("vnp_TmnCode")),
        txn = escape(&get("vnp_TxnRef")),
        info = escape(&get("vnp_OrderInfo")),
        amount = Vnd::new(amount),
        query = escape(&query),
    );
    page("Cổng thanh toán giả lập", &body)
}

/// A payment link's parameters, once its signature checks with the merchant's secret.
async fn checked(
    state: &hocphi_app::server::state::AppState,
    query: &str,
) -> Result<Vec<(String, String)>, String> {
    let params = vnpay::parse_query(query).map_err(|e| e.to_string())?;
    let tmn = params
        .iter()
        .find(|(k, _)| k == "vnp_TmnCode")
        .map(|(_, v)| v.clone())
        .ok_or("vnp_TmnCode is missing")?;
    let (_, secret) = gateway::merchant_by_code(&state.db, &state.vault, &tmn)
        .await
        .map_err(|_| "try again".to_string())?
        .ok_or("unknown merchant (vnp_TmnCode)")?;
    vnpay::verify_signature(query, &secret).map_err(|e| e.to_string())?;
    Ok(params)
}

#[derive(serde::Deserialize)]
pub struct SimulatedPayment {
    query: String,
    outcome: String,
    ipn: String,
}

/// The payer pressed a button: the simulator calls the IPN as chosen and sends
/// the browser back to the merchant's return URL with the signed result.
pub async fn pay(State(rpc): State<RpcState>, Form(form): Form<SimulatedPayment>) -> Response {
    let state = rpc.app.clone();
    let params = match checked(&state, &form.query).await {
        Ok(p) => p,
        Err(why) => return (StatusCode::BAD_REQUEST, why).into_response(),
    };
    let get = |k: &str| param(&params, k);
    let tmn = get("vnp_TmnCode");
    let Ok(Some((_, secret))) = gateway::merchant_by_code(&state.db, &state.vault, &tmn).await
    else {
        return (StatusCode::BAD_REQUEST, "unknown merchant").into_response();
    };
    let code = match form.outcome.as_str() {
        "00" | "24" | "51" => form.outcome.clone(),
        _ => "99".to_string(),
    };
    let mut number = [0u8; 4];
    getrandom::fill(&mut number).expect("random");
    let transaction_no = (u32::from_le_bytes(number) % 90_000_000 + 10_000_000).to_string();
    let now = state.clock.now();
    let result: Vec<(String, String)> = [
        ("vnp_Amount", get("vnp_Amount")),
        ("vnp_BankCode", "NCB".to_string()),
        ("vnp_BankTranNo", format!("VNP{transaction_no}")),
        ("vnp_CardType", "ATM".to_string()),
        ("vnp_OrderInfo", get("vnp_OrderInfo")),
        ("vnp_PayDate", vnpay::format_time(now).unwrap_or_default()),
        ("vnp_ResponseCode", code.clone()),
        ("vnp_TmnCode", tmn),
        ("vnp_TransactionNo", transaction_no),
        (
            "vnp_TransactionStatus",
            if code == "00" { "00" } else { "02" }.to_string(),
        ),
        ("vnp_TxnRef", get("vnp_TxnRef")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let signed = vnpay::signed_query(&result, &secret);
    let call = |state: hocphi_app::server::state::AppState, signed: String| async move {
        let reply =
            gateway::confirm(&state.db, &state.vault, &signed, state.clock.now_time()).await;
        tracing::info!("simulated IPN answered {}", reply.code());
        reply
    };
    match form.ipn.as_str() {
        "thrice" => {
            for _ in 0..3 {
                let _: IpnReply = call(state.clone(), signed.clone()).await;
            }
        }
        "late" => {
            let (state, signed) = (state.clone(), signed.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(3)).await;
                call(state, signed).await;
            });
        }
        "none" => {}
        _ => {
            call(state.clone(), signed.clone()).await;
        }
    }
    let return_url = get("vnp_ReturnUrl");
    let separator = if return_url.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{return_url}{separator}{signed}")).into_response()
}
