//! RFC 9457 problem details: how every `/api/v1` endpoint reports a failure, so
//! integrators can tell the failures apart by `type` and act on them. Each
//! carries the request's id (`request_id`, also in the `x-request-id` header),
//! and every server-side failure (5xx) is logged with it.

use super::request_id;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hocphi_app::error::AppError;
use hocphi_app::i18n::{field_problem, staff_error_message, Lang};
use std::borrow::Cow;

pub const PROBLEM_BASE: &str = "https://hocphi.example/problems/";

/// What a REST handler's failure answers: a problem document (or, for an
/// idempotent repeat, the first answer again). Handlers return
/// `Result<_, ApiError>` and use `?`; the status comes from what went wrong.
#[derive(Debug)]
pub struct ApiError(Failure);

#[derive(Debug)]
enum Failure {
    Problem {
        status: StatusCode,
        kind: &'static str,
        detail: Cow<'static, str>,
        /// Seconds to wait before asking again, sent as `Retry-After`.
        retry_after: Option<u64>,
        /// What went wrong on the server: for the log, never for the caller.
        cause: Option<String>,
    },
    /// Not a failure: the answer an `Idempotency-Key` already got, sent again.
    /// It ends the request early the way a failure does.
    Answered(Response),
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError(Failure::Problem {
            status,
            kind,
            detail: detail.into(),
            retry_after: None,
            cause: None,
        })
    }

    /// 400: the request cannot be read (a query, a header).
    pub fn bad_request(kind: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, kind, detail)
    }

    /// 422: the body is read, but what it asks is not valid.
    pub fn unprocessable(kind: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, kind, detail)
    }

    pub fn not_found(kind: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, kind, detail)
    }

    /// 503 "try again shortly": the database did not answer in time.
    pub fn unavailable() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Nothing was changed; try again shortly.",
        )
    }

    /// 500: a fault on this side; what it was goes to the log only.
    pub fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on hocphi's side; nothing was half-written. Try again.",
        )
    }

    /// An answer already made (an idempotent repeat's first answer).
    pub fn answered(response: Response) -> Self {
        ApiError(Failure::Answered(response))
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        if let Failure::Problem { retry_after, .. } = &mut self.0 {
            *retry_after = Some(secs);
        }
        self
    }

    /// Keeps what went wrong for the log line (a 5xx is logged; the caller
    /// never sees the cause).
    pub fn cause(mut self, why: impl std::fmt::Display) -> Self {
        if let Failure::Problem { cause, .. } = &mut self.0 {
            *cause = Some(why.to_string());
        }
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, detail, retry_after, cause) = match self.0 {
            Failure::Answered(response) => return response,
            Failure::Problem {
                status,
                kind,
                detail,
                retry_after,
                cause,
            } => (status, kind, detail, retry_after, cause),
        };
        log(status, kind, &detail, cause.as_deref());
        let mut response = document(status, kind, &detail);
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        response
    }
}

/// The problem `type` (after `PROBLEM_BASE`) of each application error.
fn kind_of(e: &AppError) -> &'static str {
    match e {
        AppError::NoMatch | AppError::NotFound => "not-found",
        AppError::TooManyAttempts { .. } => "rate-limited",
        AppError::InvalidInput(_) => "invalid",
        AppError::AccessExpired => "access-expired",
        AppError::CrossSite => "cross-site",
        AppError::NotSignedIn => "not-signed-in",
        AppError::Forbidden => "forbidden",
        AppError::BadCredentials => "bad-credentials",
        AppError::LinkInvalid => "link-invalid",
        AppError::UsernameTaken => "username-taken",
        AppError::SlugTaken => "slug-taken",
        AppError::ImportRejected => "import-rejected",
        AppError::PaymentAlreadySettled => "payment-already-settled",
        AppError::AllocationTooLarge => "allocation-too-large",
        AppError::CreditAlreadyUsed => "credit-already-used",
        AppError::CardApprovalUsed => "card-approval-used",
        AppError::InvoiceAlreadyPaid => "invoice-already-paid",
        AppError::RefundTooLarge => "refund-too-large",
        AppError::File(_) => "file-refused",
        AppError::TooLarge { .. } => "too-large",
        AppError::Busy => "busy",
        AppError::SecondPersonNeeded => "second-person-needed",
        AppError::Internal => "internal",
        AppError::Network(_) => "upstream",
        AppError::ReportAlreadySubmitted { .. } => "report-already-submitted",
        AppError::Certificate(_) => "certificate-refused",
        AppError::ImportCutShort { .. } => "import-cut-short",
    }
}

/// Every application error by the status the server functions answer it with
/// (`AppError::http_status`: one table for both), its own `type`, and the
/// English words the staff app shows for it.
impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        if e == AppError::Internal {
            // Its cause was logged where it happened (e.g. the database error).
            return ApiError::internal().cause("internal error (logged above)");
        }
        let status =
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let detail: Cow<'static, str> = match &e {
            // The words the API has always sent for these.
            AppError::InvalidInput(field) => field_problem(Lang::En, *field).into(),
            AppError::NotFound => "Not found at this school.".into(),
            other => staff_error_message(Lang::En, other).into(),
        };
        let error = ApiError::new(status, kind_of(&e), detail);
        match e {
            AppError::TooManyAttempts { retry_after_secs } => error.retry_after(retry_after_secs),
            AppError::Network(why) => error.cause(why),
            _ if status.is_server_error() => error.cause(e),
            _ => error,
        }
    }
}

/// A database error: "try again" when the database was busy or out of reach,
/// a 500 when the query itself failed (a bug). Logged either way.
impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        let error = if transient(&e) {
            ApiError::unavailable()
        } else {
            ApiError::internal()
        };
        error.cause(format!("database error: {e}"))
    }
}

/// Errors that go away by themselves: no connection, a full pool, a lock.
fn transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::WorkerCrashed => true,
        // SQLite busy/locked; PostgreSQL serialization failure, deadlock, lock
        // not available, too many connections, starting up.
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            Some("5" | "6" | "517" | "40001" | "40P01" | "55P03" | "53300" | "57P03")
        ),
        _ => false,
    }
}

/// A server-side failure is an error in the log, with the request's id; what
/// the caller got wrong is not (the request line already counts it).
fn log(status: StatusCode, kind: &str, detail: &str, cause: Option<&str>) {
    if status.is_server_error() {
        tracing::error!(
            request_id = request_id::current().as_deref().unwrap_or("-"),
            status = status.as_u16(),
            kind,
            cause = cause.unwrap_or(detail),
            "request failed on the server"
        );
    } else {
        tracing::debug!(status = status.as_u16(), kind, "request refused");
    }
}

/// The problem document itself.
fn document(status: StatusCode, kind: &str, detail: &str) -> Response {
    let mut body = serde_json::json!({
        "type": format!("{PROBLEM_BASE}{kind}"),
        "title": kind.replace('-', " "),
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(id) = request_id::current() {
        body["request_id"] = id.into();
    }
    (
        status,
        [("content-type", "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// A problem document made in place (the bank and gateway endpoints, the
/// body limit, a panic): logged like an `ApiError` when it is the server's fault.
pub fn problem(status: StatusCode, kind: &str, detail: &str) -> Response {
    log(status, kind, detail, None);
    document(status, kind, detail)
}

pub fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_application_error_has_its_own_status() {
        use hocphi_app::domain::student_import::FileProblem;
        use hocphi_app::error::{CertificateProblem, Field};
        let cases = [
            (AppError::NoMatch, 404),
            (AppError::NotFound, 404),
            (
                AppError::TooManyAttempts {
                    retry_after_secs: 30,
                },
                429,
            ),
            (AppError::InvalidInput(Field::Amount), 422),
            (AppError::AccessExpired, 401),
            (AppError::CrossSite, 403),
            (AppError::NotSignedIn, 401),
            (AppError::Forbidden, 403),
            (AppError::BadCredentials, 401),
            (AppError::LinkInvalid, 410),
            (AppError::UsernameTaken, 409),
            (AppError::SlugTaken, 409),
            (AppError::ImportRejected, 422),
            (AppError::PaymentAlreadySettled, 409),
            (AppError::AllocationTooLarge, 422),
            (AppError::CreditAlreadyUsed, 409),
            (AppError::CardApprovalUsed, 409),
            (AppError::InvoiceAlreadyPaid, 409),
            (AppError::RefundTooLarge, 422),
            (AppError::File(FileProblem::Empty), 422),
            (AppError::TooLarge { limit_bytes: 10 }, 413),
            (AppError::Busy, 503),
            (AppError::SecondPersonNeeded, 409),
            (AppError::Internal, 500),
            (AppError::Network("x".into()), 502),
            (AppError::ReportAlreadySubmitted { submitted_at: 0 }, 409),
            (
                AppError::Certificate(CertificateProblem::WrongPassword),
                422,
            ),
        ];
        for (e, status) in cases {
            let kind = kind_of(&e);
            let response = ApiError::from(e.clone()).into_response();
            assert_eq!(response.status().as_u16(), status, "{e:?}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
            assert!(!kind.is_empty());
        }
        let limited = ApiError::from(AppError::TooManyAttempts {
            retry_after_secs: 30,
        })
        .into_response();
        assert_eq!(limited.headers()["retry-after"], "30");
    }
}
