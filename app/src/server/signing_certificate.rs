//! A school's own digital-signature certificate (chữ ký số): checking a PKCS#12
//! file and sealing it with its password, keeping and retiring its record, the
//! certificate in use, and signing the school's PDFs with it (PAdES). The server
//! functions of `api::signing_certificate` check who asks and write the audit
//! lines; the receipt and report PDFs are made by [`school_pdf`].

use crate::domain::ids::{SchoolId, StaffId};
use crate::domain::time::UnixTime;
use crate::error::{AppError, CertificateProblem};
use crate::server::pades::{CertificateError, CertificateInfo, Pkcs12Signer};
use crate::server::state::{AppState, Db};
use crate::server::vault::Vault;
use crate::staff::SigningCertificate;
use sqlx::AnyConnection;
use std::sync::Arc;

fn context(school_id: SchoolId, what: &str) -> String {
    format!("signing-certificate:{what}:{school_id}")
}

/// What the staff are told about a certificate file that cannot sign.
pub fn problem(e: &CertificateError) -> CertificateProblem {
    use CertificateProblem as P;
    match e {
        CertificateError::TooLarge { .. } => P::TooLarge,
        CertificateError::Unreadable(_) | CertificateError::BadCertificate(_) => P::Unreadable,
        CertificateError::WrongPassword => P::WrongPassword,
        CertificateError::NoPrivateKey => P::NoPrivateKey,
        CertificateError::NoCertificate | CertificateError::KeyDoesNotMatchCertificate => {
            P::NoCertificate
        }
        CertificateError::UnsupportedKey(_) => P::UnsupportedKey,
        CertificateError::NotYetValid { not_before } => P::NotYetValid {
            not_before: *not_before,
        },
        CertificateError::Expired { not_after } => P::Expired {
            not_after: *not_after,
        },
    }
}

#[derive(sqlx::FromRow)]
struct CurrentRow {
    owner: String,
    organization: Option<String>,
    issuer: String,
    serial_hex: String,
    not_before: i64,
    not_after: i64,
    added_at: i64,
    added_by: String,
}

/// The school's certificate in use, if any.
pub async fn current(db: &Db, school_id: SchoolId) -> Result<Option<SigningCertificate>, AppError> {
    let row: Option<CurrentRow> = sqlx::query_as(
        "SELECT c.owner AS owner, c.organization AS organization, c.issuer AS issuer, \
            c.serial_hex AS serial_hex, c.not_before AS not_before, c.not_after AS not_after, \
            c.added_at AS added_at, s.display_name AS added_by \
         FROM signing_certificate c JOIN staff s ON s.id = c.added_by \
         WHERE c.school_id = $1 AND c.retired_at IS NULL",
    )
    .bind(school_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| SigningCertificate {
        owner: r.owner,
        organization: r.organization,
        issuer: r.issuer,
        serial_hex: r.serial_hex,
        not_before: r.not_before,
        not_after: r.not_after,
        added_at: r.added_at,
        added_by: r.added_by,
    }))
}

/// Opened certificates, by their row: a file is opened (its key derivation, up to a
/// second of CPU) once per process, not once per download of a public receipt link.
/// A new certificate is a new row; a retired one is never asked for again.
fn opened() -> &'static std::sync::Mutex<std::collections::HashMap<i64, Arc<Pkcs12Signer>>> {
    static OPENED: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<i64, Arc<Pkcs12Signer>>>,
    > = std::sync::OnceLock::new();
    OPENED.get_or_init(Default::default)
}

#[derive(sqlx::FromRow)]
struct SealedRow {
    id: i64,
    sealed_p12: String,
    sealed_password: String,
}

/// The signer of the school's certificate in use, if there is one valid at `now`. A
/// certificate that expired since it was added signs nothing: the PDF then carries the
/// platform's signature only.
pub async fn signer(
    state: &AppState,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<Option<Arc<Pkcs12Signer>>, AppError> {
    let row: Option<SealedRow> = sqlx::query_as(
        "SELECT id, sealed_p12, sealed_password FROM signing_certificate \
         WHERE school_id = $1 AND retired_at IS NULL AND not_before <= $2 AND not_after >= $2",
    )
    .bind(school_id)
    .bind(now)
    .fetch_optional(&state.db)
    .await?;
    let Some(SealedRow {
        id,
        sealed_p12,
        sealed_password,
    }) = row
    else {
        return Ok(None);
    };
    if let Some(signer) = opened().lock().ok().and_then(|m| m.get(&id).cloned()) {
        return Ok(Some(signer));
    }
    let vault = state.vault.clone();
    // A file that no longer opens (another master key, a library change) is logged and the
    // PDF goes out with the platform's signature only: parents still get their receipt.
    let opened_now = crate::server::heavy::run(move || {
        let p12 = vault
            .open(&sealed_p12, &context(school_id, "p12"))
            .map_err(|e| e.to_string())?;
        let password = vault
            .open(&sealed_password, &context(school_id, "password"))
            .map_err(|e| e.to_string())?;
        let password = String::from_utf8(password).map_err(|e| e.to_string())?;
        Pkcs12Signer::open(&p12, &password).map_err(|e| e.to_string())
    })
    .await
    .map_err(|_| AppError::Busy)?;
    let signer = match opened_now {
        Ok(signer) => Arc::new(signer),
        Err(e) => {
            tracing::error!("school {school_id}'s sealed certificate does not open: {e}");
            return Ok(None);
        }
    };
    if let Ok(mut m) = opened().lock() {
        m.insert(id, signer.clone());
    }
    Ok(Some(signer))
}

/// A school's PDF as it leaves the server: `render` lays it out, told whose certificate
/// will sign it (holder, issuer) if the school has one valid now, and it is then signed
/// with it (PAdES). Laying out, compressing and signing run off the async workers.
pub async fn school_pdf<E: std::fmt::Display>(
    state: &AppState,
    school_id: SchoolId,
    reason: String,
    location: String,
    render: impl FnOnce(Option<(&str, &str)>) -> Result<Vec<u8>, E> + Send + 'static,
) -> Result<Vec<u8>, AppError> {
    let now = state.clock.now_time();
    let signer = signer(state, school_id, now).await?;
    let made = crate::server::heavy::run(move || {
        let holder = signer
            .as_ref()
            .map(|s| (s.info().owner.as_str(), s.info().issuer.as_str()));
        let pdf = render(holder).map_err(|e| e.to_string())?;
        crate::server::pades::signed_if_any(
            pdf,
            signer
                .as_deref()
                .map(|s| s as &dyn crate::server::pades::Signer),
            now.seconds(),
            &reason,
            &location,
        )
        .map_err(|e| e.to_string())
    })
    .await
    .map_err(|_| AppError::Busy)?;
    made.map_err(|e| {
        tracing::error!("school {school_id}'s PDF: {e}");
        AppError::Internal
    })
}

/// A certificate file that can sign, sealed with its password for storing.
pub struct SealedCertificate {
    pub info: CertificateInfo,
    sealed_p12: String,
    sealed_password: String,
}

/// Checks a certificate file (the password opens it, the key matches the certificate, it
/// is valid at `now`, a CA issued it) and seals it with its password. Opening the file
/// runs its key derivation: off the async workers.
pub async fn check_and_seal(
    vault: &Arc<Vault>,
    school_id: SchoolId,
    p12: Vec<u8>,
    password: String,
    now: UnixTime,
) -> Result<SealedCertificate, AppError> {
    let vault = vault.clone();
    crate::server::heavy::run(move || {
        let signer =
            Pkcs12Signer::open(&p12, &password).map_err(|e| AppError::Certificate(problem(&e)))?;
        let info = signer.info().clone();
        info.check_valid_at(now.seconds())
            .map_err(|e| AppError::Certificate(problem(&e)))?;
        // A chữ ký số is a CA's certificate: one that vouches for itself is not.
        // (Whether the CA is licensed in Vietnam is not checked here; the page says so.)
        if info.self_signed {
            return Err(AppError::Certificate(CertificateProblem::SelfSigned));
        }
        Ok::<_, AppError>(SealedCertificate {
            info,
            sealed_p12: vault.seal(&p12, &context(school_id, "p12")),
            sealed_password: vault.seal(password.as_bytes(), &context(school_id, "password")),
        })
    })
    .await
    .map_err(|_| AppError::Busy)?
}

/// Stores a checked certificate in place of the school's current one (retired as
/// replaced): the new record's id.
pub async fn replace_current(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    staff_id: StaffId,
    certificate: &SealedCertificate,
    now: UnixTime,
) -> Result<i64, AppError> {
    sqlx::query(
        "UPDATE signing_certificate SET retired_at = $1, retired_by = $2, retire_reason = 'replaced' \
         WHERE school_id = $3 AND retired_at IS NULL",
    )
    .bind(now)
    .bind(staff_id)
    .bind(school_id)
    .execute(&mut *conn)
    .await?;
    let info = &certificate.info;
    Ok(sqlx::query_scalar(
        "INSERT INTO signing_certificate (school_id, sealed_p12, sealed_password, owner, organization, \
             issuer, serial_hex, not_before, not_after, added_at, added_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(school_id)
    .bind(&certificate.sealed_p12)
    .bind(&certificate.sealed_password)
    .bind(&info.owner)
    .bind(&info.organization)
    .bind(&info.issuer)
    .bind(&info.serial_hex)
    .bind(info.not_before)
    .bind(info.not_after)
    .bind(now)
    .bind(staff_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Retires the school's certificate in use with why: its id and holder, if it had one.
pub async fn retire(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    staff_id: StaffId,
    reason: &str,
    now: UnixTime,
) -> Result<Option<(i64, String)>, AppError> {
    Ok(sqlx::query_as(
        "UPDATE signing_certificate SET retired_at = $1, retired_by = $2, retire_reason = $3 \
         WHERE school_id = $4 AND retired_at IS NULL RETURNING id, owner",
    )
    .bind(now)
    .bind(staff_id)
    .bind(reason)
    .bind(school_id)
    .fetch_optional(&mut *conn)
    .await?)
}
