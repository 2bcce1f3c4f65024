//! The `hocphi` command line as a person runs it: `vietqr encode|decode`, a first
//! start on an operator's database, and setting up a new deployment.

mod support;

use std::process::Command;

/// A fresh database for a test that runs the binary (see `support::database_url`).
fn fresh_database(dir: &std::path::Path) -> String {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(support::database_url(dir))
}

fn hocphi(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hocphi"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn encodes_the_spec_example_and_decodes_it_back() {
    let (code, payload, _) = hocphi(&[
        "vietqr",
        "encode",
        "--bin",
        "970403",
        "--account",
        "0011012345678",
        "--amount",
        "180000",
        "--bill",
        "NPS6869",
        "--purpose",
        "thanh toan don hang",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        payload.trim(),
        "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
    );
    let (code, json, _) = hocphi(&["vietqr", "decode", payload.trim()]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["bank_short_name"], "Sacombank");
    assert_eq!(json["account"], "0011012345678");
    assert_eq!(json["amount"], 180000);
    assert_eq!(json["purpose"], "thanh toan don hang");
}

#[test]
fn bad_input_gets_a_specific_error_and_a_non_zero_exit() {
    let (code, out, err) = hocphi(&["vietqr", "decode", "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6E"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("checksum does not match"), "{err}");
    let (code, _, err) = hocphi(&["vietqr", "encode", "--bin", "97043", "--account", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("BIN must be 6 digits"), "{err}");
}

#[test]
fn an_operator_database_is_never_seeded_with_demo_data() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_hocphi"))
        .env("DATABASE_URL", &url)
        .env("HOCPHI_ADDR", "127.0.0.1:0")
        .env("HOCPHI_DIST", dir.path())
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Seeding, were it to happen, comes before the server starts listening.
    let log = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    for line in log.lines() {
        let line = line.unwrap();
        let listening = line.contains("listening on");
        seen.push(line);
        if listening {
            break;
        }
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert!(seen.iter().any(|l| l.contains("listening on")), "{seen:?}");
    assert!(!seen.iter().any(|l| l.contains("seeding")), "{seen:?}");
    // No simulator on a real database: its payments would move no money.
    assert!(
        seen.iter().any(|l| l.contains("online payment is off")),
        "{seen:?}"
    );
    // The master key is made beside it, readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("hocphi-master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (schools,): (i64,) = rt.block_on(async {
        let pool = hocphi_app::server::database::pool(
            &url,
            1,
            hocphi_app::server::database::Durability::Full,
        )
        .await
        .unwrap();
        sqlx::query_as("SELECT COUNT(*) FROM school")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!(schools, 0);
    assert!(!dir.path().join("hocphi-demo.db").exists());

    // An admin command run from another directory makes no second master key
    // (it would seal secrets the server cannot open); a wrong key is refused.
    let elsewhere = tempfile::tempdir().unwrap();
    let admin = |key: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hocphi"));
        cmd.args(["bank-secret", "--school", "th-ha-long"])
            .env("DATABASE_URL", &url)
            .env_remove("HOCPHI_MASTER_KEY")
            .current_dir(elsewhere.path());
        if let Some(key) = key {
            cmd.env("HOCPHI_MASTER_KEY", key);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, err) = admin(None);
    assert!(!ok && err.contains("no master key"), "{err}");
    assert!(!elsewhere.path().join("hocphi-master.key").exists());
    let (ok, err) = admin(Some(&hocphi_app::server::vault::Vault::generate()));
    assert!(
        !ok && err.contains("cannot open the parent-token key"),
        "{err}"
    );
}

#[test]
fn a_new_deployment_starts_with_its_offices_and_a_first_officer() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path());
    let run = |args: &[&str], password: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hocphi"));
        cmd.args(args)
            .env("DATABASE_URL", &url)
            .current_dir(dir.path());
        match password {
            Some(p) => cmd.env("HOCPHI_PASSWORD", p),
            None => cmd.env_remove("HOCPHI_PASSWORD"),
        };
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    // The province's Department first, then a ward under it.
    let (code, out, _) = run(
        &[
            "office",
            "add",
            "--name",
            "Sở GD&ĐT Quảng Ninh",
            "--province",
            "Quảng Ninh",
        ],
        None,
    );
    assert_eq!(code, Some(0));
    assert!(out.contains("(id 1)"), "{out}");
    let (code, _, err) = run(&["office", "add", "--name", "UBND phường Cẩm Phả"], None);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--province") && err.contains("--parent"),
        "{err}"
    );
    let (code, out, _) = run(
        &[
            "office",
            "add",
            "--name",
            "UBND phường Cẩm Phả",
            "--parent",
            "1",
        ],
        None,
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("(id 2)"), "{out}");
    let (code, _, err) = run(
        &["office", "add", "--name", "UBND xã X", "--parent", "2"],
        None,
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("not a Department"), "{err}");
    let (code, out, _) = run(
        &[
            "office",
            "rename",
            "--id",
            "2",
            "--name",
            "UBND phường Cửa Ông",
        ],
        None,
    );
    assert_eq!(code, Some(0), "{out}");
    let (code, out, _) = run(&["office", "list"], None);
    assert_eq!(code, Some(0));
    assert!(out.contains("1\tdepartment\tSở GD&ĐT Quảng Ninh"), "{out}");
    assert!(
        out.contains("2\tcommune under 1\tUBND phường Cửa Ông"),
        "{out}"
    );
    let (code, _, err) = run(
        &["school", "move", "--school", "khong-co", "--office", "2"],
        None,
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("no school"), "{err}");

    let officer = [
        "user",
        "add",
        "--username",
        "ubnd.cuaong",
        "--name",
        "Vũ Văn Nam",
        "--role",
        "officer",
        "--office",
        "2",
    ];
    let (code, _, err) = run(&officer, Some("short"));
    assert_eq!(code, Some(2));
    assert!(err.contains("at least 10"), "{err}");
    let (code, out, _) = run(&officer, Some("a long enough password"));
    assert_eq!(code, Some(0), "{out}");
    let (code, _, err) = run(&officer, Some("a long enough password"));
    assert_eq!(code, Some(2));
    assert!(err.contains("taken"), "{err}");
    let (code, _, err) = run(&officer[..8], Some("a long enough password"));
    assert_eq!(code, Some(2));
    assert!(err.contains("--office"), "{err}");
    let accountant = [
        "user",
        "add",
        "--username",
        "kt.x",
        "--name",
        "Ai Đó",
        "--role",
        "accountant",
    ];
    let (code, _, err) = run(&accountant, Some("a long enough password"));
    assert_eq!(code, Some(2));
    assert!(err.contains("--school"), "{err}");
    assert!(!dir.path().join("hocphi-demo.db").exists());
}

#[test]
fn a_settings_file_is_read_and_the_environment_wins_over_it() {
    let (dir, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (in_file, in_env) = (fresh_database(dir.path()), fresh_database(other.path()));
    let file = dir.path().join("hocphi.env");
    // As docs/deploy.md writes it: comments, also after a value.
    std::fs::write(
        &file,
        format!("# hocphi\nexport DATABASE_URL='{in_file}'   # the database\nHOCPHI_ADDR=127.0.0.1:3000\n"),
    )
    .unwrap();
    let run = |args: &[&str], database_url: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hocphi"));
        cmd.args(args)
            .env_remove("HOCPHI_CONFIG")
            .current_dir(dir.path());
        match database_url {
            Some(url) => cmd.env("DATABASE_URL", url),
            None => cmd.env_remove("DATABASE_URL"),
        };
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let config = file.to_str().unwrap();
    let add = [
        "--config",
        config,
        "office",
        "add",
        "--name",
        "Sở GD&ĐT Quảng Ninh",
        "--province",
        "Quảng Ninh",
    ];
    let (code, out, err) = run(&add, None);
    assert_eq!(code, Some(0), "{out}{err}");
    let with_equals = format!("--config={config}");
    let (code, out, _) = run(&[&with_equals, "office", "list"], None);
    assert_eq!(code, Some(0));
    assert!(out.contains("Sở GD&ĐT Quảng Ninh"), "{out}");
    // DATABASE_URL in the environment wins over the file's.
    let (code, out, _) = run(&["--config", config, "office", "list"], Some(&in_env));
    assert_eq!(code, Some(0));
    assert!(!out.contains("Quảng Ninh"), "{out}");

    // A file that is not settings: the line is named, not repeated.
    std::fs::write(
        &file,
        "HOCPHI_ADDR=127.0.0.1:3000\nDATABASE_URL='postgres://u:pw-9@h/db\n",
    )
    .unwrap();
    let (code, _, err) = run(&["--config", config, "office", "list"], None);
    assert_eq!(code, Some(2));
    assert!(err.contains("line 2: expected NAME=value"), "{err}");
    assert!(!err.contains("pw-9"), "{err}");
    std::fs::write(&file, "PATH=/bin\n").unwrap();
    let (code, _, err) = run(&["--config", config, "office", "list"], None);
    assert_eq!(code, Some(2));
    assert!(err.contains("PATH is not a hocphi setting"), "{err}");
}
