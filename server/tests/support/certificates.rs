//! Certificates for the digital-signature tests, made at run time (never a committed key): a
//! test CA, the school's RSA or P-256 certificate, the PKCS#12 file a CA would hand out, and
//! poppler's `pdfsig` to read a signed PDF back.

use std::path::Path;
use std::process::Command;

use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKeyChain};
use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber,
};
use rsa::pkcs8::EncodePrivateKey;

pub const SIGNER_CN: &str = "Nguyễn Văn An";
pub const SCHOOL: &str = "Trường Tiểu học Hạ Long";

pub struct Ca {
    pub key: KeyPair,
    pub params: CertificateParams,
    pub der: Vec<u8>,
}

pub fn test_ca() -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "hocphi Test CA");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "hocphi tests");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = date_time_ymd(2024, 1, 1);
    params.not_after = date_time_ymd(2045, 1, 1);
    let der = params.self_signed(&key).unwrap().der().to_vec();
    Ca { key, params, der }
}

/// A fresh RSA-2048 key as PKCS#8 DER.
pub fn rsa_key() -> Vec<u8> {
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    key.to_pkcs8_der().unwrap().as_bytes().to_vec()
}

/// A P-256 key as PKCS#8 DER.
pub fn p256_key() -> Vec<u8> {
    KeyPair::generate().unwrap().serialize_der()
}

/// The school's certificate for `key_der`, issued by `ca`, valid between the years.
pub fn leaf(ca: &Ca, key_der: &[u8], from: i32, until: i32) -> Vec<u8> {
    let key = KeyPair::try_from(key_der).unwrap();
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, SIGNER_CN);
    params
        .distinguished_name
        .push(DnType::OrganizationName, SCHOOL);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    params.serial_number = Some(SerialNumber::from_slice(&[0x01, 0x5A, 0xC3]));
    params.use_authority_key_identifier_extension = true;
    params.not_before = date_time_ymd(from, 1, 1);
    params.not_after = date_time_ymd(until, 1, 1);
    let issuer = Issuer::from_params(&ca.params, &ca.key);
    params.signed_by(&key, &issuer).unwrap().der().to_vec()
}

/// Key and chain as a password-protected PKCS#12 (PBES2/AES-256, HMAC-SHA256).
pub fn pkcs12(key_der: &[u8], chain: &[&[u8]], password: &str) -> Vec<u8> {
    let certs = chain.iter().map(|c| Certificate::from_der(c).unwrap());
    let mut store = KeyStore::new();
    store.add_entry(
        "school",
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(key_der, [7u8; 20], certs)),
    );
    store.writer(password).write().unwrap()
}

/// poppler's verdict: (signature valid, full output).
pub fn pdfsig(path: &Path) -> (bool, String) {
    let output = Command::new("pdfsig")
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "pdfsig could not run ({e}): install poppler-utils \
             (sudo apt-get install poppler-utils; scripts/test.sh installs it)"
            )
        });
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (
        text.contains("Signature Validation: Signature is Valid."),
        text,
    )
}
