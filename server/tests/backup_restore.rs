//! `hocphi backup` while payments keep arriving, then `hocphi restore`: the
//! restored database has every payment the backup counted, each with its
//! receipt, signatures still valid, numbers without gaps; bad files are refused
//! with a reason, and an existing database is replaced only when asked.

mod support;

use hocphi_app::server::database::Engine;
use hocphi_app::server::state::Db;
use hocphi_server::backup::{self, BackupError};
use serde_json::json;
use sha2::Digest;
use support::*;

/// What a restored database must hold: every payment and receipt of the copy
/// (`expected`: the counts the backup reported), each matched payment with its
/// receipt, receipt numbers without gaps, the first batch whole, and every
/// signature still valid against the school's published key.
async fn check_restored(db: &Db, expected: Option<(i64, i64)>) {
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_as::<_, (i64,)>(sql)
                .fetch_one(&db)
                .await
                .unwrap()
                .0
        }
    };
    let (payments, receipts) = (
        count("SELECT COUNT(*) FROM payment").await,
        count("SELECT COUNT(*) FROM receipt").await,
    );
    if let Some(expected) = expected {
        assert_eq!((payments, receipts), expected);
    }
    // A consistent snapshot: no matched payment without its receipt, no receipt
    // without its payment, numbers without gaps.
    assert_eq!(
        count("SELECT COUNT(*) FROM payment p WHERE p.outcome = 'matched' AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.payment_id = p.id)").await,
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM (SELECT school_id, series, year FROM receipt GROUP BY school_id, series, year HAVING MAX(number) <> COUNT(*)) AS gapped").await,
        0
    );
    // Every payment of the first batch is there, each once.
    assert_eq!(
        count("SELECT COUNT(DISTINCT external_id) FROM payment WHERE external_id LIKE '%FTA%'")
            .await,
        15
    );
    // Every receipt's signature still checks out against the school's published key.
    let signed: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT r.content, r.digest, r.signature, r.key_id, k.public_key FROM receipt r JOIN signing_key k ON k.key_id = r.key_id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(signed.len() as i64, receipts);
    for (content, digest, signature, key_id, public) in signed {
        assert_eq!(
            hocphi_app::domain::receipt::b64(&sha2::Sha256::digest(content.as_bytes())),
            digest
        );
        let proof = hocphi_app::server::receipts::proof_of(&key_id, &digest, &signature).unwrap();
        let public: [u8; 32] = hocphi_app::domain::receipt::from_b64(&public)
            .unwrap()
            .try_into()
            .unwrap();
        let verdict = hocphi_app::domain::receipt::verify(&proof, &[(key_id, public)], None);
        assert!(verdict.key_known && verdict.signature_valid);
    }
}

/// PostgreSQL is backed up with its own tools (docs/deploy.md): `pg_dump` of
/// the live database while payments arrive, `pg_restore` into a new one.
async fn postgres_dump_and_restore(app: &TestApp, dir: &std::path::Path) {
    // `hocphi backup` says where to look instead of copying nothing.
    let live = app.db.connect_options().database_url.to_string();
    assert!(matches!(
        backup::open_existing(&live).await,
        Err(BackupError::NotSqlite)
    ));
    let file = dir.join("hocphi.dump");
    let dump = {
        let (file, live) = (file.clone(), live.clone());
        tokio::task::spawn_blocking(move || {
            std::process::Command::new("pg_dump")
                .args(["--format=custom", "--file"])
                .arg(&file)
                .arg(&live)
                .status()
        })
    };
    let (dumped, ()) = tokio::join!(dump, pay(app, 25, "B"));
    assert!(dumped.unwrap().unwrap().success());
    let target = database_url(dir).await;
    let restored = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&target)
        .arg(&file)
        .status()
        .unwrap();
    assert!(restored.success());
    let db = hocphi_server::db::connect(&target).await.unwrap();
    check_restored(&db, None).await;
}

async fn pay(app: &TestApp, n: usize, tag: &str) {
    for (i, (code, total, _)) in app.unpaid_invoices(n as i64).await.into_iter().enumerate() {
        let r = app
            .notify(&json!({"transaction_id": format!("FT{tag}{i:04}"), "account_number": "1023456789",
                "amount": total, "received_at": 1_795_000_000 + i as i64, "memo": format!("HP {code}")}))
            .await;
        assert!(r.status.is_success());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_during_payments_restores_every_payment_and_receipt() {
    let app = start().await;
    pay(&app, 15, "A").await;
    let dir = tempfile::tempdir().unwrap();
    if Engine::of(&app.db) == Engine::Postgres {
        return postgres_dump_and_restore(&app, dir.path()).await;
    }
    let file = dir.path().join("hocphi-2026-11-27.db");

    // The backup runs while more payments arrive.
    let (summary, ()) = tokio::join!(backup::backup(&app.db, &file), pay(&app, 25, "B"));
    let summary = summary.unwrap();
    assert!(summary.payments >= 15, "{summary}");
    assert!(summary.receipts > 0);
    // Never over an existing file.
    assert!(matches!(
        backup::backup(&app.db, &file).await,
        Err(BackupError::TargetExists(_))
    ));

    // Restored somewhere new, then opened as hocphi opens a database.
    let target = dir.path().join("restored.db");
    let url = format!("sqlite://{}", target.display());
    let restored = backup::restore(&file, &url, false).await.unwrap();
    assert_eq!(restored, summary);
    let db = hocphi_server::db::connect(&url).await.unwrap();
    check_restored(&db, Some((summary.payments, summary.receipts))).await;
    db.close().await;

    // An existing database is replaced only with --force.
    assert!(matches!(
        backup::restore(&file, &url, false).await,
        Err(BackupError::DatabaseExists(_))
    ));
    backup::restore(&file, &url, true).await.unwrap();
    // The replaced database was moved aside, not deleted.
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("restored.db.pre-restore-")
        })
        .count();
    assert!(aside >= 1);
    // A backup of a database that is not there is refused, not made empty.
    let missing = format!("sqlite://{}", dir.path().join("nowhere.db").display());
    assert!(matches!(
        backup::open_existing(&missing).await,
        Err(BackupError::NoDatabase(_))
    ));
    assert!(!dir.path().join("nowhere.db").exists());

    // A damaged copy, or a file that is not hocphi's, is refused with the reason.
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 4096] {
        *b = 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();
    assert!(matches!(
        backup::restore(
            &damaged,
            &format!("sqlite://{}", dir.path().join("x.db").display()),
            false
        )
        .await,
        Err(BackupError::Damaged(..)) | Err(BackupError::Database(_))
    ));
    let plain = dir.path().join("plain.db");
    {
        let p = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", plain.display()))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE notes (t TEXT)")
            .execute(&p)
            .await
            .unwrap();
        p.close().await;
    }
    assert!(matches!(
        backup::restore(
            &plain,
            &format!("sqlite://{}", dir.path().join("z.db").display()),
            false
        )
        .await,
        Err(BackupError::NotHocphi(_))
    ));
    assert!(!dir.path().join("z.db").exists());
}
