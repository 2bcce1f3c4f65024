//! What a parent can ask for: the list of schools, a child by student code and date
//! of birth, then that child's invoices with the device's access token.

use crate::error::AppError;
use crate::model::{
    ChildAccess, ChildOverview, GroupPayment, InvoiceDetail, SchoolPublic, SchoolSummary,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub mod imp {
    pub use crate::domain::date::Date;
    pub use crate::error::Field;
    pub use crate::server::limiter::{PER_CLIENT, PER_STUDENT_CODE};
    pub use crate::server::parent_queries as q;
    pub use crate::server::state::{app_state, client_key};

    /// How long a device keeps access to a child without looking them up again.
    pub const ACCESS_TTL_SECS: i64 = 180 * 24 * 3600;

    pub use crate::domain::student_import::normalize_code;

    /// The child a device's access token stands for, if it is still valid: ours,
    /// unexpired, and issued after the school last ended the child's access
    /// (links revoked, birth date or code corrected).
    pub async fn child_of(
        state: &crate::server::state::AppState,
        token: &str,
    ) -> Result<i64, crate::error::AppError> {
        use crate::error::AppError;
        let (student_id, expires_at) = state
            .tokens
            .verify_with_expiry(token, state.clock.now())
            .ok_or(AppError::AccessExpired)?;
        let issued_at = expires_at - ACCESS_TTL_SECS;
        let (revoked_before, forgotten): (Option<i64>, i64) = sqlx::query_as(
            "SELECT (SELECT revoked_before FROM child_access_revoked WHERE student_id = $1), \
             (SELECT COUNT(*) FROM child_token_revoked WHERE token_digest = $2)",
        )
        .bind(student_id)
        .bind(token_digest(token))
        .fetch_one(&state.db)
        .await?;
        match revoked_before {
            _ if forgotten > 0 => Err(AppError::AccessExpired),
            Some(before) if issued_at <= before => Err(AppError::AccessExpired),
            _ => Ok(student_id),
        }
    }

    /// What is kept of a token a parent ended: its SHA-256, never the token.
    pub fn token_digest(token: &str) -> String {
        use sha2::Digest;
        crate::domain::hex::encode(&sha2::Sha256::digest(token.trim().as_bytes()))
    }

    /// [`end_child_access`] if the school is correcting the birth date or the
    /// code that parents look the child up with (called before the update).
    pub async fn end_child_access_if_changed(
        conn: &mut sqlx::AnyConnection,
        student_id: i64,
        code: &str,
        date_of_birth: &str,
        now: i64,
    ) -> Result<(), crate::error::AppError> {
        sqlx::query(
            "INSERT INTO child_access_revoked (student_id, revoked_before) \
             SELECT id, $2 FROM student WHERE id = $1 AND (date_of_birth <> $3 OR code <> $4) \
             ON CONFLICT (student_id) DO UPDATE SET revoked_before = excluded.revoked_before",
        )
        .bind(student_id)
        .bind(now)
        .bind(date_of_birth)
        .bind(code)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Ends every access token issued for this child until now: each device must
    /// look the child up again (with the details as they are now).
    pub async fn end_child_access(
        conn: &mut sqlx::AnyConnection,
        student_id: i64,
        now: i64,
    ) -> Result<(), crate::error::AppError> {
        sqlx::query(
            "INSERT INTO child_access_revoked (student_id, revoked_before) VALUES ($1, $2) \
             ON CONFLICT (student_id) DO UPDATE SET revoked_before = excluded.revoked_before",
        )
        .bind(student_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// An invoice code as the page sent it.
    pub fn invoice_code(
        code: &str,
    ) -> Result<crate::domain::invoice_code::InvoiceCode, crate::error::AppError> {
        crate::domain::invoice_code::InvoiceCode::parse(code)
            .map_err(|_| crate::error::AppError::InvalidInput(Field::InvoiceCode))
    }
}

#[server(prefix = "/rpc", endpoint = "schools", output = leptos::server_fn::codec::Postcard)]
pub async fn list_schools() -> Result<Vec<SchoolSummary>, AppError> {
    use imp::*;
    let state = app_state()?;
    q::list_schools(&state.db).await
}

/// The school behind a school's link (`/s/<slug>`): its name and contacts.
#[server(prefix = "/rpc", endpoint = "school", output = leptos::server_fn::codec::Postcard)]
pub async fn load_school(slug: String) -> Result<SchoolPublic, AppError> {
    use imp::*;
    let state = app_state()?;
    let row: Option<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, slug, name, CASE WHEN logo IS NULL THEN 0 ELSE 1 END FROM school WHERE slug = $1",
    )
    .bind(slug.trim())
    .fetch_optional(&state.db)
    .await?;
    let (id, slug, name, has_logo) = row.ok_or(AppError::NotFound)?;
    Ok(SchoolPublic {
        slug,
        name,
        has_logo: has_logo == 1,
        contacts: crate::server::schools::contacts(&state.db, id).await?,
    })
}

#[server(prefix = "/rpc", endpoint = "lookup", output = leptos::server_fn::codec::Postcard)]
pub async fn lookup_student(
    school: String,
    student_code: String,
    birth_date: String,
) -> Result<ChildAccess, AppError> {
    use imp::*;
    let state = app_state()?;
    let school = school.trim().to_string();
    let code = normalize_code(&student_code);
    if school.is_empty() {
        return Err(AppError::InvalidInput(Field::School));
    }
    if code.is_empty() || code.len() > 32 {
        return Err(AppError::InvalidInput(Field::StudentCode));
    }
    let birth_date = Date::parse_dmy(&birth_date)
        .or_else(|_| Date::parse_iso(birth_date.trim()))
        .map_err(|_| AppError::InvalidInput(Field::BirthDate))?;

    let now = state.clock.now();
    let client = format!("client:{}", client_key());
    let code_key = format!("code:{school}:{code}");
    let attempt = state
        .lookups
        .attempt(&[(&client, PER_CLIENT), (&code_key, PER_STUDENT_CODE)], now)
        .await
        .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;

    let found = q::find_student(&state.db, &school, &code).await?;
    let student_id = match found {
        Some(m) if m.date_of_birth == birth_date.to_string() => m.student_id,
        // Unknown school, unknown code and wrong date all look the same from
        // outside, and all count (the attempt is kept).
        _ => return Err(AppError::NoMatch),
    };
    state.lookups.forget(attempt).await;
    access_for(&state, student_id, now).await
}

/// "Forget this phone": ends the access tokens this device holds (the page
/// sends them when a parent removes a child or forgets the phone), so a copy
/// of them (a backup, a forwarded link, the next owner of the phone) opens
/// nothing. Tokens that are not ours or have expired are skipped; the answer
/// is how many were ended.
#[server(
    prefix = "/rpc",
    endpoint = "forget",
    input = leptos::server_fn::codec::Postcard,
    output = leptos::server_fn::codec::Postcard
)]
pub async fn forget_device(tokens: Vec<String>) -> Result<u32, AppError> {
    use imp::*;
    let state = app_state()?;
    // A phone holds a family's children: a few, never hundreds.
    if tokens.len() > 50 {
        return Err(AppError::InvalidInput(Field::AccessTokens));
    }
    let now = state.clock.now();
    // Verified before any write: junk tokens cost an HMAC each, never a lock.
    let ours: Vec<(String, i64)> = tokens
        .iter()
        .filter_map(|t| {
            let (_, expires_at) = state.tokens.verify_with_expiry(t, now)?;
            Some((token_digest(t), expires_at))
        })
        .collect();
    if ours.is_empty() {
        return Ok(0);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    for (digest, expires_at) in &ours {
        sqlx::query(
            "INSERT INTO child_token_revoked (token_digest, expires_at) VALUES ($1, $2) \
             ON CONFLICT (token_digest) DO NOTHING",
        )
        .bind(digest)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(ours.len() as u32)
}

/// What a device keeps for a child it may see: a signed, expiring token and names.
#[cfg(feature = "ssr")]
pub async fn access_for(
    state: &crate::server::state::AppState,
    student_id: i64,
    now: i64,
) -> Result<ChildAccess, AppError> {
    let header =
        crate::server::parent_queries::student_header(&state.db, student_id, state.clock.today())
            .await?;
    Ok(ChildAccess {
        token: state.tokens.issue(student_id, now + imp::ACCESS_TTL_SECS),
        school_slug: header.school_slug,
        school_name: header.school_name,
        student_name: header.student_name,
        class_name: header.class_name,
    })
}

#[server(prefix = "/rpc", endpoint = "child", output = leptos::server_fn::codec::Postcard)]
pub async fn load_child(token: String) -> Result<ChildOverview, AppError> {
    use imp::*;
    let state = app_state()?;
    let student_id = child_of(&state, &token).await?;
    let header = q::student_header(&state.db, student_id, state.clock.today()).await?;
    let invoices = q::invoices_of(&state.db, student_id, state.clock.today()).await?;
    Ok(ChildOverview {
        student_name: header.student_name,
        class_name: header.class_name,
        school_name: header.school_name,
        school_slug: header.school_slug,
        invoices,
        contacts: crate::server::schools::contacts(&state.db, header.school_id).await?,
        receipts: q::receipts_of(&state.db, student_id, None).await?,
    })
}

#[server(prefix = "/rpc", endpoint = "invoice", output = leptos::server_fn::codec::Postcard)]
pub async fn load_invoice(token: String, code: String) -> Result<InvoiceDetail, AppError> {
    use imp::*;
    let state = app_state()?;
    let student_id = child_of(&state, &token).await?;
    let code = invoice_code(&code)?;
    let mut detail = q::invoice_detail(&state.db, student_id, &code, state.clock.today()).await?;
    // A merchant account is of no use while online payment is off on this server.
    detail.online_payment &= state.gateway != crate::server::state::Gateway::Off;
    Ok(detail)
}

/// One payment code (and so one QR) per school for the chosen open invoices of
/// the children this device may see. `items` are (access token, invoice code).
#[server(
    prefix = "/rpc",
    endpoint = "pay-together",
    input = leptos::server_fn::codec::Postcard,
    output = leptos::server_fn::codec::Postcard
)]
pub async fn pay_together(items: Vec<(String, String)>) -> Result<Vec<GroupPayment>, AppError> {
    use crate::domain::money::Vnd;
    use imp::*;
    let state = app_state()?;
    let now = state.clock.now();
    let today = state.clock.today();
    if items.is_empty() || items.len() > 50 {
        return Err(AppError::InvalidInput(Field::InvoiceCode));
    }
    // (school id) → [(invoice id, student, title, balance, payee)]
    let mut by_school: std::collections::BTreeMap<
        i64,
        Vec<(i64, String, crate::model::InvoiceDetail)>,
    > = Default::default();
    for (token, code) in &items {
        let student_id = child_of(&state, token).await?;
        let code = invoice_code(code)?;
        let detail = q::invoice_detail(&state.db, student_id, &code, today).await?;
        // Nothing to pay, or no official account to pay it into yet.
        if !detail.summary.status.is_open()
            || !detail.balance.is_positive()
            || detail.payee.is_none()
        {
            continue;
        }
        let (invoice_id, school_id): (i64, i64) =
            sqlx::query_as("SELECT id, school_id FROM invoice WHERE code = $1")
                .bind(code.as_str())
                .fetch_one(&state.db)
                .await?;
        let list = by_school.entry(school_id).or_default();
        if !list.iter().any(|(id, _, _)| *id == invoice_id) {
            list.push((invoice_id, detail.student_name.clone(), detail));
        }
    }
    let mut out = Vec::new();
    for (school_id, invoices) in by_school {
        let total: Vnd = invoices.iter().map(|(_, _, d)| d.balance).sum();
        let mut tx = crate::server::database::begin_write(&state.db).await?;
        // Group codes share the invoice codes' namespace, so a memo names one thing.
        let (group_id, code) = loop {
            let code = crate::server::fees::fresh_code(&mut tx).await?;
            // A clash is skipped, not raised: PostgreSQL would abort the whole
            // transaction at a failed statement.
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO payment_group (code, school_id, total, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(code.as_str())
            .bind(school_id)
            .bind(total.dong())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((id,)) = inserted {
                break (id, code);
            }
        };
        for (invoice_id, _, detail) in &invoices {
            sqlx::query("INSERT INTO payment_group_invoice (group_id, invoice_id, amount) VALUES ($1, $2, $3)")
                .bind(group_id)
                .bind(invoice_id)
                .bind(detail.balance.dong())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let first = &invoices[0].2;
        let Some(payee) = first.payee.clone() else {
            continue;
        };
        out.push(GroupPayment {
            memo: crate::domain::memo::safe_memo(&format!(
                "{} {} khoan",
                code.memo_form(),
                invoices.len()
            )),
            code,
            total,
            school_name: first.school_name.clone(),
            school_legal_name: first.school_legal_name.clone(),
            school_slug: first.school_slug.clone(),
            payee,
            invoices: invoices
                .iter()
                .map(|(_, student, d)| (student.clone(), d.summary.title.clone(), d.balance))
                .collect(),
        });
    }
    Ok(out)
}

/// A parent declines (or takes back) a voluntary fee before paying: the line stays
/// on the invoice, struck out, and the total follows. Not once anything is paid.
#[server(prefix = "/rpc", endpoint = "decline", output = leptos::server_fn::codec::Postcard)]
pub async fn decline_line(
    token: String,
    code: String,
    position: i64,
    declined: bool,
) -> Result<InvoiceDetail, AppError> {
    use imp::*;
    let state = app_state()?;
    let student_id = child_of(&state, &token).await?;
    let code = invoice_code(&code)?;
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT i.id, (SELECT COUNT(*) FROM payment_allocation a WHERE a.invoice_id = i.id) FROM invoice i \
         WHERE i.code = $1 AND i.student_id = $2 AND i.voided_at IS NULL",
    )
    .bind(code.as_str())
    .bind(student_id)
    .fetch_optional(&state.db)
    .await?;
    let (invoice_id, payments) = row.ok_or(AppError::NotFound)?;
    if payments > 0 {
        return Err(AppError::Forbidden);
    }
    let line: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT f.mandatory, l.fee_item_id FROM invoice_line l JOIN fee_item f ON f.id = l.fee_item_id \
         WHERE l.invoice_id = $1 AND l.position = $2 AND l.kind = 'fee'",
    )
    .bind(invoice_id)
    .bind(position)
    .fetch_optional(&state.db)
    .await?;
    let (mandatory, fee_item_id) = line.ok_or(AppError::NotFound)?;
    if mandatory == 1 {
        return Err(AppError::Forbidden);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    // The fee and any reduction of it go together.
    sqlx::query("UPDATE invoice_line SET declined = $1 WHERE invoice_id = $2 AND fee_item_id = $3 AND kind IN ('fee', 'reduction')")
        .bind(declined as i64)
        .bind(invoice_id)
        .bind(fee_item_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE invoice SET total = (SELECT CASE WHEN t < 0 THEN 0 ELSE t END FROM \
            (SELECT COALESCE(CAST(SUM(amount) AS BIGINT), 0) AS t FROM invoice_line WHERE invoice_id = $1 AND declined = 0) sums) \
         WHERE id = $1",
    )
    .bind(invoice_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    q::invoice_detail(&state.db, student_id, &code, state.clock.today()).await
}
