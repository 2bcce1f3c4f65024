//! `/api/v1/students` and `/api/v1/classes` for school management software,
//! with the school's API key: list what changed since a time, page by page;
//! one student by code; bulk upsert by student code, all or nothing.

use super::api_key_auth::{caller, poster, reader};
use super::paging::{paged, Window};
use super::problem::{json, ApiError};
use super::rpc::RpcState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hocphi_app::domain::student_import::{self, Cell};
use hocphi_app::server::students::{self, StudentChange};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Students per upsert request.
const MAX_BATCH: usize = 10_000;

/// A student as the API shows it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ApiStudent {
    /// The school's student code (upper case, no spaces).
    code: String,
    full_name: String,
    /// `YYYY-MM-DD`.
    date_of_birth: String,
    /// The class this school year.
    class: Option<String>,
    /// `YYYY-MM-DD`, if the student left.
    left_on: Option<String>,
    /// Unix seconds of the last change.
    updated_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StudentPage {
    items: Vec<ApiStudent>,
    /// Where to resume: pass as `after` (now, while `has_more`, or at the next sync).
    next: String,
    /// More changes are waiting: ask again with `after=next`.
    has_more: bool,
}

/// Which page of what changed.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// Only records changed at or after this time (Unix seconds).
    updated_since: Option<i64>,
    /// The `next` value of the previous page.
    after: Option<String>,
    /// 1 to 1000 (default 200).
    limit: Option<i64>,
}

impl ChangesQuery {
    pub fn window(&self) -> Result<Window, ApiError> {
        Window::parse(self.updated_since, self.after.as_deref(), self.limit)
    }
}

fn api_student(row: StudentChange) -> ApiStudent {
    ApiStudent {
        code: row.code,
        full_name: row.full_name,
        date_of_birth: row.date_of_birth,
        class: row.class_name,
        left_on: row.left_on,
        updated_at: row.updated_at,
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/students",
    tag = "students",
    params(ChangesQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of students, oldest change first.", body = StudentPage),
        (status = 400, description = "A malformed query.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
    )
)]
pub async fn list(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let (q, who) = reader(&rpc, &headers, query).await?;
    let window = q.window()?;
    let year = students::current_year(state, who.school_id).await?;
    let rows = students::changes(
        &state.db,
        who.school_id,
        year,
        window.since,
        window.after,
        window.limit + 1,
    )
    .await?;
    let page = paged(rows, window, |r| r.change_no);
    let items = page.items.into_iter().map(api_student).collect();
    Ok(json(
        StatusCode::OK,
        serde_json::to_value(StudentPage {
            items,
            next: page.next,
            has_more: page.has_more,
        })
        .unwrap_or_default(),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/students/{code}",
    tag = "students",
    params(("code" = String, Path, description = "The school's student code.")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The student.", body = ApiStudent),
        (status = 404, description = "No student with this code at the key's school.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
    )
)]
pub async fn one(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let who = caller(&rpc, &headers).await?;
    let year = students::current_year(state, who.school_id).await?;
    let row = students::by_code(&state.db, who.school_id, year, &code).await?;
    let row = row.ok_or_else(|| {
        ApiError::not_found("not-found", "No student with this code at this school.")
    })?;
    Ok(json(
        StatusCode::OK,
        serde_json::to_value(api_student(row)).unwrap_or_default(),
    ))
}

/// One student to add or update, by code.
#[derive(Deserialize, ToSchema)]
pub struct StudentIn {
    /// 1 to 32 letters or digits.
    #[schema(pattern = "^[A-Za-z0-9]{1,32}$")]
    code: String,
    #[schema(min_length = 2, max_length = 100, pattern = r"\S\s+\S")]
    full_name: String,
    /// `YYYY-MM-DD` or `DD/MM/YYYY`.
    #[schema(
        pattern = "^(20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[1-9]|1[0-9]|2[0-8])/(0[1-9]|1[0-2])/20[0-9]{2})$"
    )]
    date_of_birth: String,
    /// The class this school year, e.g. `3A` (its grade is read from the name).
    #[schema(pattern = "^([1-9]|1[0-2])[A-Z][0-9]?$")]
    class: String,
}

#[derive(Deserialize, ToSchema)]
pub struct UpsertBody {
    #[schema(min_items = 1, max_items = 10_000)]
    students: Vec<StudentIn>,
}

#[derive(Serialize, ToSchema)]
pub struct UpsertResult {
    created: usize,
    updated: usize,
    unchanged: usize,
}

#[utoipa::path(
    post,
    path = "/api/v1/students",
    tag = "students",
    request_body = UpsertBody,
    params(("Idempotency-Key" = String, Header, description = "Any unique string per distinct request: a repeat returns the first answer and writes nothing.")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Written, all of it.", body = UpsertResult),
        (status = 422, description = "Rows with problems (each named, by its index from 1); nothing was written. Or an Idempotency-Key reused with another body.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
        super::api::WriteRefusals,
    )
)]
pub async fn upsert(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let (who, fresh) = poster(&rpc, "/api/v1/students", &headers, &body).await?;
    let input = serde_json::from_slice::<UpsertBody>(&body).map_err(|_| {
        ApiError::unprocessable(
            "malformed",
            "The body must be {\"students\": [{\"code\", \"full_name\", \"date_of_birth\", \"class\"}]}.",
        )
    })?;
    if input.students.is_empty() || input.students.len() > MAX_BATCH {
        return Err(ApiError::unprocessable(
            "invalid",
            format!("Send 1 to {MAX_BATCH} students per request."),
        ));
    }
    // The same checks as a spreadsheet import: one header row, then the students.
    let mut sheet = vec![["Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp"]
        .map(|h| Cell::Text(h.into()))
        .to_vec()];
    sheet.extend(input.students.iter().map(|s| {
        let birth = hocphi_app::domain::date::Date::parse_iso(s.date_of_birth.trim())
            .map(|d| d.dmy())
            .unwrap_or_else(|_| s.date_of_birth.clone());
        vec![
            Cell::Text(s.code.clone()),
            Cell::Text(s.full_name.clone()),
            Cell::Text(birth),
            Cell::Text(s.class.clone()),
        ]
    }));
    let (records, errors) = student_import::parse(&sheet, state.clock.today())
        .map_err(|e| ApiError::unprocessable("invalid", format!("{e:?}")))?;
    if !errors.is_empty() {
        // Spreadsheet rows count the header as row 1: the API counts students from 1.
        let detail = errors
            .iter()
            .take(50)
            .map(|e| format!("student {}: {:?}", e.row - 1, e.problem))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ApiError::unprocessable(
            "invalid-rows",
            format!("Nothing was written. {detail}"),
        ));
    }
    let now = state.clock.now();
    let mut tx = hocphi_app::server::database::begin_write(&state.db).await?;
    let (created, updated, unchanged) =
        students::upsert_records(&mut tx, state, who.school_id, &records).await?;
    let result =
        serde_json::json!({"created": created, "updated": updated, "unchanged": unchanged});
    who.audit(
        &mut tx,
        now,
        "api_upsert",
        "student",
        records.len(),
        result.clone(),
    )
    .await?;
    fresh.store(&mut tx, StatusCode::OK, &result, now).await?;
    tx.commit().await?;
    Ok(json(StatusCode::OK, result))
}

/// A class this school year.
#[derive(Serialize, ToSchema)]
pub struct ApiClass {
    name: String,
    grade: i64,
    /// Students enrolled who have not left.
    students: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ClassList {
    items: Vec<ApiClass>,
}

#[utoipa::path(
    get,
    path = "/api/v1/classes",
    tag = "students",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The school's classes this school year (made by upserting students into them).", body = ClassList),
        super::api::KeyRefusals,
    )
)]
pub async fn classes(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let who = caller(&rpc, &headers).await?;
    let year = students::current_year(state, who.school_id).await?;
    let items = students::classes(&state.db, who.school_id, year)
        .await?
        .into_iter()
        .map(|c| ApiClass {
            name: c.name,
            grade: c.grade,
            students: c.students,
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        serde_json::to_value(ClassList { items }).unwrap_or_default(),
    ))
}

/// A class to make before its students arrive.
#[derive(Deserialize, ToSchema)]
pub struct ClassIn {
    /// E.g. `3A`, `10A1`; 1 to 20 characters.
    #[schema(min_length = 1, max_length = 20, pattern = r"\S")]
    name: String,
    /// 0 (preschool) to 12; read from the name's leading number when absent.
    #[schema(minimum = 0, maximum = 12)]
    grade: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ClassMade {
    name: String,
    grade: i64,
    /// False: it already existed (nothing changed).
    created: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/classes",
    tag = "students",
    request_body = ClassIn,
    params(("Idempotency-Key" = String, Header, description = "Any unique string per distinct request: a repeat returns the first answer and writes nothing.")),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The class exists this school year (made now, or before).", body = ClassMade),
        (status = 422, description = "No usable name or grade, or an Idempotency-Key reused with another body.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
        super::api::WriteRefusals,
    )
)]
pub async fn create_class(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let (who, fresh) = poster(&rpc, "/api/v1/classes", &headers, &body).await?;
    let input = serde_json::from_slice::<ClassIn>(&body).ok();
    let name = input
        .as_ref()
        .and_then(|c| hocphi_app::domain::validate::text(&c.name, 20));
    let grade = input.as_ref().and_then(|c| match c.grade {
        Some(g) => (0..=12).contains(&g).then_some(g),
        None => name.as_deref().and_then(student_import::grade_from_class),
    });
    let (Some(name), Some(grade)) = (name, grade) else {
        return Err(ApiError::unprocessable(
            "invalid",
            "Send {\"name\": \"3A\"} (1 to 20 characters), with \"grade\" 0 to 12 when the name does not start with it.",
        ));
    };
    let year = students::current_year(state, who.school_id).await?;
    let now = state.clock.now();
    let mut tx = hocphi_app::server::database::begin_write(&state.db).await?;
    // "4b" when the school has 4B is 4B, which existed.
    let name = students::known_class(&mut tx, who.school_id, year, &name).await?;
    let existed =
        hocphi_app::server::classes::class_id_by_name(&mut *tx, who.school_id, year, &name).await?;
    let id = students::ensure_class(&mut tx, who.school_id, year, &name, grade).await?;
    let result = serde_json::to_value(ClassMade {
        name: name.clone(),
        grade,
        created: existed.is_none(),
    })
    .unwrap_or_default();
    if existed.is_none() {
        who.audit(&mut tx, now, "api_create", "class", id, result.clone())
            .await?;
    }
    fresh
        .store(&mut tx, StatusCode::CREATED, &result, now)
        .await?;
    tx.commit().await?;
    Ok(json(StatusCode::CREATED, result))
}
