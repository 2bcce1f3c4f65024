//! Digital signatures (chữ ký số) on PDFs: PAdES baseline B-B (ETSI EN 319 142-1)
//! with the school's CA-issued certificate, so any PDF reader or validator
//! (Adobe Reader, poppler's pdfsig, pyHanko, the Vietnamese CA's checkers) can
//! verify who signed and that nothing changed since.
//!
//! [`sign_pdf`] appends an incremental update to the PDF (the original bytes
//! stay a prefix of the result) holding an invisible signature field on the
//! first page and a detached CMS SignedData over the whole file but the
//! signature itself. The key stays behind the [`Signer`] trait: today a
//! PKCS#12 file ([`Pkcs12Signer`]), later possibly a remote signing service.
//!
//! Layout: `pdf` reads just enough of the PDF (classic cross-reference tables,
//! as `pdf-writer` writes them; anything else is refused), `update` writes the
//! update and fills its placeholders, `cms` builds the DER, `signer` holds the
//! keys. Only this file puts them together. `sign_pdf` is CPU work (and, with a
//! remote signer, blocking I/O): call it off the async runtime.

mod cms;
mod pdf;
mod signer;
mod update;

use sha2::{Digest, Sha256};

pub use signer::{
    largest_iteration_count, CertificateError, CertificateInfo, Pkcs12Signer, SignatureAlgorithm,
    SignatureValue, Signer, SignerError, MAX_ITERATIONS, MAX_PKCS12_BYTES,
};

/// PDFs larger than this are refused (receipts and notices are tens of KB).
pub const MAX_PDF_BYTES: usize = 64 * 1024 * 1024;
/// Reason and location are short phrases; longer input is refused.
pub const MAX_TEXT_CHARS: usize = 500;
/// 9999-12-31T23:59:59Z: the last time a PDF date can name.
const MAX_UNIX: i64 = 253_402_300_799;

/// Why a PDF could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum PadesError {
    #[error("the PDF is {size} bytes; at most {limit} bytes are signed")]
    TooLarge { size: usize, limit: usize },
    #[error("not a PDF file")]
    NotPdf,
    #[error("cannot sign this PDF: {0} is not supported")]
    Unsupported(String),
    #[error("cannot sign this PDF: it is malformed ({0})")]
    Malformed(String),
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    #[error(transparent)]
    Signer(#[from] SignerError),
    #[error("the signer returned a signature that does not verify against its certificate")]
    SignatureDoesNotVerify,
    #[error("the signature ({size} bytes) does not fit the {room} bytes reserved for it")]
    SignatureTooLarge { size: usize, room: usize },
    #[error("the {0} is too long (at most {MAX_TEXT_CHARS} characters)")]
    TextTooLong(&'static str),
    #[error("the signing time is out of range")]
    BadTime,
}

/// A school's PDF as it leaves the server: signed by the school's certificate when it has
/// one (`signer`), as rendered otherwise.
pub fn signed_if_any(
    pdf: Vec<u8>,
    signer: Option<&dyn Signer>,
    signing_time_unix: i64,
    reason: &str,
    location: &str,
) -> Result<Vec<u8>, PadesError> {
    match signer {
        Some(signer) => sign_pdf(&pdf, signer, signing_time_unix, reason, location),
        None => Ok(pdf),
    }
}

/// Signs `pdf` as `signer` at `signing_time_unix` (seconds; written as the
/// signature's /M, and the certificate must be valid then), with a reason and a
/// location shown by PDF readers. Returns the signed PDF: the original bytes
/// followed by the update.
pub fn sign_pdf(
    pdf: &[u8],
    signer: &dyn Signer,
    signing_time_unix: i64,
    reason: &str,
    location: &str,
) -> Result<Vec<u8>, PadesError> {
    if pdf.len() > MAX_PDF_BYTES {
        return Err(PadesError::TooLarge {
            size: pdf.len(),
            limit: MAX_PDF_BYTES,
        });
    }
    for (what, text) in [("reason", reason), ("location", location)] {
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(PadesError::TextTooLong(what));
        }
    }
    let date = pdf_date(signing_time_unix).ok_or(PadesError::BadTime)?;
    let certificate = signer::parse_certificate(signer.certificate())?;
    signer::describe(&certificate).check_valid_at(signing_time_unix)?;
    for issuer in signer.chain() {
        signer::parse_certificate(issuer)?;
    }
    let (issuer, serial) = signer::issuer_and_serial(&certificate)?;
    let certificates_len =
        signer.certificate().len() + signer.chain().iter().map(Vec::len).sum::<usize>();

    let doc = pdf::Document::parse(pdf)?;
    let fields = update::SignatureFields {
        date: format!("({date})"),
        reason: pdf_text(reason),
        location: pdf_text(location),
    };
    let reserved = update::reserved_bytes(certificates_len, issuer.len());
    let mut prepared = update::append(&doc, &fields, reserved)?;
    let range = update::byte_range(prepared.pdf.len(), &prepared.contents);
    update::write_byte_range(&mut prepared.pdf, &prepared.byte_range_slot, range)?;
    let content_digest = update::digest_ranges(&prepared.pdf, range);

    let signer_cert = cms::SignerCert {
        der: signer.certificate(),
        issuer,
        serial,
    };
    let attributes = cms::signed_attributes(&content_digest, &signer_cert);
    let attributes_digest: [u8; 32] = Sha256::digest(&attributes).into();
    let signature = signer.sign_digest(&attributes_digest)?;
    if !signer::verify_digest(&certificate, &attributes_digest, &signature) {
        return Err(PadesError::SignatureDoesNotVerify);
    }
    let der = cms::signed_data(
        &attributes,
        &signer_cert,
        signer.chain(),
        signature.algorithm,
        &signature.bytes,
    );
    update::write_contents(&mut prepared.pdf, &prepared.contents, &der)?;
    Ok(prepared.pdf)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`); integers only.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day, hour, minute, second) in UTC.
fn utc_parts(unix: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (y, mo, d) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    (y, mo, d, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// `2026-11-26 02:00`, for messages.
pub(crate) fn unix_to_utc(unix: i64) -> String {
    let (y, mo, d, h, mi, _) = utc_parts(unix);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
}

/// A PDF date (ISO 32000-1 §7.9.4) in UTC: `D:20261126020000Z`.
fn pdf_date(unix: i64) -> Option<String> {
    if !(0..=MAX_UNIX).contains(&unix) {
        return None;
    }
    let (y, mo, d, h, mi, s) = utc_parts(unix);
    Some(format!("D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z"))
}

/// A PDF text string as UTF-16BE with its byte order mark, hex-encoded: any
/// Vietnamese text, and no escaping to get wrong.
fn pdf_text(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_civil_dates() {
        assert_eq!(pdf_date(0).unwrap(), "D:19700101000000Z");
        // 2026-11-26 09:00 in Vietnam (UTC+7).
        assert_eq!(pdf_date(1_795_658_400).unwrap(), "D:20261126020000Z");
        // A leap day.
        assert_eq!(pdf_date(951_782_400).unwrap(), "D:20000229000000Z");
        assert_eq!(pdf_date(MAX_UNIX).unwrap(), "D:99991231235959Z");
        assert_eq!(pdf_date(-1), None);
        assert_eq!(pdf_date(MAX_UNIX + 1), None);
        assert_eq!(unix_to_utc(1_795_658_400), "2026-11-26 02:00");
    }

    #[test]
    fn text_is_utf16_hex() {
        assert_eq!(pdf_text("Hà"), "<FEFF004800E0>");
        assert_eq!(pdf_text(""), "<FEFF>");
        // Outside the BMP: a surrogate pair.
        assert_eq!(pdf_text("𝄞"), "<FEFFD834DD1E>");
    }
}
