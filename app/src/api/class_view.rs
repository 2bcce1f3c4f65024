//! The homeroom teacher's class: who has paid, links for families, and the
//! public class notice behind a class link.

use crate::error::AppError;
use crate::model::{ChildAccess, ClassNotice};
use crate::staff::{ClassView, OneTimeLink, PrintedNotice, TeacherClass};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// How long a per-student link works.
pub const STUDENT_LINK_TTL_SECS: i64 = 30 * 24 * 3600;

/// The classes this staff member can open: a teacher's own, or all of the school's.
#[server(prefix = "/rpc", endpoint = "classes/mine", input = Json)]
pub async fn my_classes(school_id: i64) -> Result<Vec<TeacherClass>, AppError> {
    use crate::staff::Role;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_reader(school_id).await?;
    let year = crate::server::students::current_year(&state, school_id).await?;
    let teacher = (staff.role == Role::Teacher).then_some(staff.id);
    crate::server::classes::year_classes(&state.db, school_id, year, teacher).await
}

/// Paid, partly paid and unpaid per student for a period (default: the class's latest).
#[server(prefix = "/rpc", endpoint = "classes/view", input = Json)]
pub async fn load_class_view(class_id: i64, period: Option<String>) -> Result<ClassView, AppError> {
    use crate::domain::date::Month;
    use crate::server::classes;
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    classes::class_school(&state.db, &staff, class_id).await?;
    let header = classes::header(&state.db, class_id).await?;
    crate::server::audit::viewed(&state, &staff, header.school_id, "class", class_id).await?;
    let period = match period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Month::parse_typed(p)
            .map_err(|_| AppError::InvalidInput(crate::error::Field::Period))?,
        None => classes::latest_period(&state.db, class_id)
            .await?
            .unwrap_or_else(|| Month::of(state.clock.today())),
    };
    let year = crate::server::students::current_year(&state, header.school_id).await?;
    let (due_on, rows) =
        classes::register(&state.db, class_id, period, year, state.clock.today()).await?;
    let periods = classes::periods_owing(&state.db, class_id, year).await?;
    Ok(ClassView {
        class_name: header.class_name,
        school_slug: header.school_slug,
        period,
        due_on,
        rows,
        periods,
    })
}

/// A private link that opens one child's invoices on the family's phone, for 30
/// days or until revoked. Only its hash is stored.
#[server(prefix = "/rpc", endpoint = "classes/student-link", input = Json)]
pub async fn create_student_link(student_id: i64) -> Result<OneTimeLink, AppError> {
    use crate::domain::time::UnixTime;
    use crate::server::auth::{random_secret, secret_hash};
    use crate::server::classes;
    let student_id = crate::domain::ids::StudentId(student_id);
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    let school_id = classes::family_access_school(&state.db, &staff, student_id).await?;
    let secret = random_secret();
    let now = state.clock.now_time();
    let expires_at = UnixTime(now.seconds() + STUDENT_LINK_TTL_SECS);
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    classes::add_student_link(
        &mut tx,
        &secret_hash(&secret),
        student_id,
        staff.id,
        now,
        expires_at,
    )
    .await?;
    // Who handed out access to a child, and when (never the link itself).
    crate::server::audit::by_staff_and_commit(
        tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "create", "student_link", student_id),
    )
    .await?;
    Ok(OneTimeLink {
        path: format!("/l/{secret}"),
        expires_at: expires_at.seconds(),
    })
}

/// Ends every link handed out for this student (a phone lost, a link forwarded).
#[server(prefix = "/rpc", endpoint = "classes/revoke-links", input = Json)]
pub async fn revoke_student_links(student_id: i64) -> Result<u64, AppError> {
    use crate::server::classes;
    let student_id = crate::domain::ids::StudentId(student_id);
    let state = crate::server::state::app_state()?;
    let staff = crate::server::auth::current_staff(&state).await?;
    let school_id = classes::family_access_school(&state.db, &staff, student_id).await?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let revoked = classes::revoke_student_links(&mut tx, student_id, now).await?;
    // The phones that opened a link keep a token for the child: those end too.
    crate::server::parent::end_child_access(&mut tx, student_id, now).await?;
    crate::server::audit::by_staff_and_commit(
        tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "revoke", "student_link", student_id)
            .after(serde_json::json!({ "links": revoked })),
    )
    .await?;
    Ok(revoked)
}

/// Opens a per-student link: the device gets the same access a lookup gives.
#[server(prefix = "/rpc", endpoint = "link", output = leptos::server_fn::codec::Postcard)]
pub async fn redeem_student_link(secret: String) -> Result<ChildAccess, AppError> {
    use crate::server::auth::secret_hash;
    let state = crate::server::state::app_state()?;
    let now = state.clock.now_time();
    let student_id =
        crate::server::classes::linked_student(&state.db, &secret_hash(secret.trim()), now)
            .await?
            .ok_or(AppError::LinkInvalid)?;
    crate::server::parent::access_for(&state, student_id, now).await
}

/// What a class link shows anyone: the class's fees, no personal data.
#[server(prefix = "/rpc", endpoint = "class-notice", output = leptos::server_fn::codec::Postcard)]
pub async fn load_class_notice(
    school: String,
    class_name: String,
) -> Result<ClassNotice, AppError> {
    let state = crate::server::state::app_state()?;
    crate::server::classes::class_notice(&state, &school, &class_name)
        .await?
        .ok_or(AppError::NotFound)
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
    let student_id = student_id.map(crate::domain::ids::StudentId);
    crate::server::classes::printed_notices(&state, &staff, class_id, &period, student_id).await
}

/// Makes a teacher of the school the homeroom teacher of a class this year (by
/// the school's accountant): the class then appears in their class view.
#[server(prefix = "/rpc", endpoint = "classes/assign-teacher", input = Json)]
pub async fn assign_teacher(
    school_id: i64,
    staff_id: i64,
    class_name: String,
) -> Result<(), AppError> {
    use crate::domain::ids::{SchoolId, StaffId};
    use crate::server::classes;
    use crate::staff::Role;
    let (school_id, staff_id) = (SchoolId(school_id), StaffId(staff_id));
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
    let year = crate::server::students::current_year(&state, school_id).await?;
    let class_id = classes::class_id_by_name(&state.db, school_id, year, class_name.trim())
        .await?
        .ok_or(AppError::InvalidInput(crate::error::Field::ClassName))?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    classes::add_class_teacher(&mut tx, class_id, staff_id).await?;
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
    use crate::server::classes;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 20 {
        return Err(AppError::InvalidInput(Field::ClassName));
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let current = classes::school_class(&mut tx, school_id, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = current.name;
    // "Lá 1" (preschool) has no grade in its name: it keeps the one it has.
    let grade = crate::domain::student_import::grade_from_class(&name).unwrap_or(current.grade);
    if before == name {
        return Ok(());
    }
    let taken =
        classes::class_id_by_name(&mut *tx, school_id, current.school_year_id, &name).await?;
    if taken.is_some() {
        return Err(AppError::InvalidInput(Field::ClassTaken));
    }
    let fees_moved = classes::rename(
        &mut tx,
        school_id,
        class_id,
        &before,
        &name,
        grade,
        state.clock.now_time(),
    )
    .await?;
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
    use crate::server::classes;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let class = classes::class_use(&mut tx, school_id, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if class.students > 0 {
        return Err(AppError::InvalidInput(Field::ClassNotEmpty));
    }
    if class.invoices > 0 {
        return Err(AppError::InvalidInput(Field::ClassBilled));
    }
    classes::delete_class(&mut tx, class_id).await?;
    crate::server::audit::by_staff_and_commit(
        tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "remove", "class", class_id)
            .before(serde_json::json!({"name": class.name})),
    )
    .await
}
