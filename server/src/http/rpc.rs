//! The server-function endpoint: each call gets the application state and the
//! caller's address (for rate limits) as Leptos context.

use super::HttpOptions;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::Request;
use axum::response::IntoResponse;
use hocphi_app::api::api_keys::*;
use hocphi_app::api::class_view::*;
use hocphi_app::api::complaints::*;
use hocphi_app::api::dashboard::*;
use hocphi_app::api::fees::*;
use hocphi_app::api::invoices::*;
use hocphi_app::api::office_payments::*;
use hocphi_app::api::online_payment::*;
use hocphi_app::api::parent::*;
use hocphi_app::api::privacy::*;
use hocphi_app::api::receipts::*;
use hocphi_app::api::reconcile::*;
use hocphi_app::api::registry::*;
use hocphi_app::api::school_setup::*;
use hocphi_app::api::school_year::*;
use hocphi_app::api::signing_certificate::*;
use hocphi_app::api::staff_admin::*;
use hocphi_app::api::staff_auth::*;
use hocphi_app::api::students::*;
use hocphi_app::api::webhooks::*;
use hocphi_app::server::auth::{SessionCookie, SESSION_COOKIE};
use hocphi_app::server::state::{AppState, ClientKey};
use leptos::prelude::provide_context;
use std::net::SocketAddr;

#[derive(Clone)]
pub struct RpcState {
    pub app: AppState,
    pub options: HttpOptions,
}

/// Registers every server function by name. `inventory` would find them too, but
/// only if the linker keeps the object files they live in; explicit is certain.
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<ListSchools>();
    register_explicit::<LoadSchool>();
    register_explicit::<LookupStudent>();
    register_explicit::<LoadChild>();
    register_explicit::<LoadInvoice>();
    register_explicit::<PayTogether>();
    register_explicit::<ForgetDevice>();
    register_explicit::<DeclineLine>();
    register_explicit::<SignIn>();
    register_explicit::<SignOut>();
    register_explicit::<Whoami>();
    register_explicit::<ChangePassword>();
    register_explicit::<LoadLink>();
    register_explicit::<AcceptInvite>();
    register_explicit::<UseResetLink>();
    register_explicit::<SchoolsOverview>();
    register_explicit::<CreateSchool>();
    register_explicit::<StaffList>();
    register_explicit::<Invite>();
    register_explicit::<ResetLink>();
    register_explicit::<Deactivate>();
    register_explicit::<LoadSchoolProfile>();
    register_explicit::<SaveSchoolDetails>();
    register_explicit::<SaveAccount>();
    register_explicit::<SetMethods>();
    register_explicit::<SaveContacts>();
    register_explicit::<AuditLog>();
    register_explicit::<SaveSchoolLogo>();
    register_explicit::<LoadCertificate>();
    register_explicit::<SaveCertificate>();
    register_explicit::<RetireCertificate>();
    register_explicit::<ListFees>();
    register_explicit::<SaveFee>();
    register_explicit::<ListPolicies>();
    register_explicit::<SavePolicy>();
    register_explicit::<GrantExemption>();
    register_explicit::<PreviewInvoiceRun>();
    register_explicit::<CommitInvoiceRun>();
    register_explicit::<AddCredit>();
    register_explicit::<MyClasses>();
    register_explicit::<StartNextYear>();
    register_explicit::<PrintNotices>();
    register_explicit::<AssignTeacher>();
    register_explicit::<ListInvoices>();
    register_explicit::<ExportInvoices>();
    register_explicit::<VoidInvoice>();
    register_explicit::<StaffInvoiceDetail>();
    register_explicit::<LoadClassView>();
    register_explicit::<CreateStudentLink>();
    register_explicit::<RevokeStudentLinks>();
    register_explicit::<RedeemStudentLink>();
    register_explicit::<LoadClassNotice>();
    register_explicit::<PreviewStudentImport>();
    register_explicit::<CommitStudentImport>();
    register_explicit::<ListStudents>();
    register_explicit::<SaveStudent>();
    register_explicit::<MarkStudentLeft>();
    register_explicit::<LoadStatementSetup>();
    register_explicit::<PreviewStatement>();
    register_explicit::<CommitStatement>();
    register_explicit::<ListTransfers>();
    register_explicit::<MatchTransfer>();
    register_explicit::<MarkTransferNotFee>();
    register_explicit::<UndoTransfer>();
    register_explicit::<RefundTransfer>();
    register_explicit::<LoadReceipt>();
    register_explicit::<ViewReceipt>();
    register_explicit::<VerifyReceipt>();
    register_explicit::<ListReceipts>();
    register_explicit::<ReplaceReceipt>();
    register_explicit::<ExportReceipts>();
    register_explicit::<RecordOfficePayment>();
    register_explicit::<PreviewPosSettlement>();
    register_explicit::<CommitPosSettlement>();
    register_explicit::<PayOnline>();
    register_explicit::<CheckOnlinePayment>();
    register_explicit::<SaveGateway>();
    register_explicit::<OnlineOrders>();
    register_explicit::<OfficialAccounts>();
    register_explicit::<CheckAccount>();
    register_explicit::<PendingAccounts>();
    register_explicit::<ConfirmAccount>();
    register_explicit::<SuspendAccount>();
    register_explicit::<AccountHistory>();
    register_explicit::<FileComplaint>();
    register_explicit::<TrackComplaint>();
    register_explicit::<ReplyToComplaint>();
    register_explicit::<SchoolComplaints>();
    register_explicit::<OpenComplaint>();
    register_explicit::<AnswerComplaint>();
    register_explicit::<ExportStudent>();
    register_explicit::<EraseStudent>();
    register_explicit::<RetentionDays>();
    register_explicit::<SetRetentionDays>();
    register_explicit::<OfficeDashboard>();
    register_explicit::<SchoolDashboard>();
    register_explicit::<OfficeMonths>();
    register_explicit::<ExportDashboard>();
    register_explicit::<SubmitReport>();
    register_explicit::<SchoolReports>();
    register_explicit::<OfficeReports>();
    register_explicit::<ReturnReport>();
    register_explicit::<ExportReport>();
    register_explicit::<ListApiKeys>();
    register_explicit::<CreateApiKey>();
    register_explicit::<RevokeApiKey>();
    register_explicit::<ListWebhooks>();
    register_explicit::<CreateWebhook>();
    register_explicit::<DisableWebhook>();
    register_explicit::<ListDeliveries>();
    register_explicit::<Redeliver>();
}

/// The client's address as per-client limits count it (see `client_addr`). A
/// request with no peer address never came through a socket (the tests call the
/// router directly): it counts as from this machine.
fn client_key(req: &Request<Body>, proxies: &super::TrustedProxies) -> String {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    proxies.client(peer, req.headers()).to_string()
}

/// The staff session cookie's value, if the request carries one.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> SessionCookie {
    let value = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty());
    SessionCookie(value)
}

pub async fn handle(State(rpc): State<RpcState>, req: Request<Body>) -> axum::response::Response {
    let client = ClientKey(client_key(&req, &rpc.options.trust_proxy));
    let session = session_cookie(req.headers());
    let app = rpc.app.clone();
    let response = leptos_axum::handle_server_fns_with_context(
        move || {
            provide_context(app.clone());
            provide_context(client.clone());
            provide_context(session.clone());
        },
        req,
    )
    .await
    .into_response();
    with_error_status(response).await
}

/// Leptos answers every server function error with 500. The browser's client
/// reads any 4xx or 5xx the same way, so a failure that is the caller's (a
/// wrong date of birth, a taken user name) gets its own 4xx: only the server's
/// own failures stay 5xx in logs, metrics and alerts.
async fn with_error_status(response: axum::response::Response) -> axum::response::Response {
    use axum::http::StatusCode;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Some(error) = hocphi_app::error::AppError::decode(&bytes) {
        parts.status =
            StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let hocphi_app::error::AppError::TooManyAttempts { retry_after_secs } = error {
            if let Ok(v) = retry_after_secs.to_string().parse() {
                parts.headers.insert("retry-after", v);
            }
        }
    }
    axum::response::Response::from_parts(parts, Body::from(bytes))
}
