//! The homeroom teacher's class: who has paid, links for families, and the
//! public class notice behind a class link.

use crate::error::AppError;
use crate::model::{ChildAccess, ClassNotice};
use crate::staff::{ClassView, OneTimeLink, PrintedNotice, TeacherClass};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// How long a per-student link works.
pub const STUDENT_LINK_TTL_SECS: i64 = 30 * 24 * 3600;

#[cfg(feature = "ssr")]
mod imp {
    use crate::error::AppError;
    use crate::server::auth::Staff;
    use crate::server::state::Db;
    use crate::staff::Role;

    /// The class's school, if this staff member may see the class: its homeroom
    /// teacher, or the school's accountant or an officer supervising it.
    pub async fn class_school(db: &Db, staff: &Staff, class_id: i64) -> Result<i64, AppError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT school_id FROM class WHERE id = $1")
            .bind(class_id)
            .fetch_optional(db)
            .await?;
        let (school_id,) = row.ok_or(AppError::Forbidden)?;
        staff.check_read(db, school_id).await?;
        if staff.role == Role::Teacher {
            let mine: Option<(i64,)> =
                sqlx::query_as("SELECT 1 FROM class_teacher WHERE class_id = $1 AND staff_id = $2")
                    .bind(class_id)
                    .bind(staff.id)
                    .fetch_optional(db)
                    .await?;
            mine.ok_or(AppError::Forbidden)?;
        }
        Ok(school_id)
    }

    /// The current class of a student, checked the same way.
    pub async fn student_class(db: &Db, staff: &Staff, student_id: i64) -> Result<i64, AppError> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT e.class_id FROM enrolment e WHERE e.student_id = $1 ORDER BY e.school_year_id DESC LIMIT 1",
        )
        .bind(student_id)
        .fetch_optional(db)
        .await?;
        let (class_id,) = row.ok_or(AppError::Forbidden)?;
        class_school(db, staff, class_id).await?;
        Ok(class_id)
    }
}

/// The classes this staff member can open: a teacher's own, or all of the school's.
#[server(prefix = "/rpc", endpoint = "classes/mine", input = Json)]
pub async fn my_classes(school_id: i64) -> Result<Vec<TeacherClass>, AppError> {
    use crate::staff::Role;
    let (state, staff) = crate::server::auth::school_reader(school_id).await?;
    let year = crate::api::students::current_year_id(&state, school_id).await?;
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.name FROM class c WHERE c.school_id = $1 AND c.school_year_id = $2 \
         AND ($3 IS NULL OR c.id IN (SELECT class_id FROM class_teacher WHERE staff_id = $3)) ORDER BY c.grade, c.name",
    )
    .bind(school_id)
    .bind(year)
    .bind((staff.role == Role::Teacher).then_some(staff.id))
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| TeacherClass { id, name })
        .collect())
}

/// Paid, partly paid and unpaid per student for a period (default: the class's latest).
#[server(prefix = "/rpc", endpoint = "classes/view", input = Json)]
pub async fn load_class_view(class_id: i64, period: Option<String>) -> Result<ClassView, AppError> {
    use crate::domain::date::{Date, Month};
    use crate::domain::invoice_status::InvoiceStatus;
    use crate::domain::money::Vnd;
    use crate::staff::ClassViewRow;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    imp::class_school(&state.db, &staff, class_id).await?;
    let (class_name, slug, school_id): (String, String, i64) = sqlx::query_as(
        "SELECT c.name, sc.slug, sc.id FROM class c JOIN school sc ON sc.id = c.school_id WHERE c.id = $1",
    )
    .bind(class_id)
    .fetch_one(&state.db)
    .await?;
    crate::server::audit::viewed(&state, &staff, school_id, "class", class_id).await?;
    let period = match period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Month::parse_typed(p)
            .map_err(|_| AppError::InvalidInput(crate::error::Field::Period))?,
        None => {
            // NULL for a class with no invoice yet (a class just imported).
            let (latest,): (Option<String>,) = sqlx::query_as(
                "SELECT MAX(period) FROM invoice WHERE class_id = $1 AND voided_at IS NULL",
            )
            .bind(class_id)
            .fetch_one(&state.db)
            .await?;
            latest
                .and_then(|p| Month::parse(&p).ok())
                .unwrap_or_else(|| Month::of(state.clock.today()))
        }
    };
    let year = crate::api::students::current_year_id(&state, school_id).await?;
    type Row = (
        i64,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id, s.code, s.full_name, i.total, i.due_on, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
         FROM enrolment e JOIN student s ON s.id = e.student_id \
         LEFT JOIN invoice i ON i.student_id = s.id AND i.period = $2 AND i.voided_at IS NULL \
         WHERE e.class_id = $1 AND e.school_year_id = $3 AND s.left_on IS NULL ORDER BY s.full_name",
    )
    .bind(class_id)
    .bind(period.to_string())
    .bind(year)
    .fetch_all(&state.db)
    .await?;
    let today = state.clock.today();
    let mut due_on = None;
    let mut rows: Vec<Row> = rows;
    // The register's order: given name first, Vietnamese alphabet.
    rows.sort_by(|a, b| crate::domain::collate::name_cmp(&a.2, &b.2));
    let rows = rows
        .into_iter()
        .map(|(student_id, code, full_name, total, due, paid)| {
            let due = due.and_then(|d| Date::parse_iso(&d).ok());
            due_on = due_on.or(due);
            let (total, paid) = (Vnd::new(total.unwrap_or(0)), Vnd::new(paid.unwrap_or(0)));
            let status = due.map(|d| InvoiceStatus::derive(total, paid, d, today, false));
            ClassViewRow {
                student_id,
                code,
                full_name,
                total,
                paid,
                status,
            }
        })
        .collect();
    Ok(ClassView {
        class_name,
        school_slug: slug,
        period,
        due_on,
        rows,
    })
}

/// A private link that opens one child's invoices on the family's phone, for 30
/// days or until revoked. Only its hash is stored.
#[server(prefix = "/rpc", endpoint = "classes/student-link", input = Json)]
pub async fn create_student_link(student_id: i64) -> Result<OneTimeLink, AppError> {
    use crate::server::auth::{random_secret, secret_hash};
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    imp::student_class(&state.db, &staff, student_id).await?;
    let secret = random_secret();
    let now = state.clock.now();
    sqlx::query(
        "INSERT INTO student_link (token_hash, student_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(secret_hash(&secret))
    .bind(student_id)
    .bind(staff.id)
    .bind(now)
    .bind(now + STUDENT_LINK_TTL_SECS)
    .execute(&state.db)
    .await?;
    Ok(OneTimeLink {
        path: format!("/l/{secret}"),
        expires_at: now + STUDENT_LINK_TTL_SECS,
    })
}

/// Ends every link handed out for this student (a phone lost, a link forwarded).
#[server(prefix = "/rpc", endpoint = "classes/revoke-links", input = Json)]
pub async fn revoke_student_links(student_id: i64) -> Result<u64, AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    imp::student_class(&state.db, &staff, student_id).await?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let done = sqlx::query(
        "UPDATE student_link SET revoked_at = $1 WHERE student_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(student_id)
    .execute(&mut *tx)
    .await?;
    // The phones that opened a link keep a token for the child: those end too.
    crate::api::parent::imp::end_child_access(&mut tx, student_id, now).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Opens a per-student link: the device gets the same access a lookup gives.
#[server(prefix = "/rpc", endpoint = "link", output = leptos::server_fn::codec::Postcard)]
pub async fn redeem_student_link(secret: String) -> Result<ChildAccess, AppError> {
    use crate::server::auth::secret_hash;
    let state = crate::server::state::app_state()?;
    let now = state.clock.now();
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT student_id FROM student_link WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(secret_hash(secret.trim()))
    .bind(now)
    .fetch_optional(&state.db)
    .await?;
    let (student_id,) = row.ok_or(AppError::LinkInvalid)?;
    crate::api::parent::access_for(&state, student_id, now).await
}

/// What a class link shows anyone: the class's fees, no personal data.
#[server(prefix = "/rpc", endpoint = "class-notice", output = leptos::server_fn::codec::Postcard)]
pub async fn load_class_notice(
    school: String,
    class_name: String,
) -> Result<ClassNotice, AppError> {
    use crate::domain::money::Vnd;
    let state = crate::server::state::app_state()?;
    let (school_id, school_name): (i64, String) =
        sqlx::query_as("SELECT id, name FROM school WHERE slug = $1")
            .bind(school.trim())
            .fetch_optional(&state.db)
            .await?
            .ok_or(AppError::NotFound)?;
    let year = crate::api::students::current_year_id(&state, school_id).await?;
    // The class by its name this year, else the class that had this name before
    // it was renamed (a link sent before the correction), under its new name.
    let found: Option<(String, i64)> = sqlx::query_as(
        "SELECT name, grade FROM class WHERE school_id = $1 AND name = $2 AND school_year_id = $3",
    )
    .bind(school_id)
    .bind(class_name.trim())
    .bind(year)
    .fetch_optional(&state.db)
    .await?;
    let found = match found {
        Some(class) => Some(class),
        None => sqlx::query_as(
            "SELECT c.name, c.grade FROM class_former_name f JOIN class c ON c.id = f.class_id \
                 WHERE c.school_id = $1 AND c.school_year_id = $2 AND f.name = $3 \
                 ORDER BY f.renamed_at DESC LIMIT 1",
        )
        .bind(school_id)
        .bind(year)
        .bind(class_name.trim())
        .fetch_optional(&state.db)
        .await?,
    };
    let (class_name, grade) = found.ok_or(AppError::NotFound)?;
    let fees = crate::api::fees::imp::fee_items(&state.db, school_id)
        .await?
        .into_iter()
        .filter(|f| f.active && f.scope.covers(grade, &class_name))
        .map(|f| (f.name, Vnd::new(f.amount.dong()), f.unit, f.mandatory))
        .collect();
    Ok(ClassNotice {
        school_name,
        class_name,
        fees,
    })
}

/// The printed notices of a class for a period (for families without a
/// smartphone): each child's itemised invoice with its QR and the school's
/// contacts, in the register's order. `student_id` narrows it to one child.
#[server(prefix = "/rpc", endpoint = "classes/notices", input = Json)]
pub async fn print_notices(
    class_id: i64,
    period: String,
    student_id: Option<i64>,
) -> Result<Vec<PrintedNotice>, AppError> {
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    printed_notices(&state, &staff, class_id, &period, student_id).await
}

/// The notices of a class for a period, for the print page and the class's PDF
/// (the server's `/staff/notices/…` address): the same figures on screen and on
/// paper, for whoever may see the class.
#[cfg(feature = "ssr")]
pub async fn printed_notices(
    state: &crate::server::state::AppState,
    staff: &crate::server::auth::Staff,
    class_id: i64,
    period: &str,
    student_id: Option<i64>,
) -> Result<Vec<PrintedNotice>, AppError> {
    use crate::domain::invoice_code::InvoiceCode;
    use crate::domain::money::Vnd;
    use crate::domain::notice;
    let school_id = imp::class_school(&state.db, staff, class_id).await?;
    // Children's names and codes leave on paper or as a file: recorded as seen.
    crate::server::audit::viewed(state, staff, school_id, "class_notices", class_id).await?;
    // invoice id, student id, code, name, student code, school slug
    type Row = (i64, i64, String, String, String, String);
    let mut rows: Vec<Row> = sqlx::query_as(
        "SELECT i.id, i.student_id, i.code, s.full_name, s.code, sc.slug FROM invoice i \
         JOIN student s ON s.id = i.student_id JOIN school sc ON sc.id = i.school_id \
         WHERE i.class_id = $1 AND i.period = $2 AND i.voided_at IS NULL AND ($3 IS NULL OR i.student_id = $3)",
    )
    .bind(class_id)
    .bind(period.trim())
    .bind(student_id)
    .fetch_all(&state.db)
    .await?;
    // The register's order: given name first, Vietnamese alphabet.
    rows.sort_by(|a, b| crate::domain::collate::name_cmp(&a.3, &b.3));
    let today = state.clock.today();
    let mut out = Vec::new();
    for (invoice_id, student_id, code, _, student_code, school_slug) in rows {
        let code = InvoiceCode::parse(&code).map_err(|_| AppError::Internal)?;
        let detail =
            crate::server::parent_queries::invoice_detail(&state.db, student_id, &code, today)
                .await?;
        // fee, voluntary, is a fee line, description, amount, declined
        type LineRow = (Option<i64>, i64, i64, String, i64, i64);
        let lines: Vec<LineRow> = sqlx::query_as(
            "SELECT l.fee_item_id, CASE WHEN f.mandatory = 0 THEN 1 ELSE 0 END, \
                CASE WHEN l.kind = 'fee' THEN 1 ELSE 0 END, l.description, l.amount, l.declined \
             FROM invoice_line l LEFT JOIN fee_item f ON f.id = l.fee_item_id \
             WHERE l.invoice_id = $1 ORDER BY l.position",
        )
        .bind(invoice_id)
        .fetch_all(&state.db)
        .await?;
        let lines: Vec<notice::Line> = lines
            .into_iter()
            .map(
                |(fee_item, voluntary, is_fee, description, amount, declined)| notice::Line {
                    fee_item,
                    voluntary: voluntary == 1,
                    is_fee: is_fee == 1,
                    description,
                    amount: Vnd::new(amount),
                    declined: declined == 1,
                },
            )
            .collect();
        out.push(PrintedNotice {
            figures: notice::figures(&lines, detail.summary.paid),
            detail,
            student_code,
            school_slug,
        });
    }
    Ok(out)
}

/// Makes a teacher of the school the homeroom teacher of a class this year (by
/// the school's accountant): the class then appears in their class view.
#[server(prefix = "/rpc", endpoint = "classes/assign-teacher", input = Json)]
pub async fn assign_teacher(
    school_id: i64,
    staff_id: i64,
    class_name: String,
) -> Result<(), AppError> {
    use crate::staff::Role;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    staff.require(Role::Accountant)?;
    staff.check_write(&state.db, school_id).await?;
    let teacher = crate::server::auth::staff_by_id(&state.db, staff_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if teacher.role != Role::Teacher || teacher.school_id != Some(school_id) {
        return Err(AppError::Forbidden);
    }
    let year = crate::api::students::current_year_id(&state, school_id).await?;
    let class: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM class WHERE school_id = $1 AND school_year_id = $2 AND name = $3",
    )
    .bind(school_id)
    .bind(year)
    .bind(class_name.trim())
    .fetch_optional(&state.db)
    .await?;
    let (class_id,) = class.ok_or(AppError::InvalidInput(crate::error::Field::ClassName))?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO class_teacher (class_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(class_id)
    .bind(staff_id)
    .execute(&mut *tx)
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "assign", "class_teacher", staff_id)
            .after(serde_json::json!({"class": class_name.trim()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Corrects a class's name (a typo such as "3 A" for "3A"): its invoices and
/// notices follow, as they point at the class; fees limited to the class follow
/// too; school software reading the API sees its children change. Links already
/// sent keep working: the old name is kept as a way in (`class_former_name`),
/// unless a class of the year takes that name later, which then wins. Refused
/// when another class of the year already has the name.
#[server(prefix = "/rpc", endpoint = "classes/rename", input = Json)]
pub async fn rename_class(school_id: i64, class_id: i64, name: String) -> Result<(), AppError> {
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 20 {
        return Err(AppError::InvalidInput(Field::ClassName));
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let current: Option<(String, i64, i64)> = sqlx::query_as(
        "SELECT name, school_year_id, grade FROM class WHERE id = $1 AND school_id = $2",
    )
    .bind(class_id)
    .bind(school_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (before, year, stored_grade) = current.ok_or(AppError::NotFound)?;
    // "Lá 1" (preschool) has no grade in its name: it keeps the one it has.
    let grade = crate::domain::student_import::grade_from_class(&name).unwrap_or(stored_grade);
    if before == name {
        return Ok(());
    }
    let taken: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM class WHERE school_id = $1 AND school_year_id = $2 AND name = $3",
    )
    .bind(school_id)
    .bind(year)
    .bind(&name)
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        return Err(AppError::InvalidInput(Field::ClassTaken));
    }
    sqlx::query("UPDATE class SET name = $1, grade = $2 WHERE id = $3")
        .bind(&name)
        .bind(grade)
        .bind(class_id)
        .execute(&mut *tx)
        .await?;
    // The old name still leads to the class: links sent to parents carry it.
    sqlx::query(
        "INSERT INTO class_former_name (class_id, name, renamed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (class_id, name) DO UPDATE SET renamed_at = excluded.renamed_at",
    )
    .bind(class_id)
    .bind(&before)
    .bind(state.clock.now())
    .execute(&mut *tx)
    .await?;
    // The API's change numbers: its readers see the children's new class name.
    sqlx::query("UPDATE enrolment SET class_id = class_id WHERE class_id = $1")
        .bind(class_id)
        .execute(&mut *tx)
        .await?;
    // Fees limited to the class by name follow it, or next month would leave them out.
    let fees: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, grades FROM fee_item WHERE school_id = $1 AND grades <> ''")
            .bind(school_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut fees_moved = Vec::new();
    for (fee_id, grades) in fees {
        let Some(mut scope) = crate::domain::validate::FeeScope::parse(&grades) else {
            continue;
        };
        if scope.rename_class(&before, &name) {
            sqlx::query("UPDATE fee_item SET grades = $1 WHERE id = $2")
                .bind(scope.text())
                .bind(fee_id)
                .execute(&mut *tx)
                .await?;
            fees_moved.push(fee_id);
        }
    }
    crate::server::audit::by_staff_and_commit(
        tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "rename", "class", class_id)
            .before(serde_json::json!({"name": before}))
            .after(serde_json::json!({"name": name, "fees": fees_moved})),
    )
    .await
}

/// Removes a class made by mistake: only one with no student in it and no
/// invoice ever issued to it (a voided invoice still names its class, so a class
/// that was ever billed stays, and can only be renamed).
#[server(prefix = "/rpc", endpoint = "classes/remove", input = Json)]
pub async fn remove_class(school_id: i64, class_id: i64) -> Result<(), AppError> {
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "SELECT c.name, (SELECT COUNT(*) FROM enrolment e WHERE e.class_id = c.id), \
            (SELECT COUNT(*) FROM invoice i WHERE i.class_id = c.id) \
         FROM class c WHERE c.id = $1 AND c.school_id = $2",
    )
    .bind(class_id)
    .bind(school_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (name, students, invoices) = row.ok_or(AppError::NotFound)?;
    if students > 0 {
        return Err(AppError::InvalidInput(Field::ClassNotEmpty));
    }
    if invoices > 0 {
        return Err(AppError::InvalidInput(Field::ClassBilled));
    }
    sqlx::query("DELETE FROM class_teacher WHERE class_id = $1")
        .bind(class_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM class_former_name WHERE class_id = $1")
        .bind(class_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM class WHERE id = $1")
        .bind(class_id)
        .execute(&mut *tx)
        .await?;
    crate::server::audit::by_staff_and_commit(
        tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "remove", "class", class_id)
            .before(serde_json::json!({"name": name})),
    )
    .await
}
