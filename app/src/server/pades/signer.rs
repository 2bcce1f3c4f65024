//! Who signs: the [`Signer`] trait, and its first implementation, a key and
//! certificate chain read from a PKCS#12 (.p12/.pfx) file.
//!
//! The trait only ever hands out certificates and signatures over a SHA-256
//! digest, which is also what remote signing services (a CA's cloud signing
//! API, an HSM over PKCS#11) accept; an implementation for one can be added
//! without touching callers of `sign_pdf`.

use std::fmt;

use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use x509_cert::der::{Decode, Encode, Tag, Tagged};
use x509_cert::Certificate;

use super::unix_to_utc;

/// PKCS#12 files larger than this are refused before parsing: a certificate
/// with its key and chain is a few KiB; anything far larger is not one.
pub const MAX_PKCS12_BYTES: usize = 64 * 1024;
/// RSA keys shorter than this are refused (NIST and Vietnamese CAs issue 2048+).
const MIN_RSA_BITS: usize = 2048;
/// Larger keys are refused before any arithmetic on them (an uploaded file decides the size).
const MAX_RSA_BITS: usize = 4096;
/// Key-derivation and MAC iteration counts a file may ask for. Real files use 2,000–600,000;
/// a file asking for billions would hold a worker for hours (p12-keystore 0.2 sets no cap).
pub const MAX_ITERATIONS: u64 = 1_000_000;

/// The algorithm a signature was made with (the digest is always SHA-256).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSA PKCS#1 v1.5 over SHA-256.
    RsaPkcs1v15Sha256,
    /// ECDSA on P-256 over SHA-256; the signature is a DER `Ecdsa-Sig-Value`.
    EcdsaP256Sha256,
}

/// A signature made by a [`Signer`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureValue {
    pub algorithm: SignatureAlgorithm,
    pub bytes: Vec<u8>,
}

/// A signer that could not sign (a remote service down, a refused request).
#[derive(Debug, thiserror::Error)]
#[error("the signer could not sign: {0}")]
pub struct SignerError(pub String);

/// Anything that can sign with a certificate: the private key stays behind it.
pub trait Signer: Send + Sync {
    /// The signer's certificate (DER).
    fn certificate(&self) -> &[u8];
    /// The issuing chain (DER), the signer's issuer first; the root may be left out.
    fn chain(&self) -> &[Vec<u8>];
    /// Signs a SHA-256 digest (of the CMS signed attributes). May block (a remote
    /// service): `sign_pdf` is meant to run off the async runtime.
    fn sign_digest(&self, sha256: &[u8; 32]) -> Result<SignatureValue, SignerError>;
}

/// Why a certificate file cannot be used, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("the file is {size} bytes; a certificate file (.p12/.pfx) is at most {limit} bytes: is this the right file?")]
    TooLarge { size: usize, limit: usize },
    #[error("the file is not a PKCS#12 certificate file (.p12/.pfx), or it is damaged ({0})")]
    Unreadable(String),
    #[error("wrong password for the certificate file")]
    WrongPassword,
    #[error("the file holds no private key paired with its certificate: export the certificate together with its private key (.p12/.pfx)")]
    NoPrivateKey,
    #[error("the file holds a private key but no certificate for it")]
    NoCertificate,
    #[error(
        "unsupported key: {0}; an RSA (2048 bits or more) or ECDSA P-256 certificate is needed"
    )]
    UnsupportedKey(String),
    #[error("the private key does not belong to the certificate in the file")]
    KeyDoesNotMatchCertificate,
    #[error("the certificate cannot be read ({0})")]
    BadCertificate(String),
    #[error("the certificate is valid only from {} (UTC)", unix_to_utc(*not_before))]
    NotYetValid { not_before: i64 },
    #[error("the certificate expired on {} (UTC): renew it with the certification authority", unix_to_utc(*not_after))]
    Expired { not_after: i64 },
}

/// Whose certificate it is and how long it is valid, to show to the school.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The subject's common name (CN): the school or its head.
    pub owner: String,
    /// The subject's organisation (O), if the certificate names one.
    pub organization: Option<String>,
    /// The issuing CA: its CN, or its O when it has no CN.
    pub issuer: String,
    /// The serial number, upper-case hex.
    pub serial_hex: String,
    /// Validity, Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// Issued by itself (issuer and subject the same name): made by whoever holds the key,
    /// not by a certification authority.
    pub self_signed: bool,
}

impl CertificateInfo {
    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<CertificateInfo, CertificateError> {
        let cert = parse_certificate(der)?;
        Ok(describe(&cert))
    }

    /// Ok when the certificate is valid at `unix` (seconds).
    pub fn check_valid_at(&self, unix: i64) -> Result<(), CertificateError> {
        if unix < self.not_before {
            Err(CertificateError::NotYetValid {
                not_before: self.not_before,
            })
        } else if unix > self.not_after {
            Err(CertificateError::Expired {
                not_after: self.not_after,
            })
        } else {
            Ok(())
        }
    }
}

pub(super) fn parse_certificate(der: &[u8]) -> Result<Certificate, CertificateError> {
    Certificate::from_der(der).map_err(|e| CertificateError::BadCertificate(e.to_string()))
}

/// The largest iteration count a PKCS#12 file asks for, read without a password: every INTEGER
/// that follows an OCTET STRING in one SEQUENCE (PBKDF2 and PKCS#12 PBE parameters are salt then
/// count; MacData is digest, salt, count), looking inside OCTET STRINGs that hold DER (the
/// authenticated safe). Depth and input are bounded; what does not parse is skipped, and the
/// parser that follows reports it. `None`: no count found.
pub fn largest_iteration_count(der: &[u8]) -> Option<u64> {
    fn element(buf: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = buf.split_first()?;
        if tag & 0x1f == 0x1f {
            return None; // high tag numbers: not in PKCS#12's structure
        }
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, &rest[n..])
        };
        (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
    }
    fn children(mut buf: &[u8]) -> Option<Vec<(u8, &[u8])>> {
        let mut out = Vec::new();
        while !buf.is_empty() {
            let (tag, content, rest) = element(buf)?;
            out.push((tag, content));
            buf = rest;
        }
        Some(out)
    }
    fn walk(buf: &[u8], depth: usize, largest: &mut Option<u64>) {
        if depth > 24 {
            return;
        }
        let Some(items) = children(buf) else { return };
        for (i, &(tag, content)) in items.iter().enumerate() {
            if tag == 0x02 && i > 0 && items[i - 1].0 == 0x04 {
                // An unsigned count; more than 8 bytes is more than any cap.
                let digits: &[u8] = match content {
                    [0, rest @ ..] => rest,
                    all => all,
                };
                let n = if digits.len() > 8 {
                    u64::MAX
                } else {
                    digits.iter().fold(0u64, |acc, b| (acc << 8) | *b as u64)
                };
                *largest = Some(largest.map_or(n, |m| m.max(n)));
            }
            // Constructed values, and OCTET STRINGs that hold a SEQUENCE (the authenticated
            // safe); not salts or ciphertext, whose random bytes are not structure.
            if tag & 0x20 != 0 || (tag == 0x04 && content.first() == Some(&0x30)) {
                walk(content, depth + 1, largest);
            }
        }
    }
    let mut largest = None;
    walk(der, 0, &mut largest);
    largest
}

pub(super) fn describe(cert: &Certificate) -> CertificateInfo {
    let tbs = &cert.tbs_certificate;
    let subject_cn = name_attribute(&tbs.subject, &COMMON_NAME);
    let organization = name_attribute(&tbs.subject, &ORGANIZATION);
    let issuer = name_attribute(&tbs.issuer, &COMMON_NAME)
        .or_else(|| name_attribute(&tbs.issuer, &ORGANIZATION))
        .unwrap_or_else(|| tbs.issuer.to_string());
    let serial = tbs.serial_number.as_bytes();
    let serial = match serial {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => serial,
    };
    CertificateInfo {
        owner: subject_cn
            .or_else(|| organization.clone())
            .unwrap_or_else(|| tbs.subject.to_string()),
        organization,
        issuer,
        serial_hex: serial.iter().map(|b| format!("{b:02X}")).collect(),
        not_before: unix_seconds(tbs.validity.not_before),
        not_after: unix_seconds(tbs.validity.not_after),
        self_signed: tbs.issuer == tbs.subject,
    }
}

fn unix_seconds(time: x509_cert::time::Time) -> i64 {
    i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

const COMMON_NAME: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3");
const ORGANIZATION: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("2.5.4.10");

/// The first value of attribute `oid` in a Name, decoded from the string types
/// CAs use (Vietnamese CAs mostly UTF8String; BMPString in older ones).
fn name_attribute(
    name: &x509_cert::name::Name,
    oid: &x509_cert::der::asn1::ObjectIdentifier,
) -> Option<String> {
    let value = name
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == *oid)?
        .value
        .clone();
    let bytes = value.value();
    let text = match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        // TeletexString and the like: Latin-1 is the usual reading.
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    Some(text)
}

/// What the CMS needs of a certificate: issuer and serial as DER elements.
pub(super) fn issuer_and_serial(
    cert: &Certificate,
) -> Result<(Vec<u8>, Vec<u8>), CertificateError> {
    let tbs = &cert.tbs_certificate;
    let issuer = tbs
        .issuer
        .to_der()
        .map_err(|e| CertificateError::BadCertificate(e.to_string()))?;
    let serial = tbs
        .serial_number
        .to_der()
        .map_err(|e| CertificateError::BadCertificate(e.to_string()))?;
    Ok((issuer, serial))
}

/// Checks `signature` over `digest` against the certificate's public key, so a
/// signer (later a remote one) that returns a wrong signature is caught before
/// a PDF carrying it goes out.
pub(super) fn verify_digest(
    cert: &Certificate,
    digest: &[u8; 32],
    signature: &SignatureValue,
) -> bool {
    let Ok(spki) = cert.tbs_certificate.subject_public_key_info.to_der() else {
        return false;
    };
    match signature.algorithm {
        SignatureAlgorithm::RsaPkcs1v15Sha256 => RsaPublicKey::from_public_key_der(&spki)
            .is_ok_and(|key| {
                key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, &signature.bytes)
                    .is_ok()
            }),
        SignatureAlgorithm::EcdsaP256Sha256 => {
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki) else {
                return false;
            };
            let Ok(sig) = p256::ecdsa::Signature::from_der(&signature.bytes) else {
                return false;
            };
            key.verify_prehash(digest, &sig).is_ok()
        }
    }
}

enum Key {
    Rsa(Box<RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
}

/// A key and its certificate chain from a PKCS#12 file, held in memory.
pub struct Pkcs12Signer {
    key: Key,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    info: CertificateInfo,
}

impl fmt::Debug for Pkcs12Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key.
        f.debug_struct("Pkcs12Signer")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

const RSA_ENCRYPTION: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

impl Pkcs12Signer {
    /// Opens a PKCS#12 file (PBES2/AES as OpenSSL 3 and current Windows write
    /// it, or the legacy 3DES/RC2). Does not check the validity dates: see
    /// [`CertificateInfo::check_valid_at`] (`sign_pdf` checks them at the signing time).
    pub fn open(p12_bytes: &[u8], password: &str) -> Result<Pkcs12Signer, CertificateError> {
        if p12_bytes.len() > MAX_PKCS12_BYTES {
            return Err(CertificateError::TooLarge {
                size: p12_bytes.len(),
                limit: MAX_PKCS12_BYTES,
            });
        }
        // The outer structure first, so a wrong file is told apart from a wrong password.
        match x509_cert::der::Any::from_der(p12_bytes) {
            Ok(any) if any.tag() == Tag::Sequence => {}
            Ok(_) => return Err(CertificateError::Unreadable("not a DER SEQUENCE".into())),
            Err(e) => return Err(CertificateError::Unreadable(e.to_string())),
        }
        // The work the file asks for is bounded before any of it is done.
        if let Some(n) = largest_iteration_count(p12_bytes) {
            if n > MAX_ITERATIONS {
                return Err(CertificateError::Unreadable(format!(
                    "asks for {n} key-derivation iterations (at most {MAX_ITERATIONS})"
                )));
            }
        }
        let store = p12_keystore::KeyStore::from_pkcs12(p12_bytes, password).map_err(|e| {
            use p12_keystore::error::Error;
            match e {
                // The integrity MAC, or (files without one) the decryption padding.
                Error::MacError(_) | Error::UnpadError => CertificateError::WrongPassword,
                other => CertificateError::Unreadable(other.to_string()),
            }
        })?;
        let (_, key_chain) = store
            .private_key_chain()
            .ok_or(CertificateError::NoPrivateKey)?;
        let (leaf, issuers) = key_chain
            .chain()
            .split_first()
            .ok_or(CertificateError::NoCertificate)?;
        let certificate = leaf.as_der().to_vec();
        let cert = parse_certificate(&certificate)?;
        let chain: Vec<Vec<u8>> = issuers.iter().map(|c| c.as_der().to_vec()).collect();
        for issuer in &chain {
            parse_certificate(issuer)?;
        }
        let key = read_key(key_chain.key())?;
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| CertificateError::BadCertificate(e.to_string()))?;
        let matches = match &key {
            Key::Rsa(private) => {
                RsaPublicKey::from_public_key_der(&spki).is_ok_and(|p| p == private.to_public_key())
            }
            Key::P256(private) => p256::ecdsa::VerifyingKey::from_public_key_der(&spki)
                .is_ok_and(|p| &p == private.verifying_key()),
        };
        if !matches {
            return Err(CertificateError::KeyDoesNotMatchCertificate);
        }
        Ok(Pkcs12Signer {
            key,
            certificate,
            chain,
            info: describe(&cert),
        })
    }

    /// Whose certificate, issued by whom, valid when.
    pub fn info(&self) -> &CertificateInfo {
        &self.info
    }
}

fn read_key(pkcs8: &[u8]) -> Result<Key, CertificateError> {
    let info = rsa::pkcs8::PrivateKeyInfo::try_from(pkcs8)
        .map_err(|e| CertificateError::Unreadable(format!("private key: {e}")))?;
    let algorithm = info.algorithm.oid;
    if algorithm == RSA_ENCRYPTION {
        // The modulus measured as bytes before the key is built (which computes with it).
        let raw = rsa::pkcs1::RsaPrivateKey::try_from(info.private_key)
            .map_err(|e| CertificateError::UnsupportedKey(format!("RSA key not readable ({e})")))?;
        let bits = raw.modulus.as_bytes().len() * 8;
        if bits > MAX_RSA_BITS {
            return Err(CertificateError::UnsupportedKey(format!("RSA {bits} bits")));
        }
        let key = RsaPrivateKey::from_pkcs8_der(pkcs8)
            .map_err(|e| CertificateError::UnsupportedKey(format!("RSA key not readable ({e})")))?;
        let bits = key.n().bits();
        if bits < MIN_RSA_BITS {
            return Err(CertificateError::UnsupportedKey(format!("RSA {bits} bits")));
        }
        Ok(Key::Rsa(Box::new(key)))
    } else if algorithm == EC_PUBLIC_KEY {
        let curve = info.algorithm.parameters_oid().ok();
        if curve != Some(P256) {
            let curve = curve.map_or("unnamed".to_string(), |c| c.to_string());
            return Err(CertificateError::UnsupportedKey(format!(
                "EC curve {curve}"
            )));
        }
        let key = p256::SecretKey::from_pkcs8_der(pkcs8).map_err(|e| {
            CertificateError::UnsupportedKey(format!("P-256 key not readable ({e})"))
        })?;
        Ok(Key::P256(key.into()))
    } else {
        Err(CertificateError::UnsupportedKey(format!(
            "algorithm {algorithm}"
        )))
    }
}

impl Signer for Pkcs12Signer {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn sign_digest(&self, sha256: &[u8; 32]) -> Result<SignatureValue, SignerError> {
        match &self.key {
            Key::Rsa(key) => {
                // Blinded with fresh randomness: no timing side channel on the key.
                let bytes = key
                    .sign_with_rng(
                        &mut rsa::rand_core::OsRng,
                        Pkcs1v15Sign::new::<Sha256>(),
                        sha256,
                    )
                    .map_err(|e| SignerError(e.to_string()))?;
                Ok(SignatureValue {
                    algorithm: SignatureAlgorithm::RsaPkcs1v15Sha256,
                    bytes,
                })
            }
            Key::P256(key) => {
                use p256::ecdsa::signature::hazmat::PrehashSigner;
                let signature: p256::ecdsa::Signature = key
                    .sign_prehash(sha256)
                    .map_err(|e| SignerError(e.to_string()))?;
                Ok(SignatureValue {
                    algorithm: SignatureAlgorithm::EcdsaP256Sha256,
                    bytes: signature.to_der().as_bytes().to_vec(),
                })
            }
        }
    }
}
