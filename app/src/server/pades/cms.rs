//! The CMS (RFC 5652) detached SignedData a PAdES baseline B-B signature holds,
//! written as DER by hand: the structure is small and fixed, and writing it
//! directly keeps the certificates byte for byte as the CA issued them (a
//! decode/re-encode round trip could alter a certificate and break its
//! signature). Pure functions, no I/O.
//!
//! Signed attributes, as ETSI EN 319 142-1 (PAdES) requires for B-B:
//! content-type (id-data), message-digest (SHA-256 of the signed byte ranges) and
//! ESS signing-certificate-v2 (binds the signer's certificate to the
//! signature, so it cannot be swapped for another one with the same key). No
//! signing-time attribute: PAdES forbids it, the time is the /M entry.

use sha2::{Digest, Sha256};

use super::SignatureAlgorithm;

/// OIDs as the content octets of their DER encoding (checked against their
/// dotted forms in the tests below).
pub(super) mod oid {
    /// 1.2.840.113549.1.7.1 id-data
    pub const DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
    /// 1.2.840.113549.1.7.2 id-signedData
    pub const SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
    /// 2.16.840.1.101.3.4.2.1 id-sha256
    pub const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
    /// 1.2.840.113549.1.9.3 id-contentType
    pub const CONTENT_TYPE: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03];
    /// 1.2.840.113549.1.9.4 id-messageDigest
    pub const MESSAGE_DIGEST: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04];
    /// 1.2.840.113549.1.9.16.2.47 id-aa-signingCertificateV2
    pub const SIGNING_CERTIFICATE_V2: &[u8] = &[
        0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x2F,
    ];
    /// 1.2.840.113549.1.1.1 rsaEncryption
    pub const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
    /// 1.2.840.10045.4.3.2 ecdsa-with-SHA256
    pub const ECDSA_WITH_SHA256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const NULL: u8 = 0x05;
const OID: u8 = 0x06;
/// [0] constructed, context-specific.
const CONTEXT_0: u8 = 0xA0;
/// [4] constructed, context-specific (GeneralName directoryName).
const CONTEXT_4: u8 = 0xA4;

/// One DER element: tag, definite length (short or long form), content.
pub(super) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = Vec::with_capacity(len + 6);
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

fn constructed(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// A DER SET OF: its elements sorted by their encodings (X.690 11.6), which the
/// signed attributes must be, since the signature is over their DER.
pub(super) fn set_of(mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    elements.sort();
    tlv(SET, &elements.concat())
}

fn algorithm(oid: &[u8], null_parameters: bool) -> Vec<u8> {
    if null_parameters {
        constructed(SEQUENCE, &[&tlv(OID, oid), &tlv(NULL, &[])])
    } else {
        constructed(SEQUENCE, &[&tlv(OID, oid)])
    }
}

fn attribute(oid: &[u8], value: &[u8]) -> Vec<u8> {
    constructed(SEQUENCE, &[&tlv(OID, oid), &set_of(vec![value.to_vec()])])
}

/// What the CMS needs from the signer's certificate, as DER elements.
pub(super) struct SignerCert<'a> {
    /// The whole certificate.
    pub der: &'a [u8],
    /// The issuer Name (SEQUENCE), as in the certificate.
    pub issuer: Vec<u8>,
    /// The serial number (INTEGER), as in the certificate.
    pub serial: Vec<u8>,
}

/// The signed attributes as the DER SET (tag 0x31) the signature covers.
pub(super) fn signed_attributes(content_digest: &[u8; 32], cert: &SignerCert) -> Vec<u8> {
    // ESSCertIDv2 with SHA-256: hashAlgorithm is DEFAULT id-sha256, so DER omits it.
    let general_names = constructed(SEQUENCE, &[&tlv(CONTEXT_4, &cert.issuer)]);
    let issuer_serial = constructed(SEQUENCE, &[&general_names, &cert.serial]);
    let cert_hash = Sha256::digest(cert.der);
    let ess_cert_id = constructed(SEQUENCE, &[&tlv(OCTET_STRING, &cert_hash), &issuer_serial]);
    let signing_certificate_v2 = constructed(SEQUENCE, &[&constructed(SEQUENCE, &[&ess_cert_id])]);
    set_of(vec![
        attribute(oid::CONTENT_TYPE, &tlv(OID, oid::DATA)),
        attribute(oid::MESSAGE_DIGEST, &tlv(OCTET_STRING, content_digest)),
        attribute(oid::SIGNING_CERTIFICATE_V2, &signing_certificate_v2),
    ])
}

/// The ContentInfo wrapping the detached SignedData: one signer, identified by
/// issuer and serial, its certificate first, then the chain.
pub(super) fn signed_data(
    signed_attributes: &[u8],
    cert: &SignerCert,
    chain: &[Vec<u8>],
    algorithm_used: SignatureAlgorithm,
    signature: &[u8],
) -> Vec<u8> {
    let sha256 = algorithm(oid::SHA256, false);
    let signature_algorithm = match algorithm_used {
        // rsaEncryption with NULL parameters: what every verifier accepts for
        // PKCS#1 v1.5 (the digest is named by digestAlgorithm).
        SignatureAlgorithm::RsaPkcs1v15Sha256 => algorithm(oid::RSA_ENCRYPTION, true),
        SignatureAlgorithm::EcdsaP256Sha256 => algorithm(oid::ECDSA_WITH_SHA256, false),
    };
    // In SignerInfo the attributes are [0] IMPLICIT: same content, another tag.
    let mut implicit_attributes = signed_attributes.to_vec();
    implicit_attributes[0] = CONTEXT_0;
    let issuer_and_serial = constructed(SEQUENCE, &[&cert.issuer, &cert.serial]);
    let signer_info = constructed(
        SEQUENCE,
        &[
            &tlv(INTEGER, &[1]),
            &issuer_and_serial,
            &sha256,
            &implicit_attributes,
            &signature_algorithm,
            &tlv(OCTET_STRING, signature),
        ],
    );
    let mut certificates = vec![cert.der.to_vec()];
    certificates.extend(chain.iter().cloned());
    let signed = constructed(
        SEQUENCE,
        &[
            &tlv(INTEGER, &[1]),
            &tlv(SET, &sha256),
            // Detached: id-data without eContent.
            &constructed(SEQUENCE, &[&tlv(OID, oid::DATA)]),
            &tlv(CONTEXT_0, &certificates.concat()),
            &tlv(SET, &signer_info),
        ],
    );
    constructed(
        SEQUENCE,
        &[&tlv(OID, oid::SIGNED_DATA), &tlv(CONTEXT_0, &signed)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_cert::der::asn1::ObjectIdentifier;

    #[test]
    fn oids_are_the_dotted_ones() {
        for (bytes, dotted) in [
            (oid::DATA, "1.2.840.113549.1.7.1"),
            (oid::SIGNED_DATA, "1.2.840.113549.1.7.2"),
            (oid::SHA256, "2.16.840.1.101.3.4.2.1"),
            (oid::CONTENT_TYPE, "1.2.840.113549.1.9.3"),
            (oid::MESSAGE_DIGEST, "1.2.840.113549.1.9.4"),
            (oid::SIGNING_CERTIFICATE_V2, "1.2.840.113549.1.9.16.2.47"),
            (oid::RSA_ENCRYPTION, "1.2.840.113549.1.1.1"),
            (oid::ECDSA_WITH_SHA256, "1.2.840.10045.4.3.2"),
        ] {
            assert_eq!(
                bytes,
                ObjectIdentifier::new_unwrap(dotted).as_bytes(),
                "{dotted}"
            );
        }
    }

    #[test]
    fn lengths_use_the_shortest_form() {
        assert_eq!(tlv(0x04, &[7; 3])[..2], [0x04, 3]);
        assert_eq!(tlv(0x04, &[7; 127])[..2], [0x04, 127]);
        assert_eq!(tlv(0x04, &[7; 128])[..3], [0x04, 0x81, 128]);
        assert_eq!(tlv(0x04, &[7; 256])[..4], [0x04, 0x82, 1, 0]);
        assert_eq!(tlv(0x04, &[7; 70_000])[..5], [0x04, 0x83, 1, 0x11, 0x70]);
    }

    #[test]
    fn sets_are_sorted() {
        assert_eq!(
            set_of(vec![vec![0x30, 1, 9], vec![0x30, 1, 2], vec![0x06, 0]]),
            [0x31, 8, 0x06, 0, 0x30, 1, 2, 0x30, 1, 9]
        );
    }
}
