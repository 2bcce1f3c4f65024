//! Importing classes and students: preview, row-level errors, all-or-nothing,
//! idempotent, and large files.

mod support;

use base64::Engine;
use hocphi_app::domain::student_import::{Column, FileProblem, RowProblem};
use hocphi_app::error::AppError;
use hocphi_app::staff::{ImportPreview, ImportResult, StudentRow};
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER};
use serde_json::{json, Value};
use support::*;

const SCHOOL: i64 = 1;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures")
            .join(name),
    )
    .unwrap()
}

async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    let one = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (i64,)>(sql)
                .fetch_one(&db)
                .await
                .unwrap()
                .0
        }
    };
    (
        one("SELECT COUNT(*) FROM student").await,
        one("SELECT COUNT(*) FROM enrolment").await,
        one("SELECT COUNT(*) FROM class").await,
        one("SELECT COUNT(*) FROM audit_log").await,
    )
}

impl TestApp {
    async fn preview(&self, session: &str, bytes: &[u8]) -> Result<ImportPreview, AppError> {
        self.staff(
            "students/import-preview",
            json!({"school_id": SCHOOL, "content_base64": b64(bytes)}),
            Some(session),
        )
        .await
        .answer()
    }
    async fn commit(&self, session: &str, bytes: &[u8]) -> Result<ImportResult, AppError> {
        self.staff(
            "students/import-commit",
            json!({"school_id": SCHOOL, "content_base64": b64(bytes)}),
            Some(session),
        )
        .await
        .answer()
    }
}

#[tokio::test]
async fn an_xlsx_class_list_is_previewed_committed_and_reimported_without_change() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let file = fixture("students-new-school.xlsx");
    let before = counts(&app).await;
    let preview = app.preview(&s, &file).await.unwrap();
    assert_eq!(preview.file_problem, None);
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    assert_eq!(preview.added.len(), 5);
    assert_eq!(preview.added[0].full_name, "Hoàng Gia Bảo");
    assert!(preview.can_commit());
    assert_eq!(counts(&app).await, before, "a preview writes nothing");

    let result = app.commit(&s, &file).await.unwrap();
    assert_eq!((result.added, result.changed), (5, 0));
    let students: Vec<StudentRow> = app
        .staff("students/list", json!({"school_id": SCHOOL}), Some(&s))
        .await
        .answer()
        .unwrap();
    let khoi = students.iter().find(|r| r.code == "2204000003").unwrap();
    assert_eq!(
        (khoi.full_name.as_str(), khoi.class_name.as_str()),
        ("Đặng Minh Khôi", "2A")
    );
    assert_eq!(khoi.birth_date.to_string(), "2018-07-01");

    let after = counts(&app).await;
    let again = app.preview(&s, &file).await.unwrap();
    assert_eq!(
        (again.added.len(), again.changed.len(), again.unchanged),
        (0, 0, 5)
    );
    assert!(!again.can_commit());
    let result = app.commit(&s, &file).await.unwrap();
    assert_eq!((result.added, result.changed, result.unchanged), (0, 0, 5));
    assert_eq!(
        counts(&app).await,
        after,
        "re-importing the same file changes nothing"
    );
}

#[tokio::test]
async fn broken_files_give_row_level_errors_and_write_nothing() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let before = counts(&app).await;

    let wrong_headers = "Tên,Lớp\nAn,3A\n".as_bytes();
    let p = app.preview(&s, wrong_headers).await.unwrap();
    assert_eq!(
        p.file_problem,
        Some(FileProblem::MissingColumns(vec![
            Column::Code,
            Column::Name,
            Column::BirthDate
        ]))
    );

    let broken = "Mã học sinh,Họ và tên,Ngày sinh,Lớp\n\
                  2209000001,Lê An,05/09/2017,3A\n\
                  2209000002,Lê Bình,32/01/2017,3A\n\
                  ,,,\n\
                  2209000001,Lê An Trùng,05/09/2017,3A\n\
                  2209000004,Lê Dung,2017-13-01,3B\n"
        .as_bytes();
    let p = app.preview(&s, broken).await.unwrap();
    let problems: Vec<(usize, RowProblem)> = p
        .errors
        .iter()
        .map(|e| (e.row, e.problem.clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (3, RowProblem::BadBirthDate("32/01/2017".into())),
            (
                5,
                RowProblem::DuplicateCode {
                    code: "2209000001".into(),
                    first_row: 2
                }
            ),
            (6, RowProblem::BadBirthDate("2017-13-01".into())),
        ]
    );
    assert!(!p.can_commit());
    assert_eq!(app.commit(&s, broken).await, Err(AppError::ImportRejected));

    let png_renamed_xlsx = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let p = app.preview(&s, png_renamed_xlsx).await.unwrap();
    assert_eq!(p.file_problem, Some(FileProblem::NotASpreadsheet));
    assert_eq!(
        app.commit(&s, png_renamed_xlsx).await,
        Err(AppError::ImportRejected)
    );
    let fake_zip = b"PK\x03\x04this is no workbook";
    assert_eq!(
        app.preview(&s, fake_zip).await.unwrap().file_problem,
        Some(FileProblem::NotASpreadsheet)
    );
    assert_eq!(
        app.preview(&s, b"").await.unwrap().file_problem,
        Some(FileProblem::Empty)
    );
    let not_base64 = app
        .staff(
            "students/import-preview",
            json!({"school_id": SCHOOL, "content_base64": "%%%"}),
            Some(&s),
        )
        .await;
    assert_eq!(
        not_base64.answer::<ImportPreview>().unwrap().file_problem,
        Some(FileProblem::NotASpreadsheet)
    );

    assert_eq!(counts(&app).await, before, "nothing half-imports");
}

#[tokio::test]
async fn ten_thousand_rows_import_in_one_go_and_a_change_is_seen_as_one() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let mut csv = String::from("Mã học sinh,Họ và tên,Ngày sinh,Lớp\n");
    for i in 0..10_000 {
        csv.push_str(&format!(
            "23{i:08},Học Sinh Số {i},{:02}/{:02}/2016,{}{}\n",
            i % 28 + 1,
            i % 12 + 1,
            i % 5 + 1,
            ["A", "B", "C"][i % 3]
        ));
    }
    let started = std::time::Instant::now();
    let p = app.preview(&s, csv.as_bytes()).await.unwrap();
    assert_eq!((p.added.len(), p.errors.len()), (10_000, 0));
    let r = app.commit(&s, csv.as_bytes()).await.unwrap();
    assert_eq!(r.added, 10_000);
    eprintln!(
        "10,000 rows previewed and committed in {:?}",
        started.elapsed()
    );

    let changed = csv.replacen("Học Sinh Số 7,", "Học Sinh Số Bảy,", 1);
    let p = app.preview(&s, changed.as_bytes()).await.unwrap();
    assert_eq!((p.added.len(), p.changed.len(), p.unchanged), (0, 1, 9_999));
    assert_eq!(p.changed[0].fields, vec!["name".to_string()]);

    // The same list typed with "1a" and "2 B": the school's classes, no change.
    let cased = csv.replace(",1A\n", ",1a\n").replace(",2B\n", ",2 B\n");
    assert_ne!(cased, csv);
    let p = app.preview(&s, cased.as_bytes()).await.unwrap();
    assert_eq!(
        (p.added.len(), p.changed.len(), p.unchanged),
        (0, 0, 10_000)
    );
    assert!(p.new_classes.is_empty(), "{:?}", p.new_classes);
}

#[tokio::test]
async fn teachers_and_other_schools_cannot_import_or_edit_students() {
    let app = start().await;
    let teacher = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let file = fixture("students-new-school.xlsx");
    assert_eq!(app.preview(&teacher, &file).await, Err(AppError::Forbidden));
    assert_eq!(app.commit(&teacher, &file).await, Err(AppError::Forbidden));
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    for (endpoint, args) in [
        (
            "students/import-preview",
            json!({"school_id": 3, "content_base64": b64(&file)}),
        ),
        (
            "students/import-commit",
            json!({"school_id": 3, "content_base64": b64(&file)}),
        ),
        ("students/list", json!({"school_id": 3})),
        (
            "students/save",
            json!({"school_id": 3, "student_id": null, "code": "X1", "full_name": "A B",
            "birth_date": "01/01/2020", "class_name": "Lá 1"}),
        ),
        (
            "students/left",
            json!({"school_id": 3, "student_id": 1, "left": true}),
        ),
    ] {
        let r = app.staff(endpoint, args, Some(&accountant)).await;
        assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden), "{endpoint}");
        let r = app
            .staff(
                endpoint,
                json!({"school_id": SCHOOL, "student_id": 1, "left": true}),
                None,
            )
            .await;
        assert!(!r.status.is_success(), "{endpoint}");
    }
}

#[tokio::test]
async fn a_student_is_added_moved_and_marked_as_left_by_hand() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let add = |class: &'static str, id: Option<i64>| {
        json!({"school_id": SCHOOL, "student_id": id, "code": "2201009999", "full_name": "Phan Thị Yến",
            "birth_date": "17/04/2018", "class_name": class})
    };
    let id: i64 = app
        .staff("students/save", add("2A", None), Some(&s))
        .await
        .answer()
        .unwrap();
    assert_eq!(
        app.staff("students/save", add("2A", None), Some(&s))
            .await
            .answer::<i64>(),
        Err(AppError::InvalidInput(
            hocphi_app::error::Field::StudentCodeTaken
        )),
        "the code is taken"
    );
    // Typed "2 b": the school's 2B, not a new class.
    let classes = || app.count("SELECT COUNT(*) FROM class");
    let before = classes().await;
    let moved: i64 = app
        .staff("students/save", add(" 2 b", Some(id)), Some(&s))
        .await
        .answer()
        .unwrap();
    assert_eq!(moved, id);
    assert_eq!(classes().await, before);
    let r = app
        .staff(
            "students/left",
            json!({"school_id": SCHOOL, "student_id": id, "left": true}),
            Some(&s),
        )
        .await;
    assert!(r.answer::<Value>().is_ok());
    let list: Vec<StudentRow> = app
        .staff("students/list", json!({"school_id": SCHOOL}), Some(&s))
        .await
        .answer()
        .unwrap();
    let yen = list.iter().find(|r| r.id == id).unwrap();
    assert_eq!((yen.class_name.as_str(), yen.left), ("2B", true));
    let bad = json!({"school_id": SCHOOL, "student_id": null, "code": "X2", "full_name": "A",
        "birth_date": "30/02/2018", "class_name": "2A"});
    assert_eq!(
        app.staff("students/save", bad, Some(&s))
            .await
            .answer::<i64>(),
        Err(AppError::InvalidInput(hocphi_app::error::Field::BirthDate))
    );
}
