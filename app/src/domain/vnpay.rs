//! VNPay's "pay" API, version 2.1.0: the payment URL a payer is sent to, and the
//! signed query VNPay sends back (to the return URL in the payer's browser, and to
//! the IPN URL server to server).
//!
//! Both directions are signed the same way: `vnp_SecureHash` is the lower-case hex
//! HMAC-SHA512, keyed with the merchant's secret, of every non-empty `vnp_*`
//! parameter except `vnp_SecureHash` and `vnp_SecureHashType`, sorted by key and
//! written `key=value` with form-style URL encoding, joined by `&`.
//!
//! Form encoding is where implementations drift apart. This module writes what the
//! WHATWG `application/x-www-form-urlencoded` serializer writes (the one Node's
//! `URLSearchParams` and the npm `vnpay` package use, and what Java's `URLEncoder`
//! writes; here the `form_urlencoded` crate's, the `url` crate's own): ASCII
//! letters, digits and `*-._` stay, space becomes `+`, every other byte of the
//! UTF-8 text becomes `%XX` with upper-case hex. PHP's `urlencode` differs on `*`
//! and .NET's on `!*()`, so [`sanitize_order_info`] keeps the order text to
//! letters, digits, space and `-:`, where every encoder agrees.
//!
//! HMAC-SHA512 is the `hmac` and `sha2` crates'; all of it is pure Rust, so the
//! module still compiles for the browser as well.
//!
//! Nothing here does I/O or reads a clock: the caller passes the times.

use super::date::{Date, VIETNAM_OFFSET_SECS};
use super::memo::fold_to_ascii;
use super::money::Vnd;
use hmac::{Hmac, Mac};
use sha2::Sha512;
use std::fmt;

/// The API version this module speaks.
pub const VERSION: &str = "2.1.0";
/// VNPay's sandbox gateway, for [`payment_url`].
pub const SANDBOX_GATEWAY: &str = "https://sandbox.vnpayment.vn";
/// The payment page under the gateway.
pub const PAY_PATH: &str = "/paymentv2/vpcpay.html";
/// The longest `vnp_OrderInfo` VNPay takes.
pub const MAX_ORDER_INFO_CHARS: usize = 255;
/// The longest `vnp_TxnRef` VNPay takes.
pub const MAX_TXN_REF_CHARS: usize = 100;
/// The parameter carrying the signature.
pub const SECURE_HASH: &str = "vnp_SecureHash";
/// Sent by older API versions; never signed, ignored on verification.
pub const SECURE_HASH_TYPE: &str = "vnp_SecureHashType";

/// The language of VNPay's payment page (`vnp_Locale`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    Vn,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Vn => "vn",
            Locale::En => "en",
        }
    }

    /// `"vn"` or `"en"`, in any case.
    pub fn parse(code: &str) -> Option<Locale> {
        match code.to_ascii_lowercase().as_str() {
            "vn" => Some(Locale::Vn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What the merchant asks VNPay to collect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayRequest {
    /// The merchant's terminal code (`vnp_TmnCode`), 8 letters or digits.
    pub tmn_code: String,
    /// In whole đồng; the URL carries it × 100.
    pub amount: Vnd,
    /// The merchant's reference (`vnp_TxnRef`), unique per day: 1 to 100 letters,
    /// digits, `-` or `_`.
    pub txn_ref: String,
    /// Free text; [`payment_url`] passes it through [`sanitize_order_info`].
    pub order_info: String,
    /// `vnp_OrderType`, e.g. `other` or `billpayment`.
    pub order_type: String,
    pub locale: Locale,
    /// Where VNPay sends the payer's browser back, with the result in the query.
    pub return_url: String,
    /// The payer's IP address (v4 or v6).
    pub ip_addr: String,
    /// Unix seconds; written in Vietnam time.
    pub create_date: i64,
    /// Unix seconds after which VNPay refuses the payment; written in Vietnam time.
    pub expire_date: Option<i64>,
    /// Sends the payer straight to one method or bank (e.g. `VNPAYQR`, `VNBANK`).
    pub bank_code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VnpayError {
    #[error("the VNPay terminal code must be 8 letters or digits, got '{0}'")]
    BadTmnCode(String),
    #[error("the amount must be more than 0 đ (and fit VNPay's × 100), got {0} đ")]
    BadAmount(i64),
    #[error("the transaction reference must be 1 to 100 letters, digits, '-' or '_', got '{0}'")]
    BadTxnRef(String),
    #[error("the order description has no letters or digits left once cleaned: '{0}'")]
    EmptyOrderInfo(String),
    #[error("the order type must be 1 to 100 letters, digits, '-' or '_', got '{0}'")]
    BadOrderType(String),
    #[error("the return URL must start with http:// or https:// and hold no control characters, got '{0}'")]
    BadReturnUrl(String),
    #[error("'{0}' is not an IP address")]
    BadIpAddr(String),
    #[error("the bank code must be 1 to 20 letters or digits, got '{0}'")]
    BadBankCode(String),
    #[error("Unix time {0} cannot be written as a VNPay date")]
    BadTime(i64),
    #[error("the payment must expire after it is created")]
    ExpiresBeforeCreated,
    #[error("a VNPay date is 14 digits yyyyMMddHHmmss of a real moment, got '{0}'")]
    BadDate(String),
    #[error("'{0}' is not valid URL encoding (a bad %-escape, or not UTF-8)")]
    BadEncoding(String),
    #[error("parameter {0} appears more than once")]
    DuplicateParam(String),
    #[error("the query carries no vnp_SecureHash")]
    MissingHash,
    #[error("vnp_SecureHash must be 128 hex digits, got '{0}'")]
    BadHashFormat(String),
    #[error("the signature does not match: the query was changed, or signed with another secret")]
    InvalidSignature,
    #[error("required parameter {0} is missing")]
    MissingParam(&'static str),
    #[error("vnp_Amount must be a whole number of đồng × 100, got '{0}'")]
    BadCallbackAmount(String),
}

impl VnpayError {
    /// What to answer an IPN that failed verification with this error.
    pub fn ipn_reply(&self) -> IpnReply {
        match self {
            VnpayError::MissingHash
            | VnpayError::BadHashFormat(_)
            | VnpayError::InvalidSignature => IpnReply::InvalidSignature,
            VnpayError::BadCallbackAmount(_) => IpnReply::InvalidAmount,
            _ => IpnReply::Unknown,
        }
    }
}

/// `vnp_OrderInfo` every encoder agrees on: Vietnamese folded to ASCII, only
/// letters, digits, space, `-` and `:` (anything else becomes a space), single
/// spaces, trimmed, at most [`MAX_ORDER_INFO_CHARS`] characters.
pub fn sanitize_order_info(text: &str) -> String {
    let kept: String = fold_to_ascii(text)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == ':' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut out = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.len() > MAX_ORDER_INFO_CHARS {
        // All ASCII by now, so any byte index is a character boundary.
        out.truncate(MAX_ORDER_INFO_CHARS);
        out.truncate(out.trim_end().len());
    }
    out
}

/// A moment as VNPay writes it: `yyyyMMddHHmmss`, Vietnam time (UTC+7).
pub fn format_time(unix_secs: i64) -> Result<String, VnpayError> {
    // Years 1970 to 9999, so the result is always 14 digits.
    if !(0..253_402_300_800 - VIETNAM_OFFSET_SECS).contains(&unix_secs) {
        return Err(VnpayError::BadTime(unix_secs));
    }
    let local = unix_secs + VIETNAM_OFFSET_SECS;
    let date = Date::from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    Ok(format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        date.year(),
        date.month(),
        date.day(),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

/// A VNPay `yyyyMMddHHmmss` (Vietnam time) back to Unix seconds.
pub fn parse_time(text: &str) -> Result<i64, VnpayError> {
    let bad = || VnpayError::BadDate(text.to_string());
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| text[range].parse::<i64>().map_err(|_| bad());
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad());
    }
    let date = Date::new(year as i32, month as u8, day as u8).map_err(|_| bad())?;
    Ok(date.to_days() * 86_400 + hour * 3600 + minute * 60 + second - VIETNAM_OFFSET_SECS)
}

/// Form-style URL encoding (WHATWG `application/x-www-form-urlencoded`): ASCII
/// letters, digits and `*-._` stay, space becomes `+`, every other UTF-8 byte `%XX`.
pub fn form_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Undoes form encoding: `+` is a space, `%XX` a byte (either case); the bytes
/// must be UTF-8. A `%` not followed by two hex digits is an error (a lenient
/// decoder would keep it as text, and two readers could then disagree on a
/// signed value).
pub fn form_decode(text: &str) -> Result<String, VnpayError> {
    let bad = || VnpayError::BadEncoding(text.to_string());
    let bytes = text.as_bytes();
    let whole_escapes = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit))
    });
    if !whole_escapes {
        return Err(bad());
    }
    // A literal `+` arrives as `%2B`, so every `+` left is a space.
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| bad())
}

/// Whether a parameter takes part in the signature.
fn is_signed(key: &str, value: &str) -> bool {
    key.starts_with("vnp_") && key != SECURE_HASH && key != SECURE_HASH_TYPE && !value.is_empty()
}

/// The text VNPay signs: the signed parameters (see the module docs) sorted by key,
/// form-encoded, `key=value` joined by `&`.
pub fn canonical_data(params: &[(String, String)]) -> String {
    let mut signed: Vec<&(String, String)> =
        params.iter().filter(|(k, v)| is_signed(k, v)).collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(signed)
        .finish()
}

/// HMAC-SHA512 (RFC 2104), ready to take the message.
fn mac(key: &[u8]) -> Hmac<Sha512> {
    Hmac::<Sha512>::new_from_slice(key).expect("HMAC takes a key of any length")
}

/// HMAC-SHA512 (RFC 2104) of `message` under `key`.
pub fn hmac_sha512(key: &[u8], message: &[u8]) -> [u8; 64] {
    mac(key)
        .chain_update(message)
        .finalize()
        .into_bytes()
        .into()
}

/// `vnp_SecureHash` for these parameters: lower-case hex HMAC-SHA512 of
/// [`canonical_data`]. Parameters that are not signed are skipped.
pub fn sign(params: &[(String, String)], secret: &str) -> String {
    hex::encode(hmac_sha512(
        secret.as_bytes(),
        canonical_data(params).as_bytes(),
    ))
}

/// A complete signed query (no leading `?`): [`canonical_data`] then
/// `&vnp_SecureHash=…`. Also how a test plays VNPay calling back.
pub fn signed_query(params: &[(String, String)], secret: &str) -> String {
    format!(
        "{}&{SECURE_HASH}={}",
        canonical_data(params),
        sign(params, secret)
    )
}

fn check_token(text: &str, max: usize, extra: &[u8]) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

impl PayRequest {
    /// The unsigned `vnp_*` parameters of the payment URL, sorted by key, with
    /// `vnp_OrderInfo` sanitised. Checks every field first.
    pub fn params(&self) -> Result<Vec<(String, String)>, VnpayError> {
        if self.tmn_code.len() != 8 || !check_token(&self.tmn_code, 8, b"") {
            return Err(VnpayError::BadTmnCode(self.tmn_code.clone()));
        }
        let amount = Some(self.amount.dong())
            .filter(|&d| d > 0)
            .and_then(|d| d.checked_mul(100))
            .ok_or(VnpayError::BadAmount(self.amount.dong()))?;
        if !check_token(&self.txn_ref, MAX_TXN_REF_CHARS, b"-_") {
            return Err(VnpayError::BadTxnRef(self.txn_ref.clone()));
        }
        let order_info = sanitize_order_info(&self.order_info);
        if order_info.is_empty() {
            return Err(VnpayError::EmptyOrderInfo(self.order_info.clone()));
        }
        if !check_token(&self.order_type, 100, b"-_") {
            return Err(VnpayError::BadOrderType(self.order_type.clone()));
        }
        let url = &self.return_url;
        let lower = url.to_ascii_lowercase();
        let has_scheme = ["http://", "https://"]
            .iter()
            .any(|s| lower.starts_with(s) && lower.len() > s.len());
        if !has_scheme || url.chars().any(char::is_control) {
            return Err(VnpayError::BadReturnUrl(url.clone()));
        }
        if self.ip_addr.parse::<std::net::IpAddr>().is_err() {
            return Err(VnpayError::BadIpAddr(self.ip_addr.clone()));
        }
        let create_date = format_time(self.create_date)?;
        let mut params = vec![
            ("vnp_Amount", amount.to_string()),
            ("vnp_Command", "pay".to_string()),
            ("vnp_CreateDate", create_date),
            ("vnp_CurrCode", "VND".to_string()),
            ("vnp_IpAddr", self.ip_addr.clone()),
            ("vnp_Locale", self.locale.code().to_string()),
            ("vnp_OrderInfo", order_info),
            ("vnp_OrderType", self.order_type.clone()),
            ("vnp_ReturnUrl", self.return_url.clone()),
            ("vnp_TmnCode", self.tmn_code.clone()),
            ("vnp_TxnRef", self.txn_ref.clone()),
            ("vnp_Version", VERSION.to_string()),
        ];
        if let Some(expire) = self.expire_date {
            if expire <= self.create_date {
                return Err(VnpayError::ExpiresBeforeCreated);
            }
            params.push(("vnp_ExpireDate", format_time(expire)?));
        }
        if let Some(bank) = &self.bank_code {
            if !check_token(bank, 20, b"") {
                return Err(VnpayError::BadBankCode(bank.clone()));
            }
            params.push(("vnp_BankCode", bank.clone()));
        }
        let mut params: Vec<(String, String)> = params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        params.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(params)
    }
}

/// The signed URL to send the payer to:
/// `{gateway_base}/paymentv2/vpcpay.html?{sorted, encoded params}&vnp_SecureHash=…`.
/// `gateway_base` is e.g. [`SANDBOX_GATEWAY`]; a trailing `/` is dropped.
pub fn payment_url(
    gateway_base: &str,
    req: &PayRequest,
    secret: &str,
) -> Result<String, VnpayError> {
    let params = req.params()?;
    Ok(format!(
        "{}{PAY_PATH}?{}",
        gateway_base.trim_end_matches('/'),
        signed_query(&params, secret)
    ))
}

/// The decoded parameters of a query string (a leading `?` is allowed, as is a
/// whole URL or path before it). A key given twice is an error, so no reader can
/// pick a different value than the one verified.
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, VnpayError> {
    let query = match query.split_once('?') {
        // A URL or a path before the query; a `?` after the first `=` or `&` is
        // part of a value.
        Some((head, q)) if !head.contains(['=', '&']) => q,
        _ => query,
    };
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let mut params: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (form_decode(k)?, form_decode(v)?);
        if params.iter().any(|(seen, _)| *seen == k) {
            return Err(VnpayError::DuplicateParam(k));
        }
        params.push((k, v));
    }
    Ok(params)
}

/// The 64 bytes of a `vnp_SecureHash`: exactly 128 hex digits, either case.
fn decode_hash(text: &str) -> Option<[u8; 64]> {
    let mut out = [0u8; 64];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// Checks `vnp_SecureHash` (hex in either case, compared in constant time) and
/// returns the signed parameters, sorted by key. `vnp_SecureHashType` and
/// parameters not starting with `vnp_` (say, the return URL's own) are not signed
/// and are not returned.
pub fn verify_signature(query: &str, secret: &str) -> Result<Vec<(String, String)>, VnpayError> {
    let params = parse_query(query)?;
    let received = params
        .iter()
        .find(|(k, _)| k == SECURE_HASH)
        .map(|(_, v)| v.as_str())
        .ok_or(VnpayError::MissingHash)?;
    let received =
        decode_hash(received).ok_or_else(|| VnpayError::BadHashFormat(received.to_string()))?;
    // `verify_slice` compares in constant time.
    mac(secret.as_bytes())
        .chain_update(canonical_data(&params).as_bytes())
        .verify_slice(&received)
        .map_err(|_| VnpayError::InvalidSignature)?;
    let mut signed: Vec<(String, String)> = params
        .into_iter()
        .filter(|(k, v)| is_signed(k, v))
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(signed)
}

/// What VNPay reports on the return URL or the IPN, once its signature is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Callback {
    pub tmn_code: String,
    pub txn_ref: String,
    /// In whole đồng (`vnp_Amount` ÷ 100).
    pub amount: Vnd,
    /// `vnp_ResponseCode`: `00` success, `24` cancelled by the payer, …
    pub response_code: String,
    /// `vnp_TransactionStatus`: `00` when the money moved.
    pub transaction_status: Option<String>,
    /// VNPay's own transaction number.
    pub transaction_no: Option<String>,
    pub bank_code: Option<String>,
    /// `yyyyMMddHHmmss`, Vietnam time; see [`Callback::paid_at`].
    pub pay_date: Option<String>,
    /// Every signed parameter, sorted by key.
    pub params: Vec<(String, String)>,
}

impl Callback {
    /// The payment went through: response code and transaction status both `00`.
    pub fn is_success(&self) -> bool {
        self.response_code == "00" && self.transaction_status.as_deref() == Some("00")
    }

    /// `vnp_PayDate` as Unix seconds.
    pub fn paid_at(&self) -> Option<i64> {
        self.pay_date.as_deref().and_then(|d| parse_time(d).ok())
    }

    /// Any signed parameter by its full name.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn parse_callback_amount(text: &str) -> Result<Vnd, VnpayError> {
    let bad = || VnpayError::BadCallbackAmount(text.to_string());
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let hundredths: i64 = text.parse().map_err(|_| bad())?;
    if hundredths % 100 != 0 {
        return Err(bad());
    }
    Ok(Vnd::new(hundredths / 100))
}

/// Verifies a return-URL or IPN query string and reads it. The signature is
/// checked before anything else is believed.
pub fn verify(query: &str, secret: &str) -> Result<Callback, VnpayError> {
    let params = verify_signature(query, secret)?;
    let get = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let need = |key: &'static str| get(key).ok_or(VnpayError::MissingParam(key));
    Ok(Callback {
        tmn_code: need("vnp_TmnCode")?,
        txn_ref: need("vnp_TxnRef")?,
        amount: parse_callback_amount(&need("vnp_Amount")?)?,
        response_code: need("vnp_ResponseCode")?,
        transaction_status: get("vnp_TransactionStatus"),
        transaction_no: get("vnp_TransactionNo"),
        bank_code: get("vnp_BankCode"),
        pay_date: get("vnp_PayDate"),
        params,
    })
}

/// The merchant's answer to an IPN call, sent as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpnReply {
    /// The payment is recorded (also for a failed payment that is now recorded).
    Confirmed,
    OrderNotFound,
    /// The order was settled by an earlier call.
    AlreadyConfirmed,
    /// `vnp_Amount` is not what the order asks.
    InvalidAmount,
    InvalidSignature,
    Unknown,
}

impl IpnReply {
    /// `RspCode`.
    pub fn code(self) -> &'static str {
        match self {
            IpnReply::Confirmed => "00",
            IpnReply::OrderNotFound => "01",
            IpnReply::AlreadyConfirmed => "02",
            IpnReply::InvalidAmount => "04",
            IpnReply::InvalidSignature => "97",
            IpnReply::Unknown => "99",
        }
    }

    /// `Message`, word for word as VNPay documents it.
    pub fn message(self) -> &'static str {
        match self {
            IpnReply::Confirmed => "Confirm Success",
            IpnReply::OrderNotFound => "Order not found",
            IpnReply::AlreadyConfirmed => "Order already confirmed",
            IpnReply::InvalidAmount => "Invalid amount",
            IpnReply::InvalidSignature => "Invalid signature (checksum fail)",
            IpnReply::Unknown => "Unknown error",
        }
    }

    /// The response body: `{"RspCode":"00","Message":"Confirm Success"}`.
    pub fn to_json(self) -> String {
        format!(
            r#"{{"RspCode":"{}","Message":"{}"}}"#,
            self.code(),
            self.message()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    const SECRET: &str = "SECRETKEYSECRETKEYSECRETKEY12345";
    // 2026-09-05 08:15:30 in Vietnam = 01:15:30 UTC.
    const CREATED: i64 = 1_788_570_930;

    fn from_hex(text: &str) -> Vec<u8> {
        hex::decode(text).unwrap()
    }

    fn request() -> PayRequest {
        PayRequest {
            tmn_code: "HOCPHI01".into(),
            amount: Vnd::new(1_250_000),
            txn_ref: "K7Q2M9XA-1".into(),
            order_info: "Học phí tháng 9/2026: lớp 1A (Nguyễn Đào) & bán trú?".into(),
            order_type: "billpayment".into(),
            locale: Locale::Vn,
            return_url: "https://hocphi.example/vnpay/return?school=th-a&x=a b/c".into(),
            ip_addr: "203.0.113.7".into(),
            create_date: CREATED,
            expire_date: Some(CREATED + 15 * 60),
            bank_code: None,
        }
    }

    #[test]
    fn hmac_sha512_rfc4231() {
        // (key, data, HMAC-SHA512) from RFC 4231 test cases 1, 2, 3, 4, 6 and 7.
        let cases: [(Vec<u8>, Vec<u8>, &str); 6] = [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
                 daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                 9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39\
                 bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
            ),
            (
                (1..=25).collect(),
                vec![0xcd; 50],
                "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db\
                 a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352\
                 6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
            ),
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than \
                  block-size data. The key needs to be hashed before being used by the \
                  HMAC algorithm."
                    .to_vec(),
                "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944\
                 b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
            ),
        ];
        for (key, data, mac) in cases {
            assert_eq!(hmac_sha512(&key, &data).to_vec(), from_hex(mac));
        }
        // Test case 5: the output truncated to 128 bits.
        let mac = hmac_sha512(&[0x0c; 20], b"Test With Truncation");
        assert_eq!(
            mac[..16].to_vec(),
            from_hex("415fad6271580a531d4179bc891d87a6")
        );
        // A key of exactly one block is used as is, not hashed.
        let key = [0x42u8; 128];
        assert_ne!(
            hmac_sha512(&key, b"x"),
            hmac_sha512(&Sha512::digest(key), b"x")
        );
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_encode("a b"), "a+b");
        assert_eq!(form_encode("Thanh toan: 1A"), "Thanh+toan%3A+1A");
        assert_eq!(
            form_encode("https://x.vn/r?a=1&b=2"),
            "https%3A%2F%2Fx.vn%2Fr%3Fa%3D1%26b%3D2"
        );
        assert_eq!(form_encode("A-z_0.9*"), "A-z_0.9*");
        assert_eq!(form_encode("~'()!+%"), "%7E%27%28%29%21%2B%25");
        assert_eq!(form_encode("đ"), "%C4%91");
        for text in ["a b+c", "x:y/z?w&v=u%", "Nguyễn Thị Đào ~*'()!", ""] {
            assert_eq!(form_decode(&form_encode(text)).unwrap(), text);
        }
        assert_eq!(form_decode("a%3a%2F+b").unwrap(), "a:/ b");
        // A raw '?' inside a value stays in the value.
        assert_eq!(
            parse_query("vnp_a=x?y&vnp_b=1").unwrap(),
            [
                ("vnp_a".to_string(), "x?y".to_string()),
                ("vnp_b".into(), "1".into())
            ]
        );
        for bad in ["%", "%4", "%zz", "%C4"] {
            assert!(
                matches!(form_decode(bad), Err(VnpayError::BadEncoding(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn order_info_is_plain() {
        assert_eq!(
            sanitize_order_info("Học phí tháng 9/2026: lớp 1A (Nguyễn Đào) & bán trú?"),
            "Hoc phi thang 9 2026: lop 1A Nguyen Dao ban tru"
        );
        assert_eq!(sanitize_order_info("  HP-K7Q2M9XA\t~*'!  "), "HP-K7Q2M9XA");
        assert_eq!(sanitize_order_info("?&/"), "");
        let long = sanitize_order_info(&"ab ".repeat(200));
        assert!(long.len() <= MAX_ORDER_INFO_CHARS && !long.ends_with(' '));
        assert_eq!(long.len(), 254);
    }

    #[test]
    fn dates_are_vietnam_time() {
        assert_eq!(format_time(CREATED).unwrap(), "20260905081530");
        assert_eq!(parse_time("20260905081530").unwrap(), CREATED);
        // 17:00 UTC on New Year's Eve is already the new year in Vietnam.
        assert_eq!(format_time(1_798_736_400).unwrap(), "20270101000000");
        assert_eq!(format_time(0).unwrap(), "19700101070000");
        assert!(format_time(-1).is_err());
        for bad in [
            "2026090508153",
            "20260230081530",
            "20260905241530",
            "2026090508153x",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn payment_url_is_sorted_encoded_and_signed() {
        let url = payment_url("https://sandbox.vnpayment.vn/", &request(), SECRET).unwrap();
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(base, "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html");
        let (data, hash) = query.split_once("&vnp_SecureHash=").unwrap();
        assert_eq!(
            data,
            "vnp_Amount=125000000&vnp_Command=pay&vnp_CreateDate=20260905081530\
             &vnp_CurrCode=VND&vnp_ExpireDate=20260905083030&vnp_IpAddr=203.0.113.7\
             &vnp_Locale=vn&vnp_OrderInfo=Hoc+phi+thang+9+2026%3A+lop+1A+Nguyen+Dao+ban+tru\
             &vnp_OrderType=billpayment\
             &vnp_ReturnUrl=https%3A%2F%2Fhocphi.example%2Fvnpay%2Freturn%3Fschool%3Dth-a%26x%3Da+b%2Fc\
             &vnp_TmnCode=HOCPHI01&vnp_TxnRef=K7Q2M9XA-1&vnp_Version=2.1.0"
        );
        assert_eq!(hash.len(), 128);
        assert!(hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(
            hash,
            hex::encode(hmac_sha512(SECRET.as_bytes(), data.as_bytes()))
        );
        // Sorted by key, the signature last.
        let keys: Vec<String> = parse_query(query)
            .unwrap()
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(keys.last().map(String::as_str), Some(SECURE_HASH));
        let mut sorted = keys[..keys.len() - 1].to_vec();
        sorted.sort();
        assert_eq!(keys[..keys.len() - 1], sorted[..]);
    }

    #[test]
    fn optional_params() {
        let mut req = request();
        req.expire_date = None;
        req.bank_code = Some("VNPAYQR".into());
        req.locale = Locale::En;
        let params = req.params().unwrap();
        let get = |k: &str| params.iter().find(|p| p.0 == k).map(|p| p.1.as_str());
        assert_eq!(get("vnp_ExpireDate"), None);
        assert_eq!(get("vnp_BankCode"), Some("VNPAYQR"));
        assert_eq!(get("vnp_Locale"), Some("en"));
        assert_eq!(Locale::parse("EN"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }

    #[test]
    fn sign_sorts_and_skips() {
        let p = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let a = p(&[("vnp_b", "2"), ("vnp_a", "x y"), ("vnp_c", "")]);
        let b = p(&[
            ("vnp_a", "x y"),
            ("other", "z"),
            ("vnp_b", "2"),
            ("vnp_SecureHashType", "HmacSHA512"),
            ("vnp_SecureHash", "00"),
        ]);
        assert_eq!(canonical_data(&a), "vnp_a=x+y&vnp_b=2");
        assert_eq!(canonical_data(&b), "vnp_a=x+y&vnp_b=2");
        assert_eq!(sign(&a, SECRET), sign(&b, SECRET));
        assert_ne!(sign(&a, SECRET), sign(&a, "another secret"));
    }

    #[test]
    fn amount_times_and_over_hundred() {
        let params = request().params().unwrap();
        assert!(params.contains(&("vnp_Amount".into(), "125000000".into())));
        let mut req = request();
        for bad in [0, -5, i64::MAX / 10] {
            req.amount = Vnd::new(bad);
            assert_eq!(req.params(), Err(VnpayError::BadAmount(bad)));
        }
        assert_eq!(parse_callback_amount("1000000"), Ok(Vnd::new(10_000)));
        for bad in ["1000050", "", "-100", "+100", "1e5", "12345678901234567800"] {
            assert!(parse_callback_amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_checks() {
        let check = |edit: fn(&mut PayRequest)| {
            let mut req = request();
            edit(&mut req);
            req.params().unwrap_err()
        };
        assert!(matches!(
            check(|r| r.tmn_code = "ABC".into()),
            VnpayError::BadTmnCode(_)
        ));
        assert!(matches!(
            check(|r| r.tmn_code = "HOCPHI0!".into()),
            VnpayError::BadTmnCode(_)
        ));
        assert!(matches!(
            check(|r| r.txn_ref = "a b".into()),
            VnpayError::BadTxnRef(_)
        ));
        assert!(matches!(
            check(|r| r.txn_ref = "x".repeat(101)),
            VnpayError::BadTxnRef(_)
        ));
        assert!(matches!(
            check(|r| r.order_info = "??".into()),
            VnpayError::EmptyOrderInfo(_)
        ));
        assert!(matches!(
            check(|r| r.order_type = String::new()),
            VnpayError::BadOrderType(_)
        ));
        assert!(matches!(
            check(|r| r.return_url = "ftp://x".into()),
            VnpayError::BadReturnUrl(_)
        ));
        assert!(matches!(
            check(|r| r.return_url = "https://".into()),
            VnpayError::BadReturnUrl(_)
        ));
        assert!(matches!(
            check(|r| r.return_url = "https://x/\n".into()),
            VnpayError::BadReturnUrl(_)
        ));
        assert!(matches!(
            check(|r| r.ip_addr = "1.2.3".into()),
            VnpayError::BadIpAddr(_)
        ));
        assert!(matches!(
            check(|r| r.bank_code = Some("NCB!".into())),
            VnpayError::BadBankCode(_)
        ));
        assert_eq!(
            check(|r| r.expire_date = Some(r.create_date)),
            VnpayError::ExpiresBeforeCreated
        );
        assert_eq!(check(|r| r.create_date = -7), VnpayError::BadTime(-7));
        let mut v6 = request();
        v6.ip_addr = "2001:db8::1".into();
        assert!(v6.params().is_ok());
    }

    /// VNPay calling back: the fields of a successful IPN, signed.
    fn callback_params() -> Vec<(String, String)> {
        [
            ("vnp_Amount", "125000000"),
            ("vnp_BankCode", "NCB"),
            ("vnp_BankTranNo", "VNP14422574"),
            ("vnp_CardType", "ATM"),
            ("vnp_OrderInfo", "Hoc phi thang 9 2026: lop 1A"),
            ("vnp_PayDate", "20260905082004"),
            ("vnp_ResponseCode", "00"),
            ("vnp_TmnCode", "HOCPHI01"),
            ("vnp_TransactionNo", "14422574"),
            ("vnp_TransactionStatus", "00"),
            ("vnp_TxnRef", "K7Q2M9XA-1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn callback_round_trip() {
        let query = signed_query(&callback_params(), SECRET);
        let cb = verify(&query, SECRET).unwrap();
        assert!(cb.is_success());
        assert_eq!(cb.amount, Vnd::new(1_250_000));
        assert_eq!(cb.txn_ref, "K7Q2M9XA-1");
        assert_eq!(cb.tmn_code, "HOCPHI01");
        assert_eq!(cb.transaction_no.as_deref(), Some("14422574"));
        assert_eq!(cb.bank_code.as_deref(), Some("NCB"));
        assert_eq!(cb.paid_at(), Some(CREATED + 4 * 60 + 34));
        assert_eq!(
            cb.param("vnp_OrderInfo"),
            Some("Hoc phi thang 9 2026: lop 1A")
        );
        assert_eq!(cb.params, callback_params());

        // Upper-case hex, a leading '?', the whole URL, a SecureHashType and the
        // return URL's own parameters are all accepted.
        let (data, hash) = query.split_once("&vnp_SecureHash=").unwrap();
        let upper = format!("{data}&vnp_SecureHash={}", hash.to_ascii_uppercase());
        assert_eq!(verify(&upper, SECRET).unwrap(), cb);
        assert_eq!(verify(&format!("?{query}"), SECRET).unwrap(), cb);
        let path = format!("/vnpay/ipn?{query}");
        assert_eq!(verify(&path, SECRET).unwrap(), cb);
        let full = format!(
            "https://hocphi.example/vnpay/return?school=th-a&{query}&vnp_SecureHashType=HmacSHA512"
        );
        assert_eq!(verify(&full, SECRET).unwrap(), cb);

        // A payment URL verifies too (it is signed the same way).
        let url = payment_url(SANDBOX_GATEWAY, &request(), SECRET).unwrap();
        let params = verify_signature(&url, SECRET).unwrap();
        assert_eq!(params, request().params().unwrap());
        assert_eq!(
            verify(&url, SECRET),
            Err(VnpayError::MissingParam("vnp_ResponseCode"))
        );
    }

    #[test]
    fn failed_payment_is_not_success() {
        for (key, value) in [("vnp_ResponseCode", "24"), ("vnp_TransactionStatus", "02")] {
            let mut params = callback_params();
            params.iter_mut().find(|p| p.0 == key).unwrap().1 = value.into();
            let cb = verify(&signed_query(&params, SECRET), SECRET).unwrap();
            assert!(!cb.is_success());
        }
        let mut params = callback_params();
        params.retain(|p| p.0 != "vnp_TransactionStatus");
        let cb = verify(&signed_query(&params, SECRET), SECRET).unwrap();
        assert!(!cb.is_success());
    }

    #[test]
    fn any_change_fails() {
        let params = callback_params();
        let query = signed_query(&params, SECRET);
        assert_eq!(
            verify(&query, "another secret"),
            Err(VnpayError::InvalidSignature)
        );
        for i in 0..params.len() {
            // A changed value.
            let mut changed = params.clone();
            changed[i].1.push('0');
            let q = format!(
                "{}&vnp_SecureHash={}",
                canonical_data(&changed),
                sign(&params, SECRET)
            );
            assert_eq!(
                verify(&q, SECRET),
                Err(VnpayError::InvalidSignature),
                "{}",
                params[i].0
            );
            // A dropped parameter.
            let mut dropped = params.clone();
            dropped.remove(i);
            let q = format!(
                "{}&vnp_SecureHash={}",
                canonical_data(&dropped),
                sign(&params, SECRET)
            );
            assert_eq!(
                verify(&q, SECRET),
                Err(VnpayError::InvalidSignature),
                "{}",
                params[i].0
            );
        }
        // An added vnp_ parameter.
        assert_eq!(
            verify(&format!("{query}&vnp_Extra=1"), SECRET),
            Err(VnpayError::InvalidSignature)
        );
        // Every single hex digit of the hash.
        let (data, hash) = query.split_once("&vnp_SecureHash=").unwrap();
        for i in 0..hash.len() {
            let mut h = hash.as_bytes().to_vec();
            h[i] = if h[i] == b'0' { b'1' } else { b'0' };
            let q = format!("{data}&vnp_SecureHash={}", String::from_utf8(h).unwrap());
            assert_eq!(verify(&q, SECRET), Err(VnpayError::InvalidSignature));
        }
        assert_eq!(verify(data, SECRET), Err(VnpayError::MissingHash));
        assert!(matches!(
            verify(&format!("{data}&vnp_SecureHash={}", &hash[..127]), SECRET),
            Err(VnpayError::BadHashFormat(_))
        ));
        assert!(matches!(
            verify(&format!("{data}&vnp_SecureHash={}g", &hash[..127]), SECRET),
            Err(VnpayError::BadHashFormat(_))
        ));
        // A repeated parameter is refused outright.
        assert_eq!(
            verify(&format!("{query}&vnp_Amount=100"), SECRET),
            Err(VnpayError::DuplicateParam("vnp_Amount".into()))
        );
        // A signature over a changed payment URL fails as well.
        let url = payment_url(SANDBOX_GATEWAY, &request(), SECRET).unwrap();
        let tampered = url.replace("vnp_Amount=125000000", "vnp_Amount=100000");
        assert_eq!(
            verify_signature(&tampered, SECRET),
            Err(VnpayError::InvalidSignature)
        );
    }

    #[test]
    fn callback_amount_must_be_whole_dong() {
        let mut params = callback_params();
        params[0].1 = "125000050".into();
        let err = verify(&signed_query(&params, SECRET), SECRET).unwrap_err();
        assert_eq!(err, VnpayError::BadCallbackAmount("125000050".into()));
        assert_eq!(err.ipn_reply(), IpnReply::InvalidAmount);
        assert_eq!(
            VnpayError::InvalidSignature.ipn_reply(),
            IpnReply::InvalidSignature
        );
        assert_eq!(
            VnpayError::MissingHash.ipn_reply(),
            IpnReply::InvalidSignature
        );
        assert_eq!(
            VnpayError::MissingParam("vnp_TxnRef").ipn_reply(),
            IpnReply::Unknown
        );
    }

    #[test]
    fn ipn_replies() {
        let all = [
            (IpnReply::Confirmed, "00", "Confirm Success"),
            (IpnReply::OrderNotFound, "01", "Order not found"),
            (IpnReply::AlreadyConfirmed, "02", "Order already confirmed"),
            (IpnReply::InvalidAmount, "04", "Invalid amount"),
            (
                IpnReply::InvalidSignature,
                "97",
                "Invalid signature (checksum fail)",
            ),
            (IpnReply::Unknown, "99", "Unknown error"),
        ];
        for (reply, code, message) in all {
            assert_eq!(reply.code(), code);
            assert_eq!(reply.message(), message);
            let json: serde_json::Value = serde_json::from_str(&reply.to_json()).unwrap();
            assert_eq!(
                json,
                serde_json::json!({ "RspCode": code, "Message": message })
            );
        }
        assert_eq!(
            IpnReply::Confirmed.to_json(),
            r#"{"RspCode":"00","Message":"Confirm Success"}"#
        );
    }
}
