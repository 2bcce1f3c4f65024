//! Recording a bank transfer once, and settling the invoices its memo names.
//!
//! A transfer is identified by the account that received it (bank BIN and account
//! number) and the bank's own reference, so it is recorded once whichever way it
//! arrives first: hocphi's signed notification, a SePay webhook, or a row of an
//! imported statement. The account is part of the key because a reference is
//! unique at its bank, not across the schools that bank serves.

use super::state::Db;
use crate::domain::ids::SchoolId;
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::AppError;

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
    #[schema(value_type = i64, example = 980000, minimum = 1)]
    pub amount: Vnd,
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
    school_id: SchoolId,
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

pub use super::ledger::Recorded;

/// Records the transfer and settles what its memo names, in its own transaction.
pub async fn record(
    db: &Db,
    vault: &super::vault::Vault,
    school_id: SchoolId,
    account: &Account,
    tx_in: &BankTransaction,
    channel: Channel,
    now: UnixTime,
) -> Result<Recorded, AppError> {
    // Notifications for the same invoices take turns: on SQLite the write
    // transaction takes the database's write lock at once, so concurrent
    // notifications queue instead of failing to upgrade a read.
    let mut tx = super::database::begin_write(db).await?;
    let incoming = incoming(account, tx_in, channel);
    let recorded = super::ledger::record(&mut tx, vault, school_id, &[incoming], now)
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    Ok(recorded)
}

/// A line of the school's bank statement, as the ledger records it.
pub fn statement_line(
    account: &Account,
    line: &crate::domain::statement::Line,
) -> super::ledger::Incoming {
    let tx = BankTransaction {
        transaction_id: line.reference.clone(),
        account_number: account.account_number.clone(),
        amount: line.amount,
        received_at: line.at,
        memo: line.memo.clone(),
        payer_name: line.payer.clone(),
    };
    incoming(account, &tx, Channel::Statement)
}

/// A transfer as the ledger records it: keyed by the receiving account and the
/// bank's reference, settling the codes its memo carries.
pub fn incoming(
    account: &Account,
    tx_in: &BankTransaction,
    channel: Channel,
) -> super::ledger::Incoming {
    use super::ledger::{Incoming, NewPayment, Source};
    // A code typed bare counts only where it is one of this school's invoices
    // (`find_bare_in_memo` says why that is safe); the ledger only finds this school's.
    let codes = InvoiceCode::codes_in_memo(&tx_in.memo);
    Incoming {
        payment: NewPayment {
            source: Source::BankTransfer,
            external_id: external_id(&account.bin, &account.account_number, &tx_in.transaction_id),
            amount: tx_in.amount,
            received_at: UnixTime(tx_in.received_at),
            payer_name: tx_in.payer_name.clone(),
            memo: Some(tx_in.memo.clone()),
            method: account.method(),
            arrived_via: channel.as_str(),
            account: Some((account.bin.clone(), account.account_number.clone())),
            card: None,
            recorded_by: None,
        },
        codes,
        credit_reason: format!("nộp thừa (giao dịch {})", tx_in.transaction_id),
        collector: None,
    }
}

/// The school's secret for signing notifications (and SePay's API key), made on
/// first use. It can mark invoices paid, so it is stored sealed with the master
/// key, like the receipt signing keys: a copy of the database alone does not hold it.
pub async fn school_secret(
    db: &Db,
    vault: &super::vault::Vault,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<String, AppError> {
    // Read first: a secret that exists needs no write (which would wait for the
    // write lock behind a long import).
    let existing: Option<String> =
        sqlx::query_scalar("SELECT secret FROM bank_secret WHERE school_id = $1")
            .bind(school_id)
            .fetch_optional(db)
            .await?;
    let stored = match existing {
        Some(stored) => stored,
        None => {
            let fresh = super::auth::random_secret();
            sqlx::query("INSERT INTO bank_secret (school_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (school_id) DO NOTHING")
                .bind(school_id)
                .bind(vault.seal(fresh.as_bytes(), &secret_context(school_id)))
                .bind(now)
                .execute(db)
                .await?;
            sqlx::query_scalar("SELECT secret FROM bank_secret WHERE school_id = $1")
                .bind(school_id)
                .fetch_one(db)
                .await?
        }
    };
    open_secret(db, vault, school_id, &stored).await
}

fn secret_context(school_id: SchoolId) -> String {
    format!("bank_secret:{school_id}")
}

/// A school's stored notification secret, opened. One stored before secrets
/// were sealed (plain text) is sealed in place the first time it is used.
pub async fn open_secret(
    db: &Db,
    vault: &super::vault::Vault,
    school_id: SchoolId,
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
