//! The parent's HTML shell is filled in by the server for the link opened, so
//! that a parent on slow data can use the form before the app's wasm arrives:
//! the schools to choose from, a school's name on its link, a class's fees on
//! a class link; never anything personal.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use support::*;

/// The shell as the web build ships it (its markers included).
fn shell() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/index.html")).unwrap()
}

/// The app serving the shell from a web build of its own (kept while the app
/// runs).
async fn serving_the_shell() -> (tempfile::TempDir, TestApp) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), shell()).unwrap();
    let app = start_with(dist.path(), true).await;
    (dist, app)
}

async fn get(app: &TestApp, path: &str, accept: &str) -> Reply {
    let reply = app
        .send(
            Request::get(path)
                .header("accept-encoding", accept)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{path}");
    reply
}

async fn page(app: &TestApp, path: &str) -> String {
    String::from_utf8(get(app, path, "").await.body).unwrap()
}

#[tokio::test]
async fn the_shell_carries_the_schools_the_schools_name_and_the_classs_fees() {
    let (_dist, app) = serving_the_shell().await;

    let home = page(&app, "/").await;
    assert!(
        home.contains("<option value=\"th-ha-long\">Trường Tiểu học Hạ Long</option>"),
        "{home}"
    );
    assert!(
        home.contains("<option value=\"mn-hoa-hong\">"),
        "every school"
    );
    assert!(home.contains("id=\"school\" name=\"school\""));
    assert!(!home.contains("<!--school-->"), "markers are replaced");

    let school = page(&app, "/s/th-ha-long").await;
    assert!(
        school.contains("data-shell-school=\"Trường Tiểu học Hạ Long\""),
        "{school}"
    );
    assert!(!school.contains("<select"), "no list on a school's link");
    assert!(!school.contains("class-fee"), "no class named");

    let class = page(&app, "/s/th-ha-long/3A").await;
    assert!(class.contains("Các khoản thu của lớp 3A"), "{class}");
    let fees = class.matches("data-testid=\"class-fee\"").count();
    assert!(fees > 0, "{class}");
    // The fees are the class's own, as the app shows them.
    let notice = app
        .rpc::<hocphi_app::model::ClassNotice>(
            "class-notice",
            &[("school", "th-ha-long"), ("class_name", "3A")],
        )
        .await
        .unwrap();
    assert_eq!(fees, notice.fees.len());
    for (name, amount, _, _) in &notice.fees {
        assert!(class.contains(name.as_str()), "{name}");
        assert!(class.contains(&amount.to_string()), "{amount}");
    }
    // Nothing personal: no child of the class is named.
    let (student,): (String,) = sqlx::query_as(
        "SELECT s.full_name FROM student s JOIN enrolment e ON e.student_id = s.id JOIN class c ON c.id = e.class_id \
         WHERE c.name = '3A' LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(!class.contains(&student), "{student}");

    // A class named with Vietnamese letters and a space, as a link carries it.
    let kindergarten = page(&app, "/s/mn-hoa-hong/M%E1%BA%A7m%201").await;
    assert!(
        kindergarten.contains("Các khoản thu của lớp Mầm 1"),
        "{kindergarten}"
    );

    // A school or class the database does not know leaves the shell as it was
    // (the app says so); a made-up class gets the school's page.
    let unknown = page(&app, "/s/khong-co-truong-nay").await;
    assert!(unknown.contains("<select"), "{unknown}");
    assert!(!unknown.contains("data-shell-school"));
    let made_up = page(&app, "/s/th-ha-long/9Z").await;
    assert!(made_up.contains("data-shell-school"));
    assert!(!made_up.contains("class-fee"));
    // That the school has no such class is said with the page, as the app
    // says it, without repeating the link's words (anyone's to write).
    assert!(
        made_up.contains(&format!(
            "data-testid=\"unknown-class\">{}</p>",
            hocphi_app::i18n::VI.unknown_class
        )),
        "{made_up}"
    );
    let planted = page(&app, "/s/th-ha-long/STK%200123456789%20Vietcombank").await;
    assert!(planted.contains("unknown-class"));
    assert!(!planted.contains("0123456789"), "{planted}");
    assert!(!page(&app, "/s/th-ha-long").await.contains("unknown-class"));
    assert!(!page(&app, "/s/khong-co-truong-nay/3A")
        .await
        .contains("unknown-class"));
    // A class name with a dot ("6.1", typed by hand or in a link sent before
    // names were encoded) is the page, not a file that is not there.
    assert!(page(&app, "/s/th-ha-long/6.1")
        .await
        .contains("unknown-class"));

    // Names are written as text, never as markup.
    sqlx::query("UPDATE school SET name = 'Trường <b>Thử</b> & \"Con\"' WHERE slug = 'th-ha-long'")
        .execute(&app.db)
        .await
        .unwrap();
    let escaped = page(&app, "/s/th-ha-long").await;
    assert!(
        escaped.contains("Trường &lt;b&gt;Thử&lt;/b&gt; &amp; &quot;Con&quot;"),
        "{escaped}"
    );
    assert!(!escaped.contains("<b>Thử</b>"));

    // Phones on slow data get it compressed.
    let br = get(&app, "/", "gzip, deflate, br").await;
    assert_eq!(br.headers.get("content-encoding").unwrap(), "br");
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut &br.body[..], &mut plain).unwrap();
    assert_eq!(String::from_utf8(plain).unwrap(), page(&app, "/").await);
}

/// A school's link carries the people the school names for parents, drawn as
/// the app draws them: painted with the page, they do not push the fraud
/// warning below them down when the app arrives.
#[tokio::test]
async fn a_schools_link_carries_whom_to_call() {
    let (_dist, app) = serving_the_shell().await;

    let school = page(&app, "/s/th-ha-long").await;
    let public = app
        .rpc::<hocphi_app::model::SchoolPublic>("school", &[("slug", "th-ha-long")])
        .await
        .unwrap();
    assert!(!public.contacts.is_empty());
    assert!(
        school.contains("Cần giúp đỡ? Liên hệ nhà trường"),
        "{school}"
    );
    for c in &public.contacts {
        assert!(school.contains(&c.name), "{}", c.name);
        assert!(
            school.contains(&format!("href=\"tel:{0}\"", c.phone))
                && school.contains(&format!("Gọi {}", c.phone)),
            "{}",
            c.phone
        );
    }
    // Below the form and any class's fees, above the warning, as in the app.
    let at = |what: &str| school.find(what).unwrap_or_else(|| panic!("{what}"));
    assert!(at("id=\"lookup-shell\"") < at("contacts-title"));
    assert!(at("contacts-title") < at("Kiểm tra một mã QR"));
    let class = page(&app, "/s/th-ha-long/3A").await;
    assert!(class.find("class-fees-title").unwrap() < class.find("contacts-title").unwrap());

    // The first page names no school, so no one to call; nor does a school
    // that has named no one.
    assert!(!page(&app, "/").await.contains("contacts-title"));
    sqlx::query("DELETE FROM school_contact WHERE school_id = (SELECT id FROM school WHERE slug = 'mn-hoa-hong')")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(!page(&app, "/s/mn-hoa-hong")
        .await
        .contains("contacts-title"));

    // What the school typed is written as text, never as markup or a link of
    // its own making.
    sqlx::query(
        "UPDATE school_contact SET name = 'Cô <script>x</script>', zalo = '0912\"onclick=\"x' \
         WHERE school_id = (SELECT id FROM school WHERE slug = 'th-ha-long')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let escaped = page(&app, "/s/th-ha-long").await;
    assert!(
        escaped.contains("Cô &lt;script&gt;x&lt;/script&gt;"),
        "{escaped}"
    );
    assert!(!escaped.contains("<script>x"));
    assert!(escaped.contains("https://zalo.me/0912&quot;onclick=&quot;x\""));
}

/// The QR checker's address typed with a slash at the end (from a poster, or
/// as a chat app writes it) opens the checker, not the parent app's "page not
/// found"; the staff's `/staff/` keeps its slash.
#[tokio::test]
async fn a_trust_page_typed_with_a_trailing_slash_is_sent_to_the_page() {
    let (_dist, app) = serving_the_shell().await;
    for (typed, page) in [
        ("/kiem-tra-qr/", "/kiem-tra-qr"),
        ("/kiem-tra-qr/?from=poster", "/kiem-tra-qr?from=poster"),
        ("/tai-khoan/th-ha-long/", "/tai-khoan/th-ha-long"),
        // The guides' folder leads to their list, slash or not.
        ("/huong-dan", "/huong-dan/muc-luc.html"),
        ("/huong-dan/", "/huong-dan/muc-luc.html"),
    ] {
        let reply = app
            .send(Request::get(typed).body(Body::empty()).unwrap())
            .await;
        assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT, "{typed}");
        assert_eq!(reply.headers["location"], page, "{typed}");
    }
    for kept in ["/staff/", "/kiem-tra-qr"] {
        let reply = app
            .send(Request::get(kept).body(Body::empty()).unwrap())
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{kept}");
    }
}
