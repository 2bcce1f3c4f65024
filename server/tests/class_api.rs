//! The teacher's class view, per-student links, class links and paying several
//! invoices with one code.

mod support;

use hocphi_app::api::parent::PayTogether;
use hocphi_app::domain::invoice_status::PaymentState;
use hocphi_app::error::AppError;
use hocphi_app::model::{ChildAccess, ChildOverview, ClassNotice, GroupPayment};
use hocphi_app::staff::{ClassView, OneTimeLink, TeacherClass};
use hocphi_server::demo::{self, DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER, DEMO_WARD_OFFICER};
use serde_json::{json, Value};
use support::*;

async fn my_classes(app: &TestApp, session: &str) -> Vec<TeacherClass> {
    app.staff("classes/mine", json!({"school_id": 1}), Some(session))
        .await
        .answer()
        .unwrap()
}

async fn class_named(app: &TestApp, session: &str, name: &str) -> i64 {
    let classes = my_classes(app, session).await;
    classes.iter().find(|c| c.name == name).unwrap().id
}

async fn class_3a(app: &TestApp, session: &str) -> i64 {
    class_named(app, session, "3A").await
}

#[tokio::test]
async fn the_teacher_sees_who_paid_in_their_class_only() {
    let app = start().await;
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let classes = my_classes(&app, &t).await;
    assert_eq!(
        classes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        vec!["3A"]
    );
    let view: ClassView = app
        .staff(
            "classes/view",
            json!({"class_id": classes[0].id, "period": null}),
            Some(&t),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(view.period.to_string(), "2026-11");
    assert_eq!(view.rows.len(), 14);
    let an = view
        .rows
        .iter()
        .find(|r| r.full_name == "Nguyễn Minh An")
        .unwrap();
    assert_eq!(an.status.unwrap().state, PaymentState::Unpaid);
    assert!(view
        .rows
        .iter()
        .any(|r| r.status.is_some_and(|s| s.state == PaymentState::Paid)));
    // Every month billed is listed, newest first, each with what is still owed,
    // counted as the register counts it.
    let months: Vec<String> = view.periods.iter().map(|p| p.period.to_string()).collect();
    assert_eq!(
        months,
        vec!["2026-11", "2026-10"],
        "the demo bills 3A for October and November"
    );
    assert_eq!(view.period, view.periods[0].period);
    assert!(months.windows(2).all(|w| w[0] > w[1]), "{months:?}");
    let register = |v: &ClassView| {
        let open: Vec<_> = v
            .rows
            .iter()
            .filter(|r| r.status.is_some() && r.paid < r.total)
            .collect();
        (
            open.len() as u32,
            open.iter()
                .map(|r| r.total - r.paid)
                .sum::<hocphi_app::domain::money::Vnd>(),
        )
    };
    let november = &view.periods[0];
    assert_eq!((november.unpaid, november.outstanding), register(&view));
    assert!(november.unpaid > 0);
    // An earlier month asked for by name: its own register, the same list of months.
    let earlier = view.periods.last().unwrap().period.to_string();
    let then: ClassView = app
        .staff(
            "classes/view",
            json!({"class_id": classes[0].id, "period": earlier}),
            Some(&t),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(then.period.to_string(), earlier);
    assert_eq!(then.periods, view.periods);
    let last = view.periods.last().unwrap();
    assert_eq!((last.unpaid, last.outstanding), register(&then));
    // Another class of the same school is not theirs.
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let all = my_classes(&app, &a).await;
    assert_eq!(all.len(), 10);
    let other = all.iter().find(|c| c.name == "3B").unwrap().id;
    let r = app
        .staff(
            "classes/view",
            json!({"class_id": other, "period": null}),
            Some(&t),
        )
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden));
    assert!(app
        .staff(
            "classes/view",
            json!({"class_id": other, "period": null}),
            Some(&a)
        )
        .await
        .answer::<ClassView>()
        .is_ok());
}

#[tokio::test]
async fn a_child_who_left_owing_stays_on_the_register_for_that_month() {
    let app = start().await;
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let class = class_3a(&app, &t).await;
    let view = |period: Option<&'static str>| {
        let (app, t) = (&app, &t);
        async move {
            app.staff(
                "classes/view",
                json!({"class_id": class, "period": period}),
                Some(t),
            )
            .await
            .answer::<ClassView>()
            .unwrap()
        }
    };
    let before = view(None).await;
    let an = before
        .rows
        .iter()
        .find(|r| r.full_name == "Nguyễn Minh An")
        .unwrap();
    assert!(an.paid < an.total, "the demo's An owes for November");
    assert!(!an.has_left);
    let an_id = an.student_id;
    let left = |left: bool| {
        let (app, a) = (&app, &a);
        async move {
            app.staff(
                "students/left",
                json!({"school_id": 1, "student_id": an_id, "left": left}),
                Some(a),
            )
            .await
            .answer::<Value>()
            .unwrap();
        }
    };
    left(true).await;
    // Still listed, marked, and the month still counts what An owes: as the
    // school's figures do.
    let after = view(None).await;
    assert_eq!(after.rows.len(), before.rows.len());
    let an = after.rows.iter().find(|r| r.student_id == an_id).unwrap();
    assert!(an.has_left);
    assert_eq!(after.periods, before.periods);
    assert_eq!(
        after.rows.iter().filter(|r| r.has_left).count(),
        1,
        "only An has left"
    );
    // A month An has no invoice for lists An no more.
    let december = view(Some("2026-12")).await;
    assert!(december.rows.iter().all(|r| r.student_id != an_id));
    assert_eq!(december.rows.len(), before.rows.len() - 1);
    left(false).await;
    assert!(!view(None).await.rows.iter().any(|r| r.has_left));
}

#[tokio::test]
async fn a_child_whose_data_was_anonymised_gets_no_link_and_no_notice() {
    let app = start().await;
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let class = class_3a(&app, &t).await;
    let view = || {
        let (app, t) = (&app, &t);
        async move {
            app.staff(
                "classes/view",
                json!({"class_id": class, "period": "2026-11"}),
                Some(t),
            )
            .await
            .answer::<ClassView>()
            .unwrap()
        }
    };
    let notices = || {
        let (app, t) = (&app, &t);
        async move {
            app.staff(
                "classes/notices",
                json!({"class_id": class, "period": "2026-11", "student_id": null}),
                Some(t),
            )
            .await
            .answer::<Vec<hocphi_app::staff::PrintedNotice>>()
            .unwrap()
            .len()
        }
    };
    let before = view().await;
    assert!(before.rows.iter().all(|r| !r.erased));
    let notices_before = notices().await;
    // A phone that looked the child up before keeps its token.
    let kept = app.featured_child().await;
    let november = app.overview(&kept).await.invoices[0]
        .code
        .as_str()
        .to_string();
    let club = app
        .invoice(&kept, &november)
        .await
        .lines
        .into_iter()
        .find(|l| l.voluntary)
        .expect("a voluntary line");
    let an = before
        .rows
        .iter()
        .find(|r| r.full_name == "Nguyễn Minh An")
        .unwrap()
        .student_id;
    app.staff(
        "privacy/erase",
        json!({"school_id": 1, "student_id": an, "reason": "Gia đình yêu cầu xoá dữ liệu"}),
        Some(&a),
    )
    .await
    .answer::<Value>()
    .unwrap();
    // Still on the register (the month's invoice is still the school's), marked.
    let after = view().await;
    let row = after.rows.iter().find(|r| r.student_id == an).unwrap();
    assert!(row.erased);
    assert_eq!(after.rows.iter().filter(|r| r.erased).count(), 1);
    // No family to send a link or hand a notice to.
    let r = app
        .staff("classes/student-link", json!({"student_id": an}), Some(&t))
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::NotFound));
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM student_link WHERE student_id = $1")
        .bind(an)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(live, 0);
    assert_eq!(notices().await, notices_before - 1);
    // The kept token writes nothing more against the child: no fee declined,
    // no complaint (a description, a photo) filed.
    let total = || async {
        sqlx::query_scalar::<_, i64>("SELECT total FROM invoice WHERE code = $1")
            .bind(&november)
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    let total_before = total().await;
    let declined = app
        .rpc::<Value>(
            "decline",
            &[
                ("token", &kept.token),
                ("code", &november),
                ("position", &club.position.to_string()),
                ("declined", "true"),
            ],
        )
        .await;
    assert_eq!(declined, Err(AppError::AccessExpired));
    assert_eq!(total().await, total_before);
    // Each guard holds alone: anonymising ended every phone's access…
    let revoked = format!("SELECT COUNT(*) FROM child_access_revoked WHERE student_id = {an}");
    assert_eq!(app.count(&revoked).await, 1);
    // …and without that, the child's data being gone refuses the token
    // (the complaint below).
    sqlx::query("DELETE FROM child_access_revoked WHERE student_id = $1")
        .bind(an)
        .execute(&app.db)
        .await
        .unwrap();
    let filed = app
        .staff(
            "complaint/file",
            json!({"token": kept.token, "invoice": november, "receipt": "", "kind": "paid_not_shown",
                "bank_reference": "", "description": "Đã chuyển khoản hôm qua", "photo": ""}),
            None,
        )
        .await;
    assert_eq!(filed.answer::<Value>(), Err(AppError::AccessExpired));
    assert_eq!(app.count("SELECT COUNT(*) FROM complaint").await, 0);
}

#[tokio::test]
async fn a_per_student_link_opens_one_child_until_revoked_or_expired() {
    let app = start().await;
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let class = class_3a(&app, &t).await;
    let view: ClassView = app
        .staff(
            "classes/view",
            json!({"class_id": class, "period": null}),
            Some(&t),
        )
        .await
        .answer()
        .unwrap();
    let an = view
        .rows
        .iter()
        .find(|r| r.full_name == "Nguyễn Minh An")
        .unwrap()
        .student_id;
    let link: OneTimeLink = app
        .staff("classes/student-link", json!({"student_id": an}), Some(&t))
        .await
        .answer()
        .unwrap();
    let secret = link.path.strip_prefix("/l/").unwrap().to_string();
    assert_eq!(secret.len(), 43, "32 random bytes");
    let access: ChildAccess = app.rpc("link", &[("secret", &secret)]).await.unwrap();
    assert_eq!(access.student_name, "Nguyễn Minh An");
    let overview = app.overview(&access).await;
    assert_eq!(overview.invoices.len(), 2);

    // Revoked: the link opens nothing any more.
    let n: u64 = app
        .staff("classes/revoke-links", json!({"student_id": an}), Some(&t))
        .await
        .answer()
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        app.rpc::<ChildAccess>("link", &[("secret", &secret)]).await,
        Err(AppError::LinkInvalid)
    );
    // The phone that opened the link kept a token for the child: it ends too.
    assert_eq!(
        app.rpc::<hocphi_app::model::ChildOverview>("child", &[("token", &access.token)])
            .await,
        Err(AppError::AccessExpired)
    );
    // A family that knows the code and birth date looks the child up again.
    app.clock.advance(1);
    let again = app.featured_child().await;
    assert_eq!(app.overview(&again).await.invoices.len(), 2);
    // Expired: the same.
    let link: OneTimeLink = app
        .staff("classes/student-link", json!({"student_id": an}), Some(&t))
        .await
        .answer()
        .unwrap();
    let secret = link.path.strip_prefix("/l/").unwrap().to_string();
    app.clock.advance(30 * 24 * 3600);
    assert_eq!(
        app.rpc::<ChildAccess>("link", &[("secret", &secret)]).await,
        Err(AppError::LinkInvalid)
    );
    assert_eq!(
        app.rpc::<ChildAccess>("link", &[("secret", "guess")]).await,
        Err(AppError::LinkInvalid)
    );

    // A teacher cannot make links for another class's children; nobody signed out can.
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let (other_student,): (i64,) = sqlx::query_as(
        "SELECT e.student_id FROM enrolment e JOIN class c ON c.id = e.class_id WHERE c.name = '3B' LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let r = app
        .staff(
            "classes/student-link",
            json!({"student_id": other_student}),
            Some(&t),
        )
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden));
    let r = app
        .staff("classes/student-link", json!({"student_id": an}), None)
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::NotSignedIn));
    // The supervising office reads the school but hands out or ends no
    // family's access while the school has its accountant.
    let ward = app.sign_in(DEMO_WARD_OFFICER, DEMO_PASSWORD).await.unwrap();
    for endpoint in ["classes/student-link", "classes/revoke-links"] {
        let r = app
            .staff(endpoint, json!({"student_id": an}), Some(&ward))
            .await;
        assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden), "{endpoint}");
    }
    // Each link handed out and each revocation is in the school's log.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'student_link' AND action = 'create'"
        )
        .await,
        2
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'student_link' AND action = 'revoke'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_class_link_shows_the_fees_and_no_name() {
    let app = start().await;
    let (status, body) = class_notice(&app, "th-ha-long", "3A").await;
    assert!(status.is_success());
    // Postcard carries strings as raw UTF-8, so a name would show in the bytes.
    let text = String::from_utf8_lossy(&body).into_owned();
    let notice: ClassNotice = postcard::from_bytes(&body).unwrap();
    assert_eq!(notice.class_name, "3A");
    assert!(notice
        .fees
        .iter()
        .any(|(name, _, _, _)| name == "Tiền ăn bán trú"));
    let names: Vec<(String,)> = sqlx::query_as("SELECT full_name FROM student")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for (name,) in names {
        assert!(!text.contains(&name), "a class link reveals {name}");
    }
    assert!(!text.contains("2201"), "no student codes either");
    let (status, _) = class_notice(&app, "th-ha-long", "9Z").await;
    assert!(!status.is_success());
}

#[tokio::test]
async fn two_children_at_two_schools_pay_with_one_code_per_school() {
    let app = start().await;
    let an = app.featured_child().await;
    let chau = app.sibling().await;
    let open = |o: &ChildOverview| {
        o.invoices
            .iter()
            .filter(|i| i.status.is_open())
            .map(|i| i.code.to_string())
            .collect::<Vec<_>>()
    };
    let an_open = open(&app.rpc("child", &[("token", &an.token)]).await.unwrap());
    let chau_open = open(&app.rpc("child", &[("token", &chau.token)]).await.unwrap());
    let mut items: Vec<(String, String)> = an_open
        .iter()
        .map(|c| (an.token.clone(), c.clone()))
        .collect();
    items.extend(chau_open.iter().map(|c| (chau.token.clone(), c.clone())));
    let reply = app
        .postcard(
            "pay-together",
            &PayTogether {
                items: items.clone(),
            },
        )
        .await;
    let groups: Vec<GroupPayment> = reply.answer().unwrap();
    assert_eq!(groups.len(), 2, "one per school");
    for g in &groups {
        assert_eq!(g.total, g.invoices.iter().map(|(_, _, a)| *a).sum());
        assert!(g.memo.contains(g.code.as_str()) && g.memo.len() <= 25);
    }
    // Asked again (a reload, a second tap), the same codes: no second QR
    // for the same money, nor a pile of groups.
    let codes = |groups: &[GroupPayment]| {
        let mut codes: Vec<String> = groups.iter().map(|g| g.code.to_string()).collect();
        codes.sort();
        codes
    };
    let again: Vec<GroupPayment> = app
        .postcard(
            "pay-together",
            &PayTogether {
                items: items.clone(),
            },
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(codes(&again), codes(&groups));
    assert_eq!(app.count("SELECT COUNT(*) FROM payment_group").await, 2);
    // Once an amount changed (a voluntary fee declined), that school's group
    // is a new one; the other school's is given again.
    let november = an_open.last().unwrap().clone();
    let club = app
        .invoice(&an, &november)
        .await
        .lines
        .into_iter()
        .find(|l| l.voluntary)
        .expect("a voluntary line");
    app.rpc::<hocphi_app::model::InvoiceDetail>(
        "decline",
        &[
            ("token", &an.token),
            ("code", &november),
            ("position", &club.position.to_string()),
            ("declined", "true"),
        ],
    )
    .await
    .unwrap();
    let changed: Vec<GroupPayment> = app
        .postcard("pay-together", &PayTogether { items })
        .await
        .answer()
        .unwrap();
    let (kept, new): (Vec<_>, Vec<_>) = codes(&changed)
        .into_iter()
        .partition(|c| codes(&groups).contains(c));
    assert_eq!((kept.len(), new.len()), (1, 1));
    assert_eq!(app.count("SELECT COUNT(*) FROM payment_group").await, 3);
    // A token cannot pay (or see) another family's invoice.
    let stranger = vec![(an.token.clone(), chau_open[0].clone())];
    let r = app
        .postcard("pay-together", &PayTogether { items: stranger })
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::NotFound));
}

#[tokio::test]
async fn a_new_school_year_moves_classes_up_and_lets_the_last_grade_leave() {
    use hocphi_app::staff::NewYearPlan;
    let app = start().await;
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let preview: NewYearPlan = app
        .staff(
            "school-year/next",
            json!({"school_id": 1, "commit": false}),
            Some(&a),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(preview.label, "2027-2028");
    assert_eq!(preview.graduating, vec!["5A".to_string(), "5B".to_string()]);
    assert_eq!(
        (preview.students_moving, preview.students_graduating),
        (112, 28)
    );
    assert!(preview
        .classes
        .contains(&("3A".to_string(), "4A".to_string())));
    let (before,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM enrolment")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let done: NewYearPlan = app
        .staff(
            "school-year/next",
            json!({"school_id": 1, "commit": true}),
            Some(&a),
        )
        .await
        .answer()
        .unwrap();
    assert!(!done.already_started);
    let (after,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM enrolment")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(after - before, 112);
    let again: NewYearPlan = app
        .staff(
            "school-year/next",
            json!({"school_id": 1, "commit": true}),
            Some(&a),
        )
        .await
        .answer()
        .unwrap();
    assert!(again.already_started, "a second start changes nothing");
    let (again_count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM enrolment")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(again_count, after);
    // The featured child is in 4A next year; this year's invoices are untouched and still readable.
    let (next_class,): (String,) = sqlx::query_as(
        "SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id JOIN school_year y ON y.id = e.school_year_id \
         JOIN student s ON s.id = e.student_id WHERE s.code = $1 AND y.label = '2027-2028'",
    )
    .bind(demo::FEATURED_STUDENT_CODE)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(next_class, "4A");
    let access = app.featured_child().await;
    let overview = app.overview(&access).await;
    assert_eq!(overview.invoices.len(), 2);
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let r = app
        .staff(
            "school-year/next",
            json!({"school_id": 1, "commit": true}),
            Some(&t),
        )
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden));
}

/// Whether a school's class link resolves (the public class notice).
/// A class link as a parent's browser asks for it (no session, its own address).
async fn class_notice(
    app: &TestApp,
    school: &str,
    class: &str,
) -> (axum::http::StatusCode, Vec<u8>) {
    app.call(
        "class-notice",
        &[("school", school), ("class_name", class)],
        "203.0.113.9",
    )
    .await
}

async fn class_link_opens(app: &TestApp, school: &str, class: &str) -> bool {
    let (status, _) = class_notice(app, school, class).await;
    status.is_success()
}

#[tokio::test]
async fn school_years_belong_to_each_school() {
    use hocphi_app::staff::NewYearPlan;
    let app = start().await;
    // The summer break: no year covers 1 July 2027.
    app.clock.advance(217 * 24 * 3600);
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let start_next = || {
        app.staff(
            "school-year/next",
            json!({"school_id": 1, "commit": true}),
            Some(&a),
        )
    };
    let done: NewYearPlan = start_next().await.answer().unwrap();
    assert_eq!(
        (done.label.as_str(), done.already_started),
        ("2027-2028", false)
    );
    // The school that prepared its year is in it: every class moved up a
    // grade, so there is no 1A until this year's first graders are imported.
    assert!(class_link_opens(&app, "th-ha-long", "5A").await);
    assert!(!class_link_opens(&app, "th-ha-long", "1A").await);
    // Another school, which has not started a new year, keeps its classes.
    assert!(
        class_link_opens(&app, demo::SIBLING_SCHOOL, "Lá 1").await,
        "one school's new year moved another school's classes away"
    );
    // A second click in the summer does not prepare the year after as well.
    let again: NewYearPlan = start_next().await.answer().unwrap();
    assert_eq!(
        (again.label.as_str(), again.already_started),
        ("2027-2028", true)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM school_year WHERE label = '2028-2029'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_accountant_gives_a_teacher_a_class() {
    let app = start().await;
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let teacher_id = app.staff_id(DEMO_TEACHER).await;
    let assign = |class: &str| json!({"school_id": 1, "staff_id": teacher_id, "class_name": class});
    assert_eq!(
        app.staff("classes/assign-teacher", assign("9Z"), Some(&a))
            .await
            .answer::<Value>(),
        Err(AppError::InvalidInput(hocphi_app::error::Field::ClassName))
    );
    app.staff("classes/assign-teacher", assign("3B"), Some(&a))
        .await
        .answer::<Value>()
        .unwrap();
    let classes = my_classes(&app, &t).await;
    assert_eq!(
        classes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        vec!["3A", "3B"]
    );
    // Teachers cannot give themselves classes; an accountant cannot touch another school's teacher.
    assert_eq!(
        app.staff("classes/assign-teacher", assign("4A"), Some(&t))
            .await
            .answer::<Value>(),
        Err(AppError::Forbidden)
    );
    let other = json!({"school_id": 3, "staff_id": teacher_id, "class_name": "Lá 1"});
    assert_eq!(
        app.staff("classes/assign-teacher", other, Some(&a))
            .await
            .answer::<Value>(),
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn a_class_with_no_invoice_yet_shows_its_children() {
    // A class just imported has no invoice: its view lists the children with
    // nothing billed, where it once failed with "the server has a problem".
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let saved = app
        .staff(
            "students/save",
            json!({"school_id": 1, "student_id": null, "code": "2201009777", "full_name": "Lò Văn Páo",
                "birth_date": "03/03/2017", "class_name": "4E"}),
            Some(&accountant),
        )
        .await;
    saved.answer::<i64>().unwrap();
    let classes = my_classes(&app, &accountant).await;
    let class = classes.iter().find(|c| c.name == "4E").unwrap().id;
    let view: ClassView = app
        .staff(
            "classes/view",
            json!({"class_id": class, "period": null}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(view.rows.len(), 1);
    assert_eq!(view.rows[0].full_name, "Lò Văn Páo");
    assert!(view.rows[0].status.is_none(), "nothing billed yet");
}

#[tokio::test]
async fn a_class_is_renamed_with_its_invoices_and_an_empty_one_removed() {
    use hocphi_app::error::Field;
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let class = class_3a(&app, &s).await;
    let rename = |name: &str| {
        let (app, s) = (&app, s.clone());
        let body = json!({"school_id": 1, "class_id": class, "name": name});
        async move {
            app.staff("classes/rename", body, Some(&s))
                .await
                .answer::<()>()
        }
    };
    // A name another class has, or one with no grade, is refused in words.
    assert_eq!(
        rename("3B").await,
        Err(AppError::InvalidInput(Field::ClassTaken))
    );
    assert_eq!(
        rename("  ").await,
        Err(AppError::InvalidInput(Field::ClassName))
    );
    // A fee for this class alone follows its new name.
    let trip: i64 = app
        .staff(
            "fees/save",
            json!({"school_id": 1, "fee": {"id": null, "name": "Tham quan", "amount": 120_000, "unit": "once",
                "mandatory": false, "grades": "3A, 4B", "active": true}}),
            Some(&s),
        )
        .await
        .answer()
        .unwrap();
    let numbered = |sql: &'static str| app.count(sql);
    let before_rename = numbered(
        "SELECT MIN(s.change_no) FROM student s JOIN enrolment e ON e.student_id = s.id \
         JOIN class c ON c.id = e.class_id WHERE c.name = '3A' AND c.school_id = 1",
    )
    .await;
    rename(" 3A1 ").await.unwrap();
    // School software reading the API by change number sees every child of the class again.
    assert!(
        numbered(
            "SELECT MIN(s.change_no) FROM student s JOIN enrolment e ON e.student_id = s.id \
             JOIN class c ON c.id = e.class_id WHERE c.name = '3A1' AND c.school_id = 1",
        )
        .await
            > before_rename
    );
    let fees: Vec<hocphi_app::staff::FeeItemRow> = app
        .staff("fees/list", json!({"school_id": 1}), Some(&s))
        .await
        .answer()
        .unwrap();
    assert_eq!(
        fees.iter().find(|f| f.id == trip).unwrap().scope.text(),
        "3A1, 4B"
    );
    let view: ClassView = app
        .staff(
            "classes/view",
            json!({"class_id": class, "period": null}),
            Some(&s),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(
        view.class_name, "3A1",
        "the class's invoices follow the new name"
    );
    assert!(view.rows.iter().any(|r| r.status.is_some()));
    // The class link already sent to parents (with the old name) opens the class
    // under its new name, with its fees.
    let (status, body) = class_notice(&app, "th-ha-long", "3A").await;
    assert!(status.is_success());
    let notice: ClassNotice = postcard::from_bytes(&body).unwrap();
    assert_eq!(notice.class_name, "3A1");
    assert!(notice
        .fees
        .iter()
        .any(|(name, _, _, _)| name == "Tham quan"));
    // A class with children is not removed.
    assert_eq!(
        app.staff(
            "classes/remove",
            json!({"school_id": 1, "class_id": class}),
            Some(&s)
        )
        .await
        .answer::<()>(),
        Err(AppError::InvalidInput(Field::ClassNotEmpty))
    );
    // A class made by a typo, emptied by moving its only child back, is.
    let student: i64 = app
        .staff(
            "students/save",
            json!({"school_id": 1, "student_id": null, "code": "2201009778", "full_name": "Lò Thị Mai",
                "birth_date": "03/03/2017", "class_name": "4 E"}),
            Some(&s),
        )
        .await
        .answer()
        .unwrap();
    let typo = |classes: &[TeacherClass]| classes.iter().find(|c| c.name == "4 E").map(|c| c.id);
    let classes = my_classes(&app, &s).await;
    let typo_id = typo(&classes).unwrap();
    let remove_typo = || {
        app.staff(
            "classes/remove",
            json!({"school_id": 1, "class_id": typo_id}),
            Some(&s),
        )
    };
    // Not while the child is in it, though it was never billed.
    assert_eq!(
        remove_typo().await.answer::<()>(),
        Err(AppError::InvalidInput(Field::ClassNotEmpty))
    );
    app.staff(
        "students/save",
        json!({"school_id": 1, "student_id": student, "code": "2201009778", "full_name": "Lò Thị Mai",
            "birth_date": "03/03/2017", "class_name": "4A"}),
        Some(&s),
    )
    .await
    .answer::<i64>()
    .unwrap();
    remove_typo().await.answer::<()>().unwrap();
    let classes = my_classes(&app, &s).await;
    assert_eq!(typo(&classes), None);
    // A class without a grade in its name (a preschool's "Lá 1") is renamed too.
    rename("Lá 1").await.unwrap();
    // Emptied, a class that was billed is kept for the records.
    sqlx::query("UPDATE enrolment SET class_id = $1 WHERE class_id = $2")
        .bind(class_named(&app, &s, "4A").await)
        .bind(class)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.staff(
            "classes/remove",
            json!({"school_id": 1, "class_id": class}),
            Some(&s)
        )
        .await
        .answer::<()>(),
        Err(AppError::InvalidInput(Field::ClassBilled))
    );
    // A teacher corrects nothing.
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    assert_eq!(
        app.staff(
            "classes/rename",
            json!({"school_id": 1, "class_id": class, "name": "3Z"}),
            Some(&t)
        )
        .await
        .answer::<()>(),
        Err(AppError::Forbidden)
    );
}

async fn notices_pdf(app: &TestApp, path: &str, session: Option<&str>) -> Reply {
    let mut req = axum::http::Request::get(path);
    if let Some(s) = session {
        req = req.header("cookie", format!("hocphi_session={s}"));
    }
    app.send(req.body(axum::body::Body::empty()).unwrap()).await
}

#[tokio::test]
async fn a_class_notices_are_one_pdf_two_to_a_sheet_for_those_who_may_see_the_class() {
    let app = start().await;
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let class = class_3a(&app, &t).await;
    let notices: Vec<hocphi_app::staff::PrintedNotice> = app
        .staff(
            "classes/notices",
            json!({"class_id": class, "period": "2026-11", "student_id": null}),
            Some(&t),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(notices.len(), 14);
    let path = format!("/staff/notices/{class}/2026-11/pdf");
    // Not signed in, another school's class, a month that is no month: refused in words.
    let r = notices_pdf(&app, &path, None).await;
    assert_eq!(r.status, 401);
    assert!(String::from_utf8_lossy(&r.body).contains("đăng nhập"));
    // The app reads the refusal from a header, in its own language.
    let named = |r: &Reply| {
        let hex = r.headers["x-hocphi-error"].to_str().unwrap().to_string();
        AppError::decode(&hocphi_app::domain::hex::decode(&hex).unwrap()).unwrap()
    };
    assert_eq!(named(&r), AppError::NotSignedIn);
    // A period the class has no invoice for: said, not a blank sheet.
    let r = notices_pdf(
        &app,
        &format!("/staff/notices/{class}/2027-05/pdf"),
        Some(&t),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        named(&r),
        AppError::InvalidInput(hocphi_app::error::Field::NoInvoicesInPeriod)
    );
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let elsewhere = app
        .count("SELECT MIN(id) FROM class WHERE school_id <> 1")
        .await;
    let r = notices_pdf(
        &app,
        &format!("/staff/notices/{elsewhere}/2026-11/pdf"),
        Some(&a),
    )
    .await;
    assert_eq!(r.status, 403);
    let r = notices_pdf(
        &app,
        &format!("/staff/notices/{class}/2026-13/pdf"),
        Some(&t),
    )
    .await;
    assert_eq!(r.status, 422);
    let long = "2".repeat(5_000);
    let r = notices_pdf(
        &app,
        &format!("/staff/notices/{class}/{long}/pdf"),
        Some(&t),
    )
    .await;
    assert_eq!(
        r.status, 422,
        "a long period is refused before it is parsed"
    );

    // The homeroom teacher gets the class: 14 notices on 7 A4 sheets.
    let r = notices_pdf(&app, &path, Some(&t)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert!(r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("thong-bao-3A-2026-11.pdf"));
    assert!(r.body.starts_with(b"%PDF-"));
    let pages = r.body.windows(11).filter(|w| w == b"/Type /Page").count()
        - r.body.windows(12).filter(|w| w == b"/Type /Pages").count();
    assert_eq!(pages, 7);
    // What is printed is what the print page shows (when poppler's pdftotext is here).
    if let Some(text) = pdf_text(&r.body) {
        let first = &notices[0];
        for expected in [
            first.detail.student_name.as_str(),
            first.student_code.as_str(),
            "Số tiền cần nộp",
            "Họ và tên người trả tiền:",
            "Họ và tên người thụ hưởng:",
            "Lý do thanh toán:",
            "Mã/số hóa đơn thanh toán:",
            "/tai-khoan/th-ha-long",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
        assert!(text.contains(&first.figures.compulsory_due.to_string()));
        assert_eq!(text.matches("THÔNG BÁO CÁC KHOẢN THU").count(), 14);
    }
    // One child: one notice.
    let one = notices_pdf(
        &app,
        &format!(
            "{path}?student={}",
            app.count("SELECT MIN(id) FROM student WHERE full_name = 'Nguyễn Minh An'")
                .await
        ),
        Some(&t),
    )
    .await;
    assert_eq!(one.status, 200);
    if let Some(text) = pdf_text(&one.body) {
        assert_eq!(text.matches("THÔNG BÁO CÁC KHOẢN THU").count(), 1);
        assert!(text.contains("Nguyễn Minh An"));
    }
}

/// The PDF's text by poppler's `pdftotext`, if the machine has it.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let file = dir.path().join("notices.pdf");
    std::fs::write(&file, pdf).ok()?;
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
