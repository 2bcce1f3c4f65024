//! Two tiers of local government since 1 July 2025: a ward's officer sees only the schools of the
//! ward; the province's Department sees every school, its own THPT directly; a school belongs to
//! the office its level says; moving a school moves who sees it; a database from the district era
//! migrates with every officer keeping what they saw (but THPTs, which go to the Department).

mod support;

use hocphi_app::api::dashboard::Dashboard;
use hocphi_app::domain::office::OfficeLevel;
use hocphi_app::error::{AppError, Field};
use hocphi_app::staff::{Me, SchoolRow};
use hocphi_server::demo::{DEMO_OFFICER, DEMO_PASSWORD, DEMO_WARD_OFFICER};
use serde_json::{json, Value};
use support::*;

async fn slugs(app: &TestApp, session: &str) -> Vec<String> {
    let rows: Vec<SchoolRow> = app
        .staff("staff/schools", json!({}), Some(session))
        .await
        .answer()
        .unwrap();
    let mut slugs: Vec<String> = rows.into_iter().map(|r| r.slug).collect();
    slugs.sort();
    slugs
}

async fn school_id(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT id FROM school WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.db)
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn a_ward_sees_its_schools_and_the_department_sees_the_province() {
    let app = start().await;
    let ward = app.sign_in(DEMO_WARD_OFFICER, DEMO_PASSWORD).await.unwrap();
    let department = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();

    let me: Me = app
        .staff("staff/me", json!({}), Some(&ward))
        .await
        .answer::<Option<Me>>()
        .unwrap()
        .unwrap();
    assert_eq!(
        (me.office_name.as_str(), me.office_level),
        ("UBND phường Hồng Gai", OfficeLevel::Commune)
    );
    let me: Me = app
        .staff("staff/me", json!({}), Some(&department))
        .await
        .answer::<Option<Me>>()
        .unwrap()
        .unwrap();
    assert_eq!(
        (me.office_name.as_str(), me.office_level),
        ("Sở GD&ĐT Quảng Ninh", OfficeLevel::Department)
    );

    assert_eq!(slugs(&app, &ward).await, ["mn-hoa-hong", "th-ha-long"]);
    assert_eq!(
        slugs(&app, &department).await,
        ["mn-hoa-hong", "th-ha-long", "thcs-bai-chay", "thpt-hon-gai"]
    );

    // The dashboard and the registry's queue follow the same scope.
    let dash = |s: String| {
        let app = &app;
        async move {
            let d: Dashboard = app
                .staff(
                    "dashboard/office",
                    json!({"from": "2026-11", "to": "2026-11"}),
                    Some(&s),
                )
                .await
                .answer()
                .unwrap();
            d.schools.len()
        }
    };
    assert_eq!(dash(ward.clone()).await, 2);
    assert_eq!(dash(department.clone()).await, 4);

    // Another ward's school, and the Department's THPT, are closed to the ward.
    for slug in ["thcs-bai-chay", "thpt-hon-gai"] {
        let id = school_id(&app, slug).await;
        let r = app
            .staff("school/profile", json!({"school_id": id}), Some(&ward))
            .await;
        assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden), "{slug}");
        let r = app
            .staff(
                "school/profile",
                json!({"school_id": id}),
                Some(&department),
            )
            .await;
        assert!(r.answer::<Value>().is_ok(), "{slug}");
    }
}

#[tokio::test]
async fn a_school_is_created_by_the_office_its_level_belongs_to() {
    let app = start().await;
    let ward = app.sign_in(DEMO_WARD_OFFICER, DEMO_PASSWORD).await.unwrap();
    let department = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    let school = |slug: &str, level: &str| {
        json!({"name": "Trường Mới", "legal_name": "Trường Mới", "slug": slug,
               "address": "phường Hồng Gai, tỉnh Quảng Ninh", "tax_code": "5700999777", "level": level})
    };
    for (session, level) in [
        (&ward, "upper_secondary"),
        (&department, "primary"),
        (&department, "preschool"),
        (&ward, "university"),
    ] {
        let r = app
            .staff(
                "staff/create-school",
                school("truong-moi", level),
                Some(session),
            )
            .await;
        assert_eq!(
            r.answer::<i64>(),
            Err(AppError::InvalidInput(Field::SchoolLevel)),
            "{level}"
        );
    }
    let thpt: i64 = app
        .staff(
            "staff/create-school",
            school("thpt-moi", "upper_secondary"),
            Some(&department),
        )
        .await
        .answer()
        .unwrap();
    let primary: i64 = app
        .staff(
            "staff/create-school",
            school("th-moi", "primary"),
            Some(&ward),
        )
        .await
        .answer()
        .unwrap();
    let office_of = |id: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (String,)>(
                "SELECT o.name FROM school sc JOIN office o ON o.id = sc.office_id WHERE sc.id = $1",
            )
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap()
            .0
        }
    };
    assert_eq!(office_of(thpt).await, "Sở GD&ĐT Quảng Ninh");
    assert_eq!(office_of(primary).await, "UBND phường Hồng Gai");
    // The Department sees the ward's new school too; the ward does not see the THPT.
    assert!(slugs(&app, &department)
        .await
        .contains(&"th-moi".to_string()));
    assert!(!slugs(&app, &ward).await.contains(&"thpt-moi".to_string()));
}

#[tokio::test]
async fn a_moved_school_leaves_the_old_wards_sight_and_its_staff_follow() {
    let app = start().await;
    let ward = app.sign_in(DEMO_WARD_OFFICER, DEMO_PASSWORD).await.unwrap();
    let (bai_chay,): (i64,) =
        sqlx::query_as("SELECT id FROM office WHERE name = 'UBND phường Bãi Cháy'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let (department,): (i64,) = sqlx::query_as("SELECT id FROM office WHERE level = 'department'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    use hocphi_server::offices::{move_school, OfficeError};
    // A THPT belongs to the Department, a preschool to a ward.
    assert!(matches!(
        move_school(&app.db, "thpt-hon-gai", bai_chay, 0).await,
        Err(OfficeError::WrongLevel { .. })
    ));
    assert!(matches!(
        move_school(&app.db, "mn-hoa-hong", department, 0).await,
        Err(OfficeError::WrongLevel { .. })
    ));
    assert!(matches!(
        move_school(&app.db, "khong-co", bai_chay, 0).await,
        Err(OfficeError::NoSchool(_))
    ));
    // A change at the school while Hồng Gai supervised it: in Hồng Gai's change log now…
    let school = school_id(&app, "th-ha-long").await;
    let accountant = app
        .sign_in(hocphi_server::demo::DEMO_ACCOUNTANT, DEMO_PASSWORD)
        .await
        .unwrap();
    app.staff(
        "school/details",
        json!({"school_id": school, "legal_name": "Trường Tiểu học Hạ Long (sửa)", "address": "phường Hồng Gai, tỉnh Quảng Ninh",
            "tax_code": "5700123456", "receipt_form_number": "", "receipt_series": ""}),
        Some(&accountant),
    )
    .await
    .answer::<Value>()
    .unwrap();
    let office_log = |session: String| {
        let app = &app;
        async move {
            let page: hocphi_app::staff::AuditPage = app
                .staff("audit", json!({"school_id": null}), Some(&session))
                .await
                .answer()
                .unwrap();
            page.rows
                .iter()
                .filter(|r| r.school.as_deref() == Some("Trường Tiểu học Hạ Long"))
                .count()
        }
    };
    assert!(office_log(ward.clone()).await > 0);
    move_school(&app.db, "th-ha-long", bai_chay, 0)
        .await
        .unwrap();
    assert_eq!(slugs(&app, &ward).await, ["mn-hoa-hong"]);
    // …and gone from it once the school moved: its history went with it, to Bãi Cháy.
    assert_eq!(office_log(ward.clone()).await, 0);
    // The school's accountant now reports to Bãi Cháy.
    let me: Me = app
        .staff("staff/me", json!({}), Some(&accountant))
        .await
        .answer::<Option<Me>>()
        .unwrap()
        .unwrap();
    assert_eq!(me.office_name, "UBND phường Bãi Cháy");
    // The change log says so, in words.
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'move' AND entity = 'school'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        before.contains("UBND phường Hồng Gai") && after.contains("UBND phường Bãi Cháy"),
        "{before} {after}"
    );
}

#[tokio::test]
async fn offices_are_made_under_a_department_of_the_same_province() {
    let app = start().await;
    use hocphi_server::offices::{add, list, rename, OfficeError};
    let (ward,): (i64,) =
        sqlx::query_as("SELECT id FROM office WHERE name = 'UBND phường Hồng Gai'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(matches!(
        add(&app.db, "UBND xã X", None, Some(ward), 0).await,
        Err(OfficeError::ParentNotDepartment(_))
    ));
    assert!(matches!(
        add(&app.db, "Sở GD&ĐT Y", None, None, 0).await,
        Err(OfficeError::ProvinceNeeded)
    ));
    assert!(matches!(
        add(&app.db, "  ", Some("Quảng Ninh"), None, 0).await,
        Err(OfficeError::BadName)
    ));
    assert!(matches!(
        add(&app.db, "UBND xã X", None, Some(999), 0).await,
        Err(OfficeError::NoOffice(999))
    ));
    let hanoi = add(&app.db, "Sở GD&ĐT Hà Nội", Some("Hà Nội"), None, 0)
        .await
        .unwrap();
    assert!(matches!(
        add(&app.db, "UBND phường Z", Some("Quảng Ninh"), Some(hanoi), 0).await,
        Err(OfficeError::OtherProvince)
    ));
    let ba_dinh = add(&app.db, "UBND phường Ba Đình", None, Some(hanoi), 0)
        .await
        .unwrap();
    rename(&app.db, ba_dinh, "UBND phường Ba Đình (Hà Nội)", 0)
        .await
        .unwrap();
    let all = list(&app.db).await.unwrap();
    let row = all.iter().find(|o| o.id == ba_dinh).unwrap();
    assert_eq!(
        (
            row.name.as_str(),
            row.province.as_str(),
            row.parent_id,
            row.level
        ),
        (
            "UBND phường Ba Đình (Hà Nội)",
            "Hà Nội",
            Some(hanoi),
            OfficeLevel::Commune
        )
    );
    // Each commune is listed after its own Department.
    let at = |id: i64| all.iter().position(|o| o.id == id).unwrap();
    assert!(at(hanoi) < at(ba_dinh));
    // Another province's Department sees none of Quảng Ninh's schools.
    hocphi_server::users::add(
        &app.db,
        hocphi_server::users::NewUser {
            username: "sogd.hanoi",
            display_name: "Cán bộ Hà Nội",
            password: DEMO_PASSWORD,
            role: hocphi_app::staff::Role::Officer,
            office_id: Some(hanoi),
            school_slug: None,
        },
        0,
    )
    .await
    .unwrap();
    let elsewhere = app.sign_in("sogd.hanoi", DEMO_PASSWORD).await.unwrap();
    assert!(slugs(&app, &elsewhere).await.is_empty());
}

/// A database from before the reform: one district with a primary school and a THPT, its officer and
/// the THPT's accountant. After migration 0027 the district is a ward-level office under a new
/// Department of its province; the primary stays with it, the THPT moves to the Department with its
/// accountant; roles and the audit log's old rows survive.
#[tokio::test]
async fn a_district_era_database_migrates_to_offices() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let postgres = url.starts_with("postgres");
    let full = if postgres {
        &hocphi_server::db::MIGRATOR_POSTGRES
    } else {
        &hocphi_server::db::MIGRATOR
    };
    let before: Vec<_> = full
        .migrations
        .iter()
        .filter(|m| m.version < 27)
        .cloned()
        .collect();
    let old = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(before),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    if let Some(path) = url.strip_prefix("sqlite://") {
        std::fs::File::create(path).unwrap();
    }
    let db =
        hocphi_app::server::database::pool(&url, 1, hocphi_app::server::database::Durability::Full)
            .await
            .unwrap();
    old.run(&db).await.unwrap();
    for sql in [
        "INSERT INTO district (id, name, province) VALUES (1, 'Phòng GD&ĐT thành phố Cẩm Phả', 'Quảng Ninh')",
        "INSERT INTO school (id, district_id, slug, name, legal_name, address, tax_code, level) VALUES \
            (1, 1, 'th-a', 'TH A', 'TH A', 'x', '5700000001', 'primary'), \
            (2, 1, 'thpt-b', 'THPT B', 'THPT B', 'x', '5700000002', 'upper_secondary')",
        "INSERT INTO staff (id, username, display_name, password_hash, role, district_id, school_id, created_at) VALUES \
            (1, 'phonggd.cp', 'Cán bộ', 'x', 'district_officer', 1, NULL, 0), \
            (2, 'kt.b', 'Kế toán B', 'x', 'accountant', 1, 2, 0)",
        "INSERT INTO audit_log (at, staff_id, district_id, school_id, action, entity, entity_id, after_json) \
            VALUES (0, 1, 1, NULL, 'create', 'staff', '2', '{\"role\": \"district_officer\"}')",
        "INSERT INTO report_deadline (district_id, period_from, period_to, due_on, set_at, set_by) \
            VALUES (1, '2026-11', '2026-11', '2026-12-05', 0, 1)",
    ] {
        sqlx::query(sql).execute(&db).await.unwrap();
    }
    full.run(&db).await.unwrap();
    let offices: Vec<(i64, String, String, Option<i64>)> =
        sqlx::query_as("SELECT id, name, level, parent_id FROM office ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(offices.len(), 2, "{offices:?}");
    let department = offices[1].0;
    assert_eq!(
        offices[0],
        (
            1,
            "Phòng GD&ĐT thành phố Cẩm Phả".into(),
            "commune".into(),
            Some(department)
        )
    );
    assert_eq!(
        (offices[1].1.as_str(), offices[1].2.as_str(), offices[1].3),
        ("Sở GD&ĐT Quảng Ninh", "department", None)
    );
    let schools: Vec<(i64, i64)> = sqlx::query_as("SELECT id, office_id FROM school ORDER BY id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(schools, [(1, 1), (2, department)]);
    let staff: Vec<(String, i64)> = sqlx::query_as("SELECT role, office_id FROM staff ORDER BY id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        staff,
        [
            ("officer".to_string(), 1),
            ("accountant".to_string(), department)
        ]
    );
    let seen: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT office_id, school_id FROM office_school ORDER BY office_id, school_id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let mut expected = vec![(1, 1), (department, 1), (department, 2)];
    expected.sort();
    assert_eq!(seen, expected);
    let (kept,): (i64,) = sqlx::query_as("SELECT office_id FROM report_deadline")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(kept, 1);
    let (audit,): (i64,) = sqlx::query_as("SELECT office_id FROM audit_log")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(audit, 1);
    // The rebuilt tables still enforce what they did: a staff row must name an office.
    assert!(sqlx::query("INSERT INTO staff (username, display_name, password_hash, role, office_id, school_id, created_at) VALUES ('x', 'x', 'x', 'officer', 999, NULL, 0)")
        .execute(&db)
        .await
        .is_err());
    assert!(
        sqlx::query("INSERT INTO office (name, province, level) VALUES ('x', 'y', 'commune')")
            .execute(&db)
            .await
            .is_err()
    );
}
