//! A school adds its own CA-issued certificate (chữ ký số) and its receipt PDFs carry a PAdES
//! signature that poppler's `pdfsig` reads as valid, naming the holder; a wrong password, an
//! expired certificate or another school's staff are refused; retiring it stops the signing.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use hocphi_app::error::{AppError, CertificateProblem, Field};
use hocphi_app::staff::SigningCertificate;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER};
use serde_json::{json, Value};
use support::certificates::*;
use support::*;

const FILE_PASSWORD: &str = "mật khẩu tệp 2026";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn receipt_pdf(app: &TestApp) -> Vec<u8> {
    let (code,): (String,) = sqlx::query_as(
        "SELECT MIN(r.public_code) FROM receipt r JOIN school sc ON sc.id = r.school_id WHERE sc.slug = 'th-ha-long'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let reply = app
        .send(
            Request::get(format!("/r/{code}/pdf"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body
}

/// The PDF's text as poppler reads it (pdftotext).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed: scripts/test.sh installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn check(pdf: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bien-lai.pdf");
    std::fs::write(&path, pdf).unwrap();
    pdfsig(&path)
}

#[tokio::test]
async fn a_schools_certificate_signs_its_receipt_pdfs() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let school = 1;
    let ca = test_ca();
    let key = rsa_key();
    let valid = pkcs12(
        &key,
        &[&leaf(&ca, &key, 2025, 2030), &ca.der],
        FILE_PASSWORD,
    );
    let expired = pkcs12(
        &key,
        &[&leaf(&ca, &key, 2020, 2025), &ca.der],
        FILE_PASSWORD,
    );

    // Before: the platform's signature only, and the receipt says it is not a chữ ký số.
    let before = receipt_pdf(&app).await;
    let (signed, out) = check(&before);
    assert!(!signed, "{out}");

    let save = |p12: &[u8], password: &str, session: &str| {
        let args = json!({"school_id": school, "p12_base64": b64(p12), "password": password});
        let session = session.to_string();
        let app = &app;
        async move {
            app.staff("school/certificate/save", args, Some(&session))
                .await
        }
    };
    assert_eq!(
        save(&valid, "sai mật khẩu", &accountant)
            .await
            .answer::<SigningCertificate>(),
        Err(AppError::Certificate(CertificateProblem::WrongPassword))
    );
    assert!(matches!(
        save(&expired, FILE_PASSWORD, &accountant)
            .await
            .answer::<SigningCertificate>(),
        Err(AppError::Certificate(CertificateProblem::Expired { .. }))
    ));
    assert_eq!(
        save(b"not a certificate", FILE_PASSWORD, &accountant)
            .await
            .answer::<SigningCertificate>(),
        Err(AppError::Certificate(CertificateProblem::Unreadable))
    );
    // A certificate that vouches for itself is not a CA's: refused, in words.
    let self_signed = pkcs12(&ca.key.serialize_der(), &[&ca.der], FILE_PASSWORD);
    assert_eq!(
        save(&self_signed, FILE_PASSWORD, &accountant)
            .await
            .answer::<SigningCertificate>(),
        Err(AppError::Certificate(CertificateProblem::SelfSigned))
    );
    // A teacher, and another ward's officer, may not.
    let teacher = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    assert_eq!(
        save(&valid, FILE_PASSWORD, &teacher)
            .await
            .answer::<SigningCertificate>(),
        Err(AppError::Forbidden)
    );
    let elsewhere = app.officer_elsewhere("ubnd.campha").await;
    assert_eq!(
        save(&valid, FILE_PASSWORD, &elsewhere)
            .await
            .answer::<SigningCertificate>(),
        Err(AppError::Forbidden)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM signing_certificate").await,
        0,
        "nothing kept of a refused file"
    );

    let saved: SigningCertificate = save(&valid, FILE_PASSWORD, &accountant)
        .await
        .answer()
        .unwrap();
    assert_eq!(saved.owner, SIGNER_CN);
    assert_eq!(saved.organization.as_deref(), Some(SCHOOL));
    assert_eq!(saved.issuer, "hocphi Test CA");
    let shown: Option<SigningCertificate> = app
        .staff(
            "school/certificate",
            json!({"school_id": school}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(shown, Some(saved.clone()));
    // Sealed at rest: neither the file nor its password is in the database as given.
    let (sealed_p12, sealed_password): (String, String) =
        sqlx::query_as("SELECT sealed_p12, sealed_password FROM signing_certificate")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(!sealed_p12.contains(&b64(&valid)[..40]));
    assert!(!sealed_password.contains("mật khẩu"));

    // The receipt PDF now carries a valid PAdES signature by the holder, beside the link.
    let after = receipt_pdf(&app).await;
    let (signed, out) = check(&after);
    assert!(signed, "{out}");
    assert!(out.contains(SIGNER_CN), "{out}");
    assert!(out.contains("ETSI.CAdES.detached"), "{out}");
    // A submitted report as a PDF, headed for the office and signed by the same certificate;
    // closed to another ward's officer.
    let report: hocphi_app::api::dashboard::ReportRow = app
        .staff(
            "reports/submit",
            json!({"school_id": school, "from": "2026-11", "to": "2026-11", "note": "Còn 4 lớp."}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    let fetch = |session: String| {
        let app = &app;
        let id = report.id;
        async move {
            app.send(
                Request::get(format!("/staff/reports/{id}/pdf"))
                    .header("cookie", format!("hocphi_session={session}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    assert_eq!(fetch(elsewhere.clone()).await.status, StatusCode::FORBIDDEN);
    // Figures are not the teachers' to read, on screen or as a file.
    assert_eq!(fetch(teacher.clone()).await.status, StatusCode::FORBIDDEN);
    let reply = fetch(accountant.clone()).await;
    assert_eq!(reply.status, StatusCode::OK);
    let (signed, out) = check(&reply.body);
    assert!(signed && out.contains(SIGNER_CN), "{out}");
    let text = pdf_text(&reply.body);
    for words in [
        "TRƯỜNG TIỂU HỌC HẠ LONG",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Kỳ báo cáo: tháng 11/2026",
        "Kính gửi: UBND phường Hồng Gai",
        "HIỆU TRƯỞNG",
        "NGƯỜI LẬP BIỂU",
        "Ghi chú: Còn 4 lớp.",
        SIGNER_CN,
    ] {
        assert!(text.contains(words), "{words} not in {text}");
    }

    // One byte changed in the signed part: no longer valid.
    let mut tampered = after.clone();
    let at = tampered.len() / 3;
    tampered[at] ^= 0x01;
    assert!(!check(&tampered).0);

    // Retired (with why): the PDF is the platform's only again; the record stays.
    let r = app
        .staff(
            "school/certificate/retire",
            json!({"school_id": school, "reason": " "}),
            Some(&accountant),
        )
        .await;
    assert_eq!(
        r.answer::<Value>(),
        Err(AppError::InvalidInput(Field::Reason))
    );
    app.staff(
        "school/certificate/retire",
        json!({"school_id": school, "reason": "Hiệu trưởng mới, chờ chứng thư mới"}),
        Some(&accountant),
    )
    .await
    .answer::<()>()
    .unwrap();
    assert!(!check(&receipt_pdf(&app).await).0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM signing_certificate").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'signing_certificate'")
            .await,
        2
    );
}
