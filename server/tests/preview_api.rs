//! Link previews: chat apps' crawlers get Open Graph tags naming the school, and
//! never a child's name.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use support::*;

/// Fetched as a chat app's crawler does: no JavaScript, its own user agent.
async fn page(app: &TestApp, path: &str) -> String {
    let reply = app
        .send(
            Request::get(path)
                .header("host", "hocphi.example.vn")
                .header("user-agent", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php) Zalo")

                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{path}");
    assert!(reply.headers.get("content-security-policy").is_some());
    String::from_utf8(reply.body).expect("plain HTML for previews")
}

#[tokio::test]
async fn school_class_private_and_receipt_links_have_previews_without_personal_data() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><html><head><title>hocphi</title></head><body><div id=\"app\"></div></body></html>",
    )
    .unwrap();
    // The receipt app has its own shell.
    std::fs::create_dir(dist.path().join("receipt")).unwrap();
    std::fs::write(
        dist.path().join("receipt/index.html"),
        "<!doctype html><html><head><title>hocphi · Biên lai</title></head><body><div id=\"app\" data-app=\"receipt\"></div></body></html>",
    )
    .unwrap();
    let app = start_with(dist.path(), true).await;

    let school = page(&app, "/s/th-ha-long").await;
    assert!(school.contains("<meta property=\"og:title\" content=\"Trường Tiểu học Hạ Long · Tra cứu và nộp khoản thu\">"), "{school}");
    assert!(school.contains("<title>Trường Tiểu học Hạ Long · Tra cứu và nộp khoản thu</title>"));
    let class = page(&app, "/s/th-ha-long/3A").await;
    assert!(
        class.contains("og:title\" content=\"Lớp 3A · Trường Tiểu học Hạ Long\""),
        "{class}"
    );
    // Renamed, the class's old link still previews it, under its new name.
    let s = app
        .sign_in(
            hocphi_server::demo::DEMO_ACCOUNTANT,
            hocphi_server::demo::DEMO_PASSWORD,
        )
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM class WHERE school_id = 1 AND name = '3A'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    app.staff(
        "classes/rename",
        serde_json::json!({"school_id": 1, "class_id": id, "name": "3A1"}),
        Some(&s),
    )
    .await
    .answer::<serde_json::Value>()
    .unwrap();
    let renamed = page(&app, "/s/th-ha-long/3A").await;
    assert!(
        renamed.contains("og:title\" content=\"Lớp 3A1 · Trường Tiểu học Hạ Long\""),
        "{renamed}"
    );

    let private = page(&app, "/l/some-secret-token").await;
    assert!(private.contains("og:title\" content=\"Đường dẫn riêng của phụ huynh · hocphi\""));

    let (code, student): (String, String) = sqlx::query_as(
        "SELECT r.public_code, s.full_name FROM receipt r JOIN student s ON s.id = r.student_id WHERE r.school_id = 1 LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let receipt = page(&app, &format!("/r/{code}")).await;
    assert!(receipt.contains("og:title\" content=\"Biên lai điện tử · Trường Tiểu học Hạ Long\""));
    assert!(
        receipt.contains("data-app=\"receipt\""),
        "the receipt app's shell"
    );
    // A picture for every preview: the school's logo, or hocphi's own.
    for html in [&school, &class, &private, &receipt] {
        assert!(
            html.contains(
                "<meta property=\"og:image\" content=\"https://hocphi.example/og-image.png\">"
            ),
            "{html}"
        );
    }
    for html in [&school, &class, &private, &receipt] {
        assert!(!html.contains(&student), "no child's name in a preview");
        assert!(!html.contains("Nguyễn Minh An"));
    }
    // A phone gets the page with its tags compressed: brotli where the browser
    // takes it (the same bytes again the next time), gzip otherwise.
    let fetch = |accept: &'static str| {
        app.send(
            Request::get("/s/th-ha-long")
                .header("host", "hocphi.example.vn")
                .header("accept-encoding", accept)
                .body(Body::empty())
                .unwrap(),
        )
    };
    let reply = fetch("gzip, deflate, br").await;
    assert_eq!(reply.headers.get("content-encoding").unwrap(), "br");
    let mut html = String::new();
    std::io::Read::read_to_string(
        &mut brotli::Decompressor::new(&reply.body[..], 4096),
        &mut html,
    )
    .unwrap();
    assert_eq!(html, school);
    assert_eq!(fetch("br").await.body, reply.body);
    let reply = fetch("gzip, deflate").await;
    assert_eq!(reply.headers.get("content-encoding").unwrap(), "gzip");
    let mut html = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&reply.body[..]),
        &mut html,
    )
    .unwrap();
    assert_eq!(html, school);

    // A class the school does not have, or a made-up host, makes no page of its
    // own: the school's page, the same bytes (so a flood of made-up paths costs
    // no rendering or compressing).
    for path in [
        "/s/th-ha-long/Q1",
        "/s/th-ha-long/Q2",
        "/s/th-ha-long/%3Cb%3E",
    ] {
        assert_eq!(page(&app, path).await, school, "{path}");
    }
    let spoofed = app
        .send(
            Request::get("/s/th-ha-long")
                .header("host", "evil.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(String::from_utf8(spoofed.body).unwrap(), school);

    // Anything else is the plain shell.
    let other = page(&app, "/s/no-such-school").await;
    assert!(!other.contains("og:title"));
}

/// Every app's shell runs its inline scripts: the CSP names each one's hash (an
/// app whose shell is forgotten here would load as a blank page).
#[tokio::test]
async fn every_apps_inline_scripts_are_allowed_by_the_csp() {
    use base64::Engine;
    use sha2::Digest;
    let dist = tempfile::tempdir().unwrap();
    let apps = [
        ("", "/"),
        ("receipt", "/r/ABC"),
        ("trust", "/kiem-tra-qr"),
        ("staff", "/staff/"),
    ];
    for (dir, _) in apps {
        std::fs::create_dir_all(dist.path().join(dir)).unwrap();
        std::fs::write(
            dist.path().join(dir).join("index.html"),
            format!("<!doctype html><html><head><title>t</title><script type=\"module\">start('{dir}')</script></head><body></body></html>"),
        )
        .unwrap();
    }
    let app = start_with(dist.path(), true).await;
    for (dir, path) in apps {
        let reply = app
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        let html = String::from_utf8(reply.body).unwrap();
        assert!(
            html.contains(&format!("start('{dir}')")),
            "{path} serves the {dir:?} app"
        );
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(format!("start('{dir}')").as_bytes()));
        let csp = reply
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
    }
}
