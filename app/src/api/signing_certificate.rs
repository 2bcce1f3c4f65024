//! A school's own digital-signature certificate (chữ ký số) from a licensed certification
//! authority, as a PKCS#12 file: its accountant adds it (checked: the password opens it, the key
//! matches the certificate, it is valid today), everyone of the school sees whose it is and until
//! when, and from then on the school's receipt PDFs carry a PAdES signature made with it. The file
//! and its password are sealed with the master key; retiring a certificate keeps its record.

use crate::error::AppError;
use crate::staff::SigningCertificate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// A .p12/.pfx file is a few KB; base64 makes 64 KiB about 88,000 characters.
#[cfg(feature = "ssr")]
const MAX_BASE64_CHARS: usize = 90_000;
#[cfg(feature = "ssr")]
const MAX_PASSWORD_CHARS: usize = 200;

#[cfg(feature = "ssr")]
pub mod imp {
    use super::*;
    use crate::server::pades::{CertificateError, Pkcs12Signer};
    use crate::server::state::AppState;
    use std::sync::Arc;

    fn context(school_id: i64, what: &str) -> String {
        format!("signing-certificate:{what}:{school_id}")
    }

    /// What the staff are told about a certificate file that cannot sign.
    pub fn problem(e: &CertificateError) -> crate::error::CertificateProblem {
        use crate::error::CertificateProblem as P;
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

    /// The school's certificate in use, if any.
    pub async fn current(
        db: &crate::server::state::Db,
        school_id: i64,
    ) -> Result<Option<SigningCertificate>, AppError> {
        #[allow(clippy::type_complexity)]
        let row: Option<(
            String,
            Option<String>,
            String,
            String,
            i64,
            i64,
            i64,
            String,
        )> = sqlx::query_as(
            "SELECT c.owner, c.organization, c.issuer, c.serial_hex, c.not_before, c.not_after, \
                        c.added_at, s.display_name \
                 FROM signing_certificate c JOIN staff s ON s.id = c.added_by \
                 WHERE c.school_id = $1 AND c.retired_at IS NULL",
        )
        .bind(school_id)
        .fetch_optional(db)
        .await?;
        Ok(row.map(
            |(
                owner,
                organization,
                issuer,
                serial_hex,
                not_before,
                not_after,
                added_at,
                added_by,
            )| {
                SigningCertificate {
                    owner,
                    organization,
                    issuer,
                    serial_hex,
                    not_before,
                    not_after,
                    added_at,
                    added_by,
                }
            },
        ))
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

    /// The signer of the school's certificate in use, if there is one valid at `now`. A
    /// certificate that expired since it was added signs nothing: the PDF then carries the
    /// platform's signature only.
    pub async fn signer(
        state: &AppState,
        school_id: i64,
        now: i64,
    ) -> Result<Option<Arc<Pkcs12Signer>>, AppError> {
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT id, sealed_p12, sealed_password FROM signing_certificate \
             WHERE school_id = $1 AND retired_at IS NULL AND not_before <= $2 AND not_after >= $2",
        )
        .bind(school_id)
        .bind(now)
        .fetch_optional(&state.db)
        .await?;
        let Some((id, sealed_p12, sealed_password)) = row else {
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
        school_id: i64,
        reason: String,
        location: String,
        render: impl FnOnce(Option<(&str, &str)>) -> Result<Vec<u8>, E> + Send + 'static,
    ) -> Result<Vec<u8>, AppError> {
        let now = state.clock.now();
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
                now,
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

    /// Checks a certificate file and seals it in place of the school's current one.
    pub async fn save(
        state: &AppState,
        staff: &crate::server::auth::Staff,
        school_id: i64,
        p12: Vec<u8>,
        password: String,
    ) -> Result<SigningCertificate, AppError> {
        let now = state.clock.now();
        let vault = state.vault.clone();
        // Opening the file runs its key derivation: off the async workers.
        let (info, sealed_p12, sealed_password) = crate::server::heavy::run(move || {
            let signer = Pkcs12Signer::open(&p12, &password)
                .map_err(|e| AppError::Certificate(problem(&e)))?;
            let info = signer.info().clone();
            info.check_valid_at(now)
                .map_err(|e| AppError::Certificate(problem(&e)))?;
            // A chữ ký số is a CA's certificate: one that vouches for itself is not.
            // (Whether the CA is licensed in Vietnam is not checked here; the page says so.)
            if info.self_signed {
                return Err(AppError::Certificate(
                    crate::error::CertificateProblem::SelfSigned,
                ));
            }
            Ok::<_, AppError>((
                info,
                vault.seal(&p12, &context(school_id, "p12")),
                vault.seal(password.as_bytes(), &context(school_id, "password")),
            ))
        })
        .await
        .map_err(|_| AppError::Busy)??;
        let mut tx = crate::server::database::begin_write(&state.db).await?;
        sqlx::query(
            "UPDATE signing_certificate SET retired_at = $1, retired_by = $2, retire_reason = 'replaced' \
             WHERE school_id = $3 AND retired_at IS NULL",
        )
        .bind(now)
        .bind(staff.id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO signing_certificate (school_id, sealed_p12, sealed_password, owner, organization, \
                 issuer, serial_hex, not_before, not_after, added_at, added_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(school_id)
        .bind(&sealed_p12)
        .bind(&sealed_password)
        .bind(&info.owner)
        .bind(&info.organization)
        .bind(&info.issuer)
        .bind(&info.serial_hex)
        .bind(info.not_before)
        .bind(info.not_after)
        .bind(now)
        .bind(staff.id)
        .fetch_one(&mut *tx)
        .await?;
        crate::server::audit::by_staff(
            &mut tx,
            state,
            staff,
            crate::server::audit::Entry::at_school(school_id, "create", "signing_certificate", id)
                .after(
                    serde_json::json!({"owner": info.owner, "issuer": info.issuer,
                    "serial": info.serial_hex, "not_after": info.not_after}),
                ),
        )
        .await?;
        tx.commit().await?;
        current(&state.db, school_id)
            .await?
            .ok_or(AppError::Internal)
    }
}

/// The school's certificate in use, if any (anyone of the school, and its offices).
#[server(prefix = "/rpc", endpoint = "school/certificate", input = Json)]
pub async fn load_certificate(school_id: i64) -> Result<Option<SigningCertificate>, AppError> {
    let (state, _) = crate::server::auth::school_reader(school_id).await?;
    imp::current(&state.db, school_id).await
}

/// Adds the school's certificate file (.p12/.pfx, base64) with its password, in place of the
/// one in use. Refused with the reason when it cannot sign today.
#[server(prefix = "/rpc", endpoint = "school/certificate/save", input = Json)]
pub async fn save_certificate(
    school_id: i64,
    p12_base64: String,
    password: String,
) -> Result<SigningCertificate, AppError> {
    use crate::error::CertificateProblem;
    use base64::Engine;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    if p12_base64.len() > MAX_BASE64_CHARS {
        return Err(AppError::Certificate(CertificateProblem::TooLarge));
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::Certificate(CertificateProblem::WrongPassword));
    }
    let p12 = base64::engine::general_purpose::STANDARD
        .decode(p12_base64.trim())
        .map_err(|_| AppError::Certificate(CertificateProblem::Unreadable))?;
    imp::save(&state, &staff, school_id, p12, password).await
}

/// Stops signing with the school's certificate (lost, replaced by the CA, the head changed),
/// with why; the record stays, and receipts signed with it stay signed.
#[server(prefix = "/rpc", endpoint = "school/certificate/retire", input = Json)]
pub async fn retire_certificate(school_id: i64, reason: String) -> Result<(), AppError> {
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 300).ok_or(AppError::InvalidInput(Field::Reason))?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let retired: Option<(i64, String)> = sqlx::query_as(
        "UPDATE signing_certificate SET retired_at = $1, retired_by = $2, retire_reason = $3 \
         WHERE school_id = $4 AND retired_at IS NULL RETURNING id, owner",
    )
    .bind(now)
    .bind(staff.id)
    .bind(&reason)
    .bind(school_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (id, owner) = retired.ok_or(AppError::NotFound)?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "retire", "signing_certificate", id)
            .before(serde_json::json!({"owner": owner}))
            .after(serde_json::json!({"reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
