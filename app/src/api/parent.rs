//! What a parent can ask for: the list of schools, a child by student code and date
//! of birth, then that child's invoices with the device's access token. The
//! queries, the tokens' checks and the writes are in `server::parent`.

use crate::error::AppError;
use crate::model::{
    ChildAccess, ChildOverview, GroupPayment, InvoiceDetail, SchoolPublic, SchoolSummary,
};
use leptos::prelude::*;

#[server(prefix = "/rpc", endpoint = "schools", output = leptos::server_fn::codec::Postcard)]
pub async fn list_schools() -> Result<Vec<SchoolSummary>, AppError> {
    let state = crate::server::state::app_state()?;
    crate::server::parent::list_schools(&state.db).await
}

/// The school behind a school's link (`/s/<slug>`): its name and contacts.
#[server(prefix = "/rpc", endpoint = "school", output = leptos::server_fn::codec::Postcard)]
pub async fn load_school(slug: String) -> Result<SchoolPublic, AppError> {
    let state = crate::server::state::app_state()?;
    crate::server::parent::school_public(&state.db, slug.trim()).await
}

#[server(prefix = "/rpc", endpoint = "lookup", output = leptos::server_fn::codec::Postcard)]
pub async fn lookup_student(
    school: String,
    student_code: String,
    birth_date: String,
) -> Result<ChildAccess, AppError> {
    use crate::domain::date::{BirthDateError, Date};
    use crate::domain::student_import::normalize_code;
    use crate::error::Field;
    use crate::server::limiter::{PER_CLIENT, PER_STUDENT_CODE};
    use crate::server::parent;
    use crate::server::state::{app_state, client_key};
    let state = app_state()?;
    let school = school.trim().to_string();
    let code = normalize_code(&student_code);
    if school.is_empty() {
        return Err(AppError::InvalidInput(Field::School));
    }
    if code.is_empty() || code.len() > 32 {
        return Err(AppError::InvalidInput(Field::StudentCode));
    }
    // Checked before any attempt is counted: a typo in a grandparent's date
    // is said as such, and costs no try against the lookup's limits.
    let now = state.clock.now();
    let birth_date = match Date::parse_birth_date(&birth_date, Date::in_vietnam(now)) {
        Ok(d) => d,
        Err(BirthDateError::Impossible) => {
            return Err(AppError::InvalidInput(Field::BirthDateImpossible))
        }
        Err(BirthDateError::Unreadable) => match Date::parse_iso(birth_date.trim()) {
            Ok(d) if d > Date::in_vietnam(now) => {
                return Err(AppError::InvalidInput(Field::BirthDateImpossible))
            }
            Ok(d) => d,
            Err(_) => return Err(AppError::InvalidInput(Field::BirthDate)),
        },
    };

    let client = format!("client:{}", client_key());
    let code_key = format!("code:{school}:{code}");
    let attempt = state
        .lookups
        .attempt(&[(&client, PER_CLIENT), (&code_key, PER_STUDENT_CODE)], now)
        .await
        .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;

    let found = parent::find_student(&state.db, &school, &code).await?;
    let student_id = match found {
        Some(m) if m.date_of_birth == birth_date.to_string() => m.student_id,
        // Unknown school, unknown code and wrong date all look the same from
        // outside, and all count (the attempt is kept).
        _ => return Err(AppError::NoMatch),
    };
    state.lookups.forget(attempt).await;
    parent::access_for(&state, student_id, crate::domain::time::UnixTime(now)).await
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
    use crate::error::Field;
    use crate::server::parent::token_digest;
    let state = crate::server::state::app_state()?;
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
    crate::server::parent::forget_tokens(&mut tx, &ours).await?;
    tx.commit().await?;
    Ok(ours.len() as u32)
}

#[server(prefix = "/rpc", endpoint = "child", output = leptos::server_fn::codec::Postcard)]
pub async fn load_child(token: String) -> Result<ChildOverview, AppError> {
    use crate::server::parent;
    let state = crate::server::state::app_state()?;
    let student_id = parent::child_of(&state, &token).await?;
    let header = parent::student_header(&state.db, student_id, state.clock.today()).await?;
    let invoices = parent::invoices_of(&state.db, student_id, state.clock.today()).await?;
    Ok(ChildOverview {
        student_name: header.student_name,
        class_name: header.class_name,
        school_name: header.school_name,
        school_slug: header.school_slug,
        invoices,
        contacts: crate::server::schools::contacts(&state.db, header.school_id).await?,
        receipts: parent::receipts_of(&state.db, student_id, None).await?,
    })
}

#[server(prefix = "/rpc", endpoint = "invoice", output = leptos::server_fn::codec::Postcard)]
pub async fn load_invoice(token: String, code: String) -> Result<InvoiceDetail, AppError> {
    use crate::server::parent;
    let state = crate::server::state::app_state()?;
    let student_id = parent::child_of(&state, &token).await?;
    let code = parent::invoice_code(&code)?;
    let mut detail =
        parent::invoice_detail(&state.db, student_id, &code, state.clock.today()).await?;
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
    use crate::domain::ids::{InvoiceId, SchoolId};
    use crate::domain::money::Vnd;
    use crate::error::Field;
    use crate::server::parent;
    let state = crate::server::state::app_state()?;
    let now = state.clock.now_time();
    let today = state.clock.today();
    if items.is_empty() || items.len() > 50 {
        return Err(AppError::InvalidInput(Field::InvoiceCode));
    }
    // (school id) → [(invoice id, student, invoice)]
    let mut by_school: std::collections::BTreeMap<
        SchoolId,
        Vec<(InvoiceId, String, crate::model::InvoiceDetail)>,
    > = Default::default();
    for (token, code) in &items {
        let student_id = parent::child_of(&state, token).await?;
        let code = parent::invoice_code(code)?;
        let detail = parent::invoice_detail(&state.db, student_id, &code, today).await?;
        // Nothing to pay, or no official account to pay it into yet.
        if !detail.summary.status.is_open()
            || !detail.balance.is_positive()
            || detail.payee.is_none()
        {
            continue;
        }
        let (invoice_id, school_id) = parent::invoice_school(&state.db, &code).await?;
        let list = by_school.entry(school_id).or_default();
        if !list.iter().any(|(id, _, _)| *id == invoice_id) {
            list.push((invoice_id, detail.student_name.clone(), detail));
        }
    }
    let mut out = Vec::new();
    for (school_id, invoices) in by_school {
        let total: Vnd = invoices.iter().map(|(_, _, d)| d.balance).sum();
        let amounts: Vec<(InvoiceId, Vnd)> =
            invoices.iter().map(|(id, _, d)| (*id, d.balance)).collect();
        let mut tx = crate::server::database::begin_write(&state.db).await?;
        let code = parent::add_payment_group(&mut tx, school_id, total, &amounts, now).await?;
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
    use crate::server::parent;
    let state = crate::server::state::app_state()?;
    let student_id = parent::child_of(&state, &token).await?;
    let code = parent::invoice_code(&code)?;
    let invoice = parent::declinable_invoice(&state.db, student_id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    if invoice.payments > 0 {
        return Err(AppError::Forbidden);
    }
    let line = parent::fee_line(&state.db, invoice.invoice_id, position)
        .await?
        .ok_or(AppError::NotFound)?;
    if line.mandatory {
        return Err(AppError::Forbidden);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    parent::decline_line(&mut tx, invoice.invoice_id, line.fee_item_id, declined).await?;
    tx.commit().await?;
    parent::invoice_detail(&state.db, student_id, &code, state.clock.today()).await
}
