//! A school's own digital-signature certificate (chữ ký số) from a licensed certification
//! authority, as a PKCS#12 file: its accountant adds it (checked: the password opens it, the key
//! matches the certificate, it is valid today), everyone of the school sees whose it is and until
//! when, and from then on the school's receipt PDFs carry a PAdES signature made with it. The file
//! and its password are sealed with the master key; retiring a certificate keeps its record.
//! The checks, the sealing, the records and the signing are in `server::signing_certificate`.

use crate::error::AppError;
use crate::staff::SigningCertificate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// A .p12/.pfx file is a few KB; base64 makes 64 KiB about 88,000 characters.
#[cfg(feature = "ssr")]
const MAX_BASE64_CHARS: usize = 90_000;
#[cfg(feature = "ssr")]
const MAX_PASSWORD_CHARS: usize = 200;

/// The school's certificate in use, if any (anyone of the school, and its offices).
#[server(prefix = "/rpc", endpoint = "school/certificate", input = Json)]
pub async fn load_certificate(school_id: i64) -> Result<Option<SigningCertificate>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_reader(school_id).await?;
    crate::server::signing_certificate::current(&state.db, school_id).await
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
    let school_id = crate::domain::ids::SchoolId(school_id);
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
    let now = state.clock.now_time();
    let certificate = crate::server::signing_certificate::check_and_seal(
        &state.vault,
        school_id,
        p12,
        password,
        now,
    )
    .await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let id = crate::server::signing_certificate::replace_current(
        &mut tx,
        school_id,
        staff.id,
        &certificate,
        now,
    )
    .await?;
    let info = &certificate.info;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "create", "signing_certificate", id)
            .after(
                serde_json::json!({"owner": info.owner, "issuer": info.issuer,
                "serial": info.serial_hex, "not_after": info.not_after}),
            ),
    )
    .await?;
    tx.commit().await?;
    crate::server::signing_certificate::current(&state.db, school_id)
        .await?
        .ok_or(AppError::Internal)
}

/// Stops signing with the school's certificate (lost, replaced by the CA, the head changed),
/// with why; the record stays, and receipts signed with it stay signed.
#[server(prefix = "/rpc", endpoint = "school/certificate/retire", input = Json)]
pub async fn retire_certificate(school_id: i64, reason: String) -> Result<(), AppError> {
    use crate::error::Field;
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let reason =
        crate::domain::validate::text(&reason, 300).ok_or(AppError::InvalidInput(Field::Reason))?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (id, owner) =
        crate::server::signing_certificate::retire(&mut tx, school_id, staff.id, &reason, now)
            .await?
            .ok_or(AppError::NotFound)?;
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
