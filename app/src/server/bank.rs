//! Recording a bank transfer once, and settling the invoices its memo names.
//!
//! A transfer is identified by the account that received it (bank BIN and account
//! number) and the bank's own reference, so it is recorded once whichever way it
//! arrives first: hocphi's signed notification, a SePay webhook, or a row of an
//! imported statement. The account is part of the key because a reference is
//! unique at its bank, not across the schools that bank serves.

use super::state::Db;
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::settlement::{settle, Outcome, Settlement};
use crate::error::AppError;
use sqlx::AnyConnection;

/// A transfer into a school's account, as a bank (or its notification service) reports it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BankTransaction {
    /// The bank's own reference for the transaction: recorded once by it (per bank).
    #[schema(example = "FT26330123456", max_length = 100)]
    pub transaction_id: String,
    /// The school's receiving account, as registered in hocphi.
    #[schema(example = "1023456789")]
    pub account_number: String,
    /// Whole đồng, positive.
    #[schema(example = 980000, minimum = 1)]
    pub amount: i64,
    /// When the bank booked it, Unix seconds.
    #[schema(example = 1795654800)]
    pub received_at: i64,
    /// The transfer's description as the bank delivered it; the invoice code (`HP XXXXXXXX`) is found in it.
    #[schema(example = "MBVCB.1234567.HP K7Q2M9XF.CT tu 0011004455667")]
    pub memo: String,
    #[serde(default)]
    pub payer_name: Option<String>,
}

/// How a transaction reached hocphi first (kept for the accountant's view).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Notification,
    Sepay,
    Statement,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Notification => "notification",
            Channel::Sepay => "sepay",
            Channel::Statement => "statement",
        }
    }
}

/// One of the school's receiving accounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub bin: String,
    pub account_number: String,
}

impl Account {
    /// A wallet's account receives Mobile Money; any other, a bank transfer.
    pub fn method(&self) -> &'static str {
        match crate::domain::banks::by_bin(&self.bin).map(|b| b.kind) {
            Some(crate::domain::banks::BankKind::Wallet) => "mobile_money",
            _ => "bank_transfer",
        }
    }
}

/// The school's account with this number, if it is one of theirs. Banks and
/// services sometimes space or pad the number; digits and letters are compared.
pub async fn account_for(
    db: &Db,
    school_id: i64,
    account_number: &str,
) -> Result<Option<Account>, AppError> {
    let wanted: String = account_number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, bin, account_number FROM beneficiary_account WHERE school_id = $1 ORDER BY is_default DESC, id",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .find(|(_, _, number)| *number == wanted)
        .map(|(id, bin, account_number)| Account {
            id,
            bin,
            account_number,
        }))
}

/// The key a bank transaction is stored under: the receiving account (bank and
/// number) and the bank's reference.
pub fn external_id(bin: &str, account_number: &str, reference: &str) -> String {
    format!("{bin}:{account_number}:{}", reference.trim().to_uppercase())
}

/// The reference a person reads, from a payment's stored key: the bank's
/// reference of a transfer (`970403:0011…:FT123` → `FT123`), the terminal and
/// approval of a card (`POS:7:T1:A2` → `T1:A2`), the merchant and order of a
/// gateway payment (`VNPAY:M:ORDER` → `M:ORDER`).
pub fn reference_of(key: &str) -> &str {
    let Some((first, rest)) = key.split_once(':') else {
        return key;
    };
    let is_bin = first.len() == 6 && first.bytes().all(|b| b.is_ascii_digit());
    if is_bin || first == "POS" {
        // The account, or the school, comes next.
        return rest.split_once(':').map(|(_, r)| r).unwrap_or(rest);
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hold_the_account_and_read_back_as_the_reference() {
        let a = external_id("970436", "1023456789", " ft26330:12 ");
        let b = external_id("970436", "9999999999", "FT26330:12");
        assert_ne!(a, b, "the same reference at two schools' accounts");
        assert_eq!(reference_of(&a), "FT26330:12");
        assert_eq!(reference_of("POS:7:T1:A2"), "T1:A2");
        assert_eq!(reference_of("VNPAY:HOCPHI01:ORDER9"), "HOCPHI01:ORDER9");
        assert_eq!(reference_of("plain"), "plain");
    }
}

/// What recording did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub payment_id: i64,
    pub outcome: Outcome,
    /// False when the transaction was already known: nothing changed.
    pub new: bool,
}

/// Records the transfer and settles what its memo names, in its own transaction.
pub async fn record(
    db: &Db,
    vault: &super::vault::Vault,
    school_id: i64,
    account: &Account,
    tx_in: &BankTransaction,
    channel: Channel,
    now: i64,
) -> Result<Recorded, AppError> {
    let mut tx = super::database::begin_write(db).await?;
    let recorded = record_in(&mut tx, vault, school_id, account, tx_in, channel, now).await?;
    tx.commit().await?;
    Ok(recorded)
}

/// Records the transfer, settles it and issues its receipts inside the caller's transaction (a statement import
/// commits or rolls back all its rows together). A repeat changes nothing and
/// reports the first outcome.
pub async fn record_in(
    conn: &mut AnyConnection,
    vault: &super::vault::Vault,
    school_id: i64,
    account: &Account,
    tx_in: &BankTransaction,
    channel: Channel,
    now: i64,
) -> Result<Recorded, AppError> {
    let key = external_id(&account.bin, &account.account_number, &tx_in.transaction_id);
    // Notifications for the same invoices take turns: the caller's transaction
    // began with `database::begin_write`, and on SQLite this first write takes
    // the database's write lock at once, so concurrent notifications queue
    // instead of failing to upgrade a read.
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO payment (school_id, source, external_id, amount, received_at, payer_name, memo, account, bank_bin, arrived_via, outcome, method) \
         VALUES ($1, 'bank_transfer', $2, $3, $4, $5, $6, $7, $8, $9, 'unmatched', $10) \
         ON CONFLICT (source, external_id) DO NOTHING RETURNING id",
    )
    .bind(school_id)
    .bind(&key)
    .bind(tx_in.amount)
    .bind(tx_in.received_at)
    .bind(&tx_in.payer_name)
    .bind(&tx_in.memo)
    .bind(&account.account_number)
    .bind(&account.bin)
    .bind(channel.as_str())
    .bind(account.method())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((payment_id,)) = inserted else {
        let (payment_id, outcome): (i64, String) = sqlx::query_as(
            "SELECT id, outcome FROM payment WHERE source = 'bank_transfer' AND external_id = $1",
        )
        .bind(&key)
        .fetch_one(&mut *conn)
        .await?;
        return Ok(Recorded {
            payment_id,
            outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Unmatched),
            new: false,
        });
    };
    let marked = InvoiceCode::find_in_memo(&tx_in.memo);
    let open = if marked.is_empty() {
        // No `HP` mark: a code typed bare counts only where it is one of this
        // school's invoices (`find_bare_in_memo` says why that is safe).
        let bare = InvoiceCode::find_bare_in_memo(&tx_in.memo);
        open_invoices(conn, school_id, &bare).await?
    } else {
        open_invoices(conn, school_id, &marked).await?
    };
    let outcome = apply(
        conn,
        payment_id,
        Vnd::new(tx_in.amount),
        &open,
        &format!("nộp thừa (giao dịch {})", tx_in.transaction_id),
        now,
    )
    .await?;
    // The receipt is part of the settlement: issued, numbered and signed in the
    // same transaction, or not at all.
    super::receipts::issue_for_payment(conn, vault, payment_id, None, now).await?;
    Ok(Recorded {
        payment_id,
        outcome,
        new: true,
    })
}

/// An invoice a payment can settle, with what is still due on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenInvoice {
    pub invoice_id: i64,
    pub student_id: i64,
    pub balance: Vnd,
}

/// The live invoices that invoice or payment-group codes name, oldest period first.
pub async fn open_invoices(
    conn: &mut AnyConnection,
    school_id: i64,
    codes: &[InvoiceCode],
) -> Result<Vec<OpenInvoice>, AppError> {
    let mut open: Vec<OpenInvoice> = Vec::new();
    for code in codes {
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT i.id, i.student_id, i.total, \
                (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
             FROM invoice i WHERE i.school_id = $1 AND i.voided_at IS NULL AND (i.code = $2 OR i.id IN \
                (SELECT gi.invoice_id FROM payment_group_invoice gi JOIN payment_group g ON g.id = gi.group_id WHERE g.code = $2)) \
             ORDER BY i.period, i.id",
        )
        .bind(school_id)
        .bind(code.as_str())
        .fetch_all(&mut *conn)
        .await?;
        for (invoice_id, student_id, total, paid) in rows {
            if !open.iter().any(|o| o.invoice_id == invoice_id) {
                open.push(OpenInvoice {
                    invoice_id,
                    student_id,
                    balance: Vnd::new(total - paid),
                });
            }
        }
    }
    Ok(open)
}

/// Allocates a payment over the invoices in order, turns any excess into a
/// credit for the last invoice's student, and stores the outcome.
pub async fn apply(
    conn: &mut AnyConnection,
    payment_id: i64,
    amount: Vnd,
    open: &[OpenInvoice],
    credit_reason: &str,
    now: i64,
) -> Result<Outcome, AppError> {
    let balances: Vec<(i64, Vnd)> = open.iter().map(|o| (o.invoice_id, o.balance)).collect();
    let Settlement {
        allocations,
        credit,
        outcome,
    } = settle(amount, &balances);
    for (invoice_id, amount) in &allocations {
        sqlx::query(
            "INSERT INTO payment_allocation (payment_id, invoice_id, amount) VALUES ($1, $2, $3)",
        )
        .bind(payment_id)
        .bind(invoice_id)
        .bind(amount.dong())
        .execute(&mut *conn)
        .await?;
    }
    if let (true, Some(last)) = (
        credit.is_positive() && outcome != Outcome::Duplicate,
        open.last(),
    ) {
        sqlx::query("INSERT INTO credit (student_id, amount, remaining, reason, created_at, payment_id) VALUES ($1, $2, $2, $3, $4, $5)")
            .bind(last.student_id)
            .bind(credit.dong())
            .bind(credit_reason)
            .bind(now)
            .bind(payment_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE payment SET outcome = $1 WHERE id = $2")
        .bind(outcome.as_str())
        .bind(payment_id)
        .execute(&mut *conn)
        .await?;
    Ok(outcome)
}

/// The school's secret for signing notifications (and SePay's API key), made on
/// first use. It can mark invoices paid, so it is stored sealed with the master
/// key, like the receipt signing keys: a copy of the database alone does not hold it.
pub async fn school_secret(
    db: &Db,
    vault: &super::vault::Vault,
    school_id: i64,
    now: i64,
) -> Result<String, AppError> {
    let fresh = super::auth::random_secret();
    sqlx::query("INSERT INTO bank_secret (school_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (school_id) DO NOTHING")
        .bind(school_id)
        .bind(vault.seal(fresh.as_bytes(), &secret_context(school_id)))
        .bind(now)
        .execute(db)
        .await?;
    let (stored,): (String,) =
        sqlx::query_as("SELECT secret FROM bank_secret WHERE school_id = $1")
            .bind(school_id)
            .fetch_one(db)
            .await?;
    open_secret(db, vault, school_id, &stored).await
}

fn secret_context(school_id: i64) -> String {
    format!("bank_secret:{school_id}")
}

/// A school's stored notification secret, opened. One stored before secrets
/// were sealed (plain text) is sealed in place the first time it is used.
pub async fn open_secret(
    db: &Db,
    vault: &super::vault::Vault,
    school_id: i64,
    stored: &str,
) -> Result<String, AppError> {
    if stored.starts_with("v1.") {
        let plain = vault
            .open(stored, &secret_context(school_id))
            .map_err(|e| {
                tracing::error!("bank secret of school {school_id}: {e}");
                AppError::Internal
            })?;
        return String::from_utf8(plain).map_err(|_| AppError::Internal);
    }
    sqlx::query("UPDATE bank_secret SET secret = $1 WHERE school_id = $2 AND secret = $3")
        .bind(vault.seal(stored.as_bytes(), &secret_context(school_id)))
        .bind(school_id)
        .bind(stored)
        .execute(db)
        .await?;
    Ok(stored.to_string())
}
