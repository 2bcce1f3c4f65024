//! The versioned REST API under `/api/v1` (server to server: banks, notification
//! services, school software), and its OpenAPI 3.1 document, generated from the
//! handlers' own annotations: a route exists in the document exactly when it is
//! served, because both come from the same `routes!` list.

use super::bank;
use super::fees_api;
use super::gateway;
use super::invoices_api;
use super::payments_api;
use super::receipts;
use super::rpc::RpcState;
use super::students_api;
use axum::Router;
use hocphi_app::domain::settlement::Outcome;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The school's API key, as a bearer token.
struct ApiKeyScheme;

impl utoipa::Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    modifiers(&ApiKeyScheme),
    components(schemas(
        crate::events::schema::Event,
        crate::events::schema::EventData,
        crate::events::schema::InvoiceEvent,
        crate::events::schema::PaymentEvent,
        crate::events::schema::PaymentRef,
        crate::events::schema::ReceiptEvent
    )),
    info(
        title = "hocphi API",
        description = "Cashless school fees: bank notifications in; students, fees, invoices, payments and receipts for the school's management software, with the school's API key (`Authorization: Bearer hp_…`, made by the accountant, read-only or read-write). Lists page by change number: keep a page's `next` and ask `after` it (again while `has_more`); `updated_since` filters a first sync. Every POST needs an `Idempotency-Key`: a repeat gets the first answer and writes nothing. Failures are RFC 9457 problem details (`application/problem+json`), told apart by `type`. Events (invoice.issued, invoice.voided, payment.settled, payment.reversed, receipt.issued, receipt.cancelled) are POSTed to the address the accountant registers, signed in `Hocphi-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" with the address's secret>`, retried with backoff for about two days; de-duplicate on `id`, order by `sequence`. The body is the `Event` schema below.",
        license(name = "AGPL-3.0-or-later")
    ),
    tags(
        (name = "gateway", description = "The payment gateway's server-to-server confirmation (VNPay 2.1.0 IPN)."),
        (name = "receipts", description = "Receipts the schools sign (Ed25519): anyone can verify them with the published keys."),
        (name = "students", description = "A school's students, for its management software, with the school's API key (`Authorization: Bearer hp_…`, made by the accountant)."),
        (name = "fees", description = "The school's fee catalogue: what invoice runs bill."),
        (name = "invoices", description = "A school's invoices and what was paid on them; issuing a month's invoices."),
        (name = "payments", description = "Money that arrived for the school, and the invoices it paid."),
        (name = "bank", description = "Transfers into a school's account, reported by its bank or a notification service. Each transfer is recorded once per bank and reference, whichever way it arrives first.")
    )
)]
struct ApiDoc;

/// A failure, as RFC 9457 problem details.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Problem {
    /// `https://hocphi.example/problems/<kind>`: unsigned, bad-timestamp, stale, unknown-school,
    /// bad-signature, no-key, bad-key, read-only-key, rate-limited, no-idempotency-key,
    /// idempotency-key-reused, malformed, invalid, invalid-rows, not-found, unknown-account,
    /// too-large, unavailable (nothing was changed: send it again), internal.
    #[schema(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    /// This request's id (also the `x-request-id` header): quote it to support,
    /// it names the request in the server's log.
    request_id: String,
}

/// The refusals any endpoint taking the school's key may answer.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum KeyRefusals {
    #[response(
        status = 401,
        description = "No key, or a revoked or unknown one.",
        content_type = "application/problem+json"
    )]
    NoKey(Problem),
    #[response(
        status = 429,
        description = "Too many requests with this key.",
        content_type = "application/problem+json"
    )]
    RateLimited(Problem),
}

/// The refusals a POST adds: it writes, and only once.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum WriteRefusals {
    #[response(
        status = 400,
        description = "No Idempotency-Key.",
        content_type = "application/problem+json"
    )]
    NoIdempotencyKey(Problem),
    #[response(
        status = 403,
        description = "A read-only key.",
        content_type = "application/problem+json"
    )]
    ReadOnlyKey(Problem),
}

/// What recording a notification did.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NotificationReply {
    /// How the transfer settled the invoices its memo names (for a repeat: how it did the first time).
    outcome: Outcome,
    /// False when the transfer was already known: nothing changed.
    recorded: bool,
}

/// SePay's expected answer (anything else makes SePay retry).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SepayReply {
    success: bool,
    outcome: Option<Outcome>,
    recorded: bool,
}

/// The `/api/v1` routes and their document.
pub fn router() -> (Router<RpcState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(bank::notify))
        .routes(routes!(bank::sepay))
        .routes(routes!(receipts::keys))
        .routes(routes!(gateway::ipn))
        .routes(routes!(students_api::list, students_api::upsert))
        .routes(routes!(students_api::one))
        .routes(routes!(students_api::classes, students_api::create_class))
        .routes(routes!(fees_api::list, fees_api::create))
        .routes(routes!(fees_api::update))
        .routes(routes!(fees_api::run))
        .routes(routes!(invoices_api::list))
        .routes(routes!(invoices_api::one))
        .routes(routes!(payments_api::payments))
        .routes(routes!(payments_api::receipts))
        .split_for_parts()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_openapi_3_1_and_lists_every_route() {
        let (_, doc) = super::router();
        let json: serde_json::Value = serde_json::from_str(&doc.to_json().unwrap()).unwrap();
        assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
        let mut paths: Vec<&String> = json["paths"].as_object().unwrap().keys().collect();
        paths.sort();
        assert_eq!(
            paths,
            vec![
                "/api/v1/bank-notifications",
                "/api/v1/classes",
                "/api/v1/fee-items",
                "/api/v1/fee-items/{id}",
                "/api/v1/invoice-runs",
                "/api/v1/invoices",
                "/api/v1/invoices/{code}",
                "/api/v1/payments",
                "/api/v1/receipts",
                "/api/v1/schools/{school}/receipt-keys",
                "/api/v1/sepay/{school}",
                "/api/v1/students",
                "/api/v1/students/{code}",
                "/api/v1/vnpay/ipn",
            ]
        );
        for path in json["paths"].as_object().unwrap().values() {
            let Some(post) = path.get("post") else {
                continue;
            };
            assert!(post["responses"]["401"].is_object(), "{post}");
            assert!(post["requestBody"].is_object(), "{post}");
        }
    }
}
