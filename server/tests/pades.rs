//! PAdES signatures on a real receipt PDF, checked by verifiers nobody here
//! wrote: poppler's `pdfsig` (NSS underneath) and pyHanko (trusting a test CA
//! made here, never a committed key). Both must run: a missing tool fails the
//! test with how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;

use hocphi_app::domain::receipt::{Item, ReceiptContent, RECEIPT_TYPE};
use hocphi_app::server::pades::{
    sign_pdf, CertificateError, PadesError, Pkcs12Signer, Signer, MAX_PKCS12_BYTES,
};
use hocphi_server::receipt_pdf::{render, PdfReceipt};
use p12_keystore::{Certificate, KeyStore, KeyStoreEntry};
use rcgen::KeyPair;
use support::certificates::*;

mod support;

const PASSWORD: &str = "mật-khẩu 2026";
/// 2026-11-26 09:00 in Vietnam.
const SIGNING_TIME: i64 = 1_795_658_400;

fn receipt_pdf() -> Vec<u8> {
    let content = ReceiptContent {
        format: 1,
        receipt_type: RECEIPT_TYPE.into(),
        form_number: "01BLP0-001".into(),
        series: "AA/26E".into(),
        number: "0000001".into(),
        school: SCHOOL.into(),
        school_tax_code: "5700123456".into(),
        school_slug: "th-ha-long".into(),
        payer: "Nguyễn Thị Ánh Dương".into(),
        student: "Trần Quốc Bảo Khánh".into(),
        class: "3A".into(),
        invoice_code: "K7Q2M9XF".into(),
        period: "2026-11".into(),
        items: vec![Item {
            label: "Tiền ăn bán trú tháng 11/2026".into(),
            amount: hocphi_app::domain::money::Vnd::new(700_000),
        }],
        total: hocphi_app::domain::money::Vnd::new(700_000),
        total_in_words: "Bảy trăm nghìn đồng".into(),
        method: "bank_transfer".into(),
        reference: "FT26330123456".into(),
        paid_at: 1_795_655_700,
        issued_at: 1_795_655_760,
        collector: "Lê Thị Hồng Nhung".into(),
        replaces: None,
    };
    render(&PdfReceipt {
        content: &content,
        cancelled: None,
        verify_url: "https://hocphi.vn/r/th-ha-long/AA26E-0000001#d=x&s=y",
        digitally_signed_by: None,
    })
    .unwrap()
}

fn sign(pdf: &[u8], signer: &dyn Signer) -> Vec<u8> {
    sign_pdf(
        pdf,
        signer,
        SIGNING_TIME,
        "Xác nhận biên lai thu tiền",
        "Hạ Long, Quảng Ninh",
    )
    .unwrap()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// pyHanko's reading of each PDF's first signature, trusting `ca` only; one
/// JSON object per file. ESS signing-certificate-v2 is checked here in Python
/// (asn1crypto's parse, hashlib's digest), not by our code.
const PYHANKO_CHECK: &str = r#"
import hashlib, json, sys
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

root = load_cert_from_pemder(sys.argv[1])
results = []


def check(path):
    vc = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    with open(path, "rb") as f:
        reader = PdfFileReader(f)
        sigs = reader.embedded_signatures
        sig = sigs[0]
        status = validate_pdf_signature(sig, vc)
        attrs = {a["type"].native: a["values"] for a in sig.signer_info["signed_attrs"]}
        cert_hash = None
        if "signing_certificate_v2" in attrs:
            cert_hash = attrs["signing_certificate_v2"][0]["certs"][0]["cert_hash"].native.hex()
        return {
            "signatures": len(sigs),
            "revisions": reader.xrefs.total_revisions,
            "signed_revision": sig.signed_revision,
            "intact": status.intact,
            "valid": status.valid,
            "trusted": status.trusted,
            "bottom_line": status.bottom_line,
            "coverage": status.coverage.name,
            "modification_level": status.modification_level.name if status.modification_level else None,
            "subfilter": str(sig.sig_object["/SubFilter"]),
            "signed_attrs": sorted(attrs),
            "ess_matches_signer": cert_hash == hashlib.sha256(status.signing_cert.dump()).hexdigest(),
            "signer_cn": status.signing_cert.subject.native.get("common_name"),
            "summary": status.summary(),
        }


for path in sys.argv[2:]:
    # pyHanko raises on some defects (e.g. a signing-certificate-v2 naming
    # another certificate): that is a verdict too.
    try:
        results.append(check(path))
    except Exception as e:
        results.append({"error": f"{type(e).__name__}: {e}", "intact": False, "bottom_line": False})
print(json.dumps(results))
"#;

fn pyhanko(ca_der_path: &Path, pdfs: &[&Path]) -> Vec<serde_json::Value> {
    let script = repo_root().join("scripts/pyhanko.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg("-c")
        .arg(PYHANKO_CHECK)
        .arg(ca_der_path)
        .args(pdfs)
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "pyHanko failed (scripts/pyhanko.sh installs it into ~/.cache/hocphi/venv-pyhanko \
         from PyPI; it needs python3 with venv, e.g. sudo apt-get install python3-venv):\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "pyHanko's output is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn opening_a_certificate_file_says_what_is_wrong() {
    let ca = test_ca();
    let key = p256_key();
    let cert = leaf(&ca, &key, 2025, 2035);
    let p12 = pkcs12(&key, &[&cert, &ca.der], PASSWORD);

    let signer = Pkcs12Signer::open(&p12, PASSWORD).unwrap();
    let info = signer.info();
    assert_eq!(info.owner, SIGNER_CN);
    assert_eq!(info.organization.as_deref(), Some(SCHOOL));
    assert_eq!(info.issuer, "hocphi Test CA");
    assert_eq!(info.serial_hex, "015AC3");
    assert_eq!(info.not_before, 1_735_689_600); // 2025-01-01
    assert_eq!(info.not_after, 2_051_222_400); // 2035-01-01
    assert_eq!(signer.certificate(), cert.as_slice());
    assert_eq!(signer.chain(), std::slice::from_ref(&ca.der));
    assert!(!format!("{signer:?}").contains("key:"));

    assert_eq!(
        Pkcs12Signer::open(&p12, "wrong").unwrap_err(),
        CertificateError::WrongPassword
    );
    assert!(matches!(
        Pkcs12Signer::open(&vec![0x30; MAX_PKCS12_BYTES + 1], PASSWORD),
        Err(CertificateError::TooLarge { .. })
    ));
    assert!(matches!(
        Pkcs12Signer::open(b"%PDF-1.7 not a certificate", PASSWORD),
        Err(CertificateError::Unreadable(_))
    ));
    assert!(matches!(
        Pkcs12Signer::open(&p12[..p12.len() / 2], PASSWORD),
        Err(CertificateError::Unreadable(_))
    ));
    // Another key packed with this certificate.
    let other = pkcs12(&p256_key(), &[&cert, &ca.der], PASSWORD);
    assert_eq!(
        Pkcs12Signer::open(&other, PASSWORD).unwrap_err(),
        CertificateError::KeyDoesNotMatchCertificate
    );
    // Certificates alone, no key.
    let mut store = KeyStore::new();
    store.add_entry(
        "ca",
        KeyStoreEntry::Certificate(Certificate::from_der(&ca.der).unwrap()),
    );
    let certs_only = store.writer(PASSWORD).write().unwrap();
    assert_eq!(
        Pkcs12Signer::open(&certs_only, PASSWORD).unwrap_err(),
        CertificateError::NoPrivateKey
    );
    // Messages a person can act on.
    assert_eq!(
        CertificateError::Expired {
            not_after: 1_609_459_200
        }
        .to_string(),
        "the certificate expired on 2021-01-01 00:00 (UTC): renew it with the certification authority"
    );
}

#[test]
fn an_expired_certificate_is_refused_at_the_signing_time() {
    let ca = test_ca();
    let key = p256_key();
    let cert = leaf(&ca, &key, 2020, 2021);
    let signer = Pkcs12Signer::open(&pkcs12(&key, &[&cert, &ca.der], PASSWORD), PASSWORD).unwrap();
    assert_eq!(
        signer.info().check_valid_at(SIGNING_TIME),
        Err(CertificateError::Expired {
            not_after: 1_609_459_200
        })
    );
    let Err(err) = sign_pdf(&receipt_pdf(), &signer, SIGNING_TIME, "r", "l") else {
        panic!("signed with an expired certificate")
    };
    assert!(
        matches!(
            err,
            PadesError::Certificate(CertificateError::Expired {
                not_after: 1_609_459_200
            })
        ),
        "{err:?}"
    );
    // Not yet valid either way.
    let Err(err) = sign_pdf(&receipt_pdf(), &signer, 1_500_000_000, "r", "l") else {
        panic!("signed before the certificate was valid")
    };
    assert!(
        matches!(
            err,
            PadesError::Certificate(CertificateError::NotYetValid { .. })
        ),
        "{err:?}"
    );
}

#[test]
fn a_signed_receipt_verifies_with_pdfsig_and_pyhanko() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca();
    let ca_path = dir.path().join("ca.der");
    std::fs::write(&ca_path, &ca.der).unwrap();
    let original = receipt_pdf();

    let rsa = rsa_key();
    let rsa_cert = leaf(&ca, &rsa, 2025, 2035);
    let rsa_signer =
        Pkcs12Signer::open(&pkcs12(&rsa, &[&rsa_cert, &ca.der], PASSWORD), PASSWORD).unwrap();
    let ec = p256_key();
    let ec_cert = leaf(&ca, &ec, 2025, 2035);
    let ec_signer =
        Pkcs12Signer::open(&pkcs12(&ec, &[&ec_cert, &ca.der], PASSWORD), PASSWORD).unwrap();

    let mut paths = Vec::new();
    for (name, signer) in [("rsa", &rsa_signer), ("p256", &ec_signer)] {
        let signed = sign(&original, signer);
        // An incremental update: the receipt as rendered is untouched, a prefix.
        assert!(
            signed.starts_with(&original),
            "{name}: original bytes rewritten"
        );
        // The room reserved for the signature follows the certificates' size:
        // ~10 KB more for a receipt parents download, not a fixed 32 KB.
        assert!(
            signed.len() - original.len() < 12 * 1024,
            "{name}: the signature adds {} bytes",
            signed.len() - original.len()
        );
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, &signed).unwrap();

        let (valid, report) = pdfsig(&path);
        eprintln!("pdfsig, {name}:\n{report}");
        assert!(
            valid,
            "{name}: pdfsig does not find the signature valid:\n{report}"
        );
        assert!(
            report.contains(&format!("Signer Certificate Common Name: {SIGNER_CN}")),
            "{name}: signer not shown:\n{report}"
        );
        assert!(
            report.contains("Signature Type: ETSI.CAdES.detached"),
            "{report}"
        );
        assert!(report.contains("Total document signed"), "{report}");
        assert!(
            report.contains("Signing Hash Algorithm: SHA-256"),
            "{report}"
        );
        paths.push(path);
    }

    // One byte changed inside the signed range (in the receipt's own bytes).
    let mut tampered = std::fs::read(&paths[0]).unwrap();
    let at = original.len() / 2;
    tampered[at] ^= 0x01;
    let tampered_path = dir.path().join("tampered.pdf");
    std::fs::write(&tampered_path, &tampered).unwrap();
    let (valid, report) = pdfsig(&tampered_path);
    eprintln!("pdfsig, one byte changed:\n{report}");
    assert!(!valid, "pdfsig accepts a changed byte:\n{report}");
    assert!(report.contains("Signature Validation:"), "{report}");

    let results = pyhanko(&ca_path, &[&paths[0], &paths[1], &tampered_path]);
    eprintln!("pyHanko: {results:#?}");
    for (result, name) in results.iter().zip(["rsa", "p256"]) {
        let field = |k: &str| result[k].clone();
        assert_eq!(field("error"), serde_json::Value::Null, "{name}: {result}");
        assert_eq!(field("signatures"), 1, "{name}: {result}");
        assert_eq!(field("intact"), true, "{name}: {result}");
        assert_eq!(field("valid"), true, "{name}: {result}");
        assert_eq!(field("trusted"), true, "{name}: {result}");
        assert_eq!(field("bottom_line"), true, "{name}: {result}");
        // The whole file is signed and nothing was changed after: the
        // document is untouched.
        assert_eq!(field("coverage"), "ENTIRE_FILE", "{name}: {result}");
        assert!(
            ["NONE", "FORM_FILLING"].contains(&result["modification_level"].as_str().unwrap_or("")),
            "{name}: {result}"
        );
        // Two revisions: the receipt as rendered, and the signature's update.
        assert_eq!(field("revisions"), 2, "{name}: {result}");
        assert_eq!(field("signed_revision"), 1, "{name}: {result}");
        assert_eq!(
            field("subfilter"),
            "/ETSI.CAdES.detached",
            "{name}: {result}"
        );
        assert_eq!(
            field("signed_attrs"),
            serde_json::json!(["content_type", "message_digest", "signing_certificate_v2"]),
            "{name}: PAdES B-B signed attributes (no signing-time): {result}"
        );
        assert_eq!(field("ess_matches_signer"), true, "{name}: {result}");
        assert_eq!(field("signer_cn"), SIGNER_CN, "{name}: {result}");
    }
    let broken = &results[2];
    assert_eq!(
        broken["intact"], false,
        "pyHanko accepts a changed byte: {broken}"
    );
    assert_eq!(broken["bottom_line"], false, "{broken}");
}

#[test]
fn what_cannot_be_signed_is_refused() {
    let ca = test_ca();
    let key = p256_key();
    let cert = leaf(&ca, &key, 2025, 2035);
    let signer = Pkcs12Signer::open(&pkcs12(&key, &[&cert, &ca.der], PASSWORD), PASSWORD).unwrap();
    let pdf = receipt_pdf();
    let signed = sign(&pdf, &signer);
    // Signing twice: the form exists already.
    assert!(matches!(
        sign_pdf(&signed, &signer, SIGNING_TIME, "", ""),
        Err(PadesError::Unsupported(_))
    ));
    assert!(matches!(
        sign_pdf(b"not a pdf", &signer, SIGNING_TIME, "", ""),
        Err(PadesError::NotPdf)
    ));
    assert!(matches!(
        sign_pdf(&pdf[..pdf.len() - 30], &signer, SIGNING_TIME, "", ""),
        Err(PadesError::Malformed(_))
    ));
    assert!(matches!(
        sign_pdf(&pdf, &signer, SIGNING_TIME, &"x".repeat(501), ""),
        Err(PadesError::TextTooLong("reason"))
    ));
    // Every truncation is an error, never a panic.
    for cut in (0..pdf.len()).step_by(97) {
        assert!(sign_pdf(&pdf[..cut], &signer, SIGNING_TIME, "", "").is_err());
    }
}

/// A signer that only lends its signatures, as a remote signing service would;
/// `corrupt` makes it return a wrong one.
struct Remote {
    inner: Pkcs12Signer,
    corrupt: bool,
}

impl Signer for Remote {
    fn certificate(&self) -> &[u8] {
        self.inner.certificate()
    }

    fn chain(&self) -> &[Vec<u8>] {
        self.inner.chain()
    }

    fn sign_digest(
        &self,
        sha256: &[u8; 32],
    ) -> Result<hocphi_app::server::pades::SignatureValue, hocphi_app::server::pades::SignerError>
    {
        let mut digest = *sha256;
        if self.corrupt {
            digest[0] ^= 1;
        }
        self.inner.sign_digest(&digest)
    }
}

#[test]
fn a_signer_behind_the_trait_is_checked_before_its_signature_is_used() {
    let ca = test_ca();
    let key = p256_key();
    let cert = leaf(&ca, &key, 2025, 2035);
    let p12 = pkcs12(&key, &[&cert, &ca.der], PASSWORD);
    let pdf = receipt_pdf();
    let good = Remote {
        inner: Pkcs12Signer::open(&p12, PASSWORD).unwrap(),
        corrupt: false,
    };
    assert!(sign_pdf(&pdf, &good, SIGNING_TIME, "", "").is_ok());
    let bad = Remote {
        inner: Pkcs12Signer::open(&p12, PASSWORD).unwrap(),
        corrupt: true,
    };
    assert!(matches!(
        sign_pdf(&pdf, &bad, SIGNING_TIME, "", ""),
        Err(PadesError::SignatureDoesNotVerify)
    ));
}

/// PKCS#12 files as OpenSSL 3 writes them (PBES2/AES, the default) and as older
/// tools and Windows do (`-legacy`: 3DES and RC2): both open, keep the chain,
/// and sign a PDF pdfsig accepts.
#[test]
fn pkcs12_files_written_by_openssl_open_and_sign() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca();
    let key = KeyPair::generate().unwrap();
    let cert = leaf(&ca, &key.serialize_der(), 2025, 2035);
    let cert_pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64_lines(&cert)
    );
    let ca_pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64_lines(&ca.der)
    );
    std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();
    std::fs::write(dir.path().join("leaf.pem"), cert_pem).unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca_pem).unwrap();
    let pdf = receipt_pdf();
    for flags in [&[][..], &["-legacy"][..]] {
        let out = dir.path().join("school.p12");
        let status = Command::new("openssl")
            .current_dir(dir.path())
            .args(["pkcs12", "-export", "-inkey", "key.pem", "-in", "leaf.pem"])
            .args([
                "-certfile",
                "ca.pem",
                "-passout",
                &format!("pass:{PASSWORD}"),
            ])
            .args(flags)
            .arg("-out")
            .arg(&out)
            .status()
            .unwrap_or_else(|e| {
                panic!("openssl could not run ({e}): sudo apt-get install openssl")
            });
        assert!(status.success(), "openssl pkcs12 {flags:?} failed");
        let p12 = std::fs::read(&out).unwrap();
        assert_eq!(
            Pkcs12Signer::open(&p12, "wrong").unwrap_err(),
            CertificateError::WrongPassword,
            "{flags:?}"
        );
        let signer = Pkcs12Signer::open(&p12, PASSWORD).unwrap();
        assert_eq!(signer.certificate(), cert.as_slice(), "{flags:?}");
        assert_eq!(signer.chain(), std::slice::from_ref(&ca.der), "{flags:?}");
        let path = dir.path().join("signed.pdf");
        std::fs::write(&path, sign(&pdf, &signer)).unwrap();
        let (valid, report) = pdfsig(&path);
        assert!(valid, "{flags:?}:\n{report}");
    }
}

fn base64_lines(der: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    text.as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// DER for tests: a tag and its content, short or long length form.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match content.len() {
        n @ 0..=0x7f => out.push(n as u8),
        n => {
            let bytes = (n as u32).to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            out.push(0x80 | (4 - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
    }
    out.extend_from_slice(content);
    out
}

#[test]
fn a_file_asking_for_endless_key_derivation_is_refused_before_any() {
    use hocphi_app::server::pades::{largest_iteration_count, MAX_ITERATIONS};
    // A real file names its counts, within the cap.
    let ca = test_ca();
    let key = rsa_key();
    let real = pkcs12(&key, &[&leaf(&ca, &key, 2025, 2030), &ca.der], PASSWORD);
    let n = largest_iteration_count(&real).expect("a PKCS#12 names its iteration counts");
    assert!((1..=MAX_ITERATIONS).contains(&n), "{n}");
    // A PFX whose authenticated safe (inside an OCTET STRING) asks PBKDF2 for 2^40 rounds.
    let params = der(
        0x30,
        &[
            der(0x04, b"salt-salt").as_slice(),
            &der(0x02, &[0x01, 0, 0, 0, 0, 0]),
        ]
        .concat(),
    );
    let bag = der(0x30, &der(0x30, &params));
    let safe = der(
        0x30,
        &[
            der(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01],
            )
            .as_slice(),
            &der(0xa0, &der(0x04, &bag)),
        ]
        .concat(),
    );
    let pfx = der(0x30, &[der(0x02, &[3]).as_slice(), &safe].concat());
    assert_eq!(largest_iteration_count(&pfx), Some(1 << 40));
    let started = std::time::Instant::now();
    match Pkcs12Signer::open(&pfx, PASSWORD) {
        Err(CertificateError::Unreadable(why)) => assert!(why.contains("iterations"), "{why}"),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("opened"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}
