//! `hocphi vietqr encode|decode` as a person runs it.

use std::process::Command;

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
