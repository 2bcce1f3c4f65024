//! VietQR payloads (NAPAS247 "QR chuyển nhanh", an EMVCo merchant-presented QR).
//!
//! The encoder writes exactly what the NAPAS specification v1.0 asks for and what
//! every banking app reads: objects in the order 00 01 38 53 54 58 62 63, the NAPAS
//! GUID and service code in tag 38, the amount in whole đồng, the bill number in
//! 62.01, the memo in 62.08, and a CRC-16/CCITT-FALSE as 4 upper-case hex digits.
//! The decoder is strict, so it can also judge QR codes made by other apps: it
//! rejects malformed TLV, a wrong CRC and fields out of the spec, each with its own
//! error, and accepts a lower-case CRC as some banking apps emit.

use super::crc16::crc16_ccitt_false;
use super::money::Vnd;
use serde::{Deserialize, Serialize};

/// The NAPAS application identifier in tag 38.00.
pub const NAPAS_GUID: &str = "A000000727";
const MAX_SUBFIELD: usize = 25;
const MAX_ACCOUNT: usize = 19;
const MAX_AMOUNT_CHARS: usize = 13;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Initiation {
    /// "11": the same code serves many transfers (a poster at the school office).
    Static,
    /// "12": a code for one transfer, with its amount (an invoice).
    Dynamic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Service {
    /// `QRIBFTTA`: transfer to an account number.
    #[serde(rename = "QRIBFTTA")]
    ToAccount,
    /// `QRIBFTTC`: transfer to a card number.
    #[serde(rename = "QRIBFTTC")]
    ToCard,
}

impl Service {
    pub fn code(self) -> &'static str {
        match self {
            Service::ToAccount => "QRIBFTTA",
            Service::ToCard => "QRIBFTTC",
        }
    }
}

/// What a VietQR carries that a payer's bank needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VietQr {
    pub initiation: Initiation,
    /// The receiving bank's 6-digit BIN (tag 38.01.00).
    pub bin: String,
    /// Account or card number (tag 38.01.01).
    pub account: String,
    /// Tag 38.02: mandatory (NAPAS §4.2.1): without it a bank app cannot tell a
    /// transfer to an account from one to a card.
    pub service: Service,
    pub amount: Option<Vnd>,
    /// Tag 62.01; hocphi puts the invoice code here.
    pub bill_number: Option<String>,
    /// Tag 62.08, the transfer memo banking apps show and pre-fill.
    pub purpose: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("the bank BIN must be 6 digits, got '{0}'")]
    BadBin(String),
    #[error("the account number must be 1 to 19 letters or digits, got '{0}'")]
    BadAccount(String),
    #[error("the amount must be more than 0 đ and at most 13 digits")]
    BadAmount,
    #[error("{field} must be at most 25 plain ASCII characters (no diacritics), got '{value}'")]
    BadText { field: &'static str, value: String },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the QR content is empty")]
    Empty,
    #[error("the content ends inside a field (at character {position})")]
    Truncated { position: usize },
    #[error("expected a 2-digit field ID at character {position}, found '{found}'")]
    BadId { position: usize, found: String },
    #[error("field {id} at character {position} has an invalid length '{found}'")]
    BadLength {
        id: String,
        position: usize,
        found: String,
    },
    #[error("field {0} appears twice")]
    Duplicate(String),
    #[error("the content must start with field 00 (payload format)")]
    PayloadFormatNotFirst,
    #[error("unsupported payload format '{0}' (expected 01)")]
    UnsupportedPayloadFormat(String),
    #[error("the checksum (field 63) is missing")]
    MissingCrc,
    #[error("the checksum (field 63) must be the last field")]
    CrcNotLast,
    #[error("the checksum must be 4 hex digits, got '{0}'")]
    BadCrcFormat(String),
    #[error("the checksum does not match: computed {computed}, the QR says {found}; the content was changed or misread")]
    CrcMismatch { computed: String, found: String },
    #[error("required field {0} is missing")]
    Missing(&'static str),
    #[error("not a NAPAS VietQR: tag 38 carries '{0}' instead of A000000727")]
    NotNapas(String),
    #[error("{field} is invalid: {reason} ('{value}')")]
    Invalid {
        field: &'static str,
        reason: &'static str,
        value: String,
    },
}

fn is_ans(s: &str) -> bool {
    s.bytes().all(|b| (0x20..=0x7E).contains(&b))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn push_tlv(out: &mut String, id: &str, value: &str) {
    debug_assert!(id.len() == 2 && !value.is_empty());
    let len = value.chars().count();
    debug_assert!(len <= 99);
    out.push_str(id);
    out.push_str(&format!("{len:02}"));
    out.push_str(value);
}

fn check_text(field: &'static str, value: &Option<String>) -> Result<(), EncodeError> {
    match value {
        Some(v) if v.is_empty() || v.len() > MAX_SUBFIELD || !is_ans(v) => {
            Err(EncodeError::BadText {
                field,
                value: v.clone(),
            })
        }
        _ => Ok(()),
    }
}

impl VietQr {
    /// A one-off transfer of `amount` to an account, as on an invoice.
    pub fn transfer(
        bin: &str,
        account: &str,
        amount: Vnd,
        bill_number: &str,
        purpose: &str,
    ) -> VietQr {
        VietQr {
            initiation: Initiation::Dynamic,
            bin: bin.to_string(),
            account: account.to_string(),
            service: Service::ToAccount,
            amount: Some(amount),
            bill_number: Some(bill_number.to_string()).filter(|s| !s.is_empty()),
            purpose: Some(purpose.to_string()).filter(|s| !s.is_empty()),
        }
    }

    pub fn encode(&self) -> Result<String, EncodeError> {
        if self.bin.len() != 6 || !is_digits(&self.bin) {
            return Err(EncodeError::BadBin(self.bin.clone()));
        }
        if self.account.is_empty()
            || self.account.len() > MAX_ACCOUNT
            || !self.account.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(EncodeError::BadAccount(self.account.clone()));
        }
        if let Some(amount) = self.amount {
            if !amount.is_positive() || amount.dong().to_string().len() > MAX_AMOUNT_CHARS {
                return Err(EncodeError::BadAmount);
            }
        }
        check_text("the bill number", &self.bill_number)?;
        check_text("the transfer memo", &self.purpose)?;

        let mut beneficiary = String::new();
        push_tlv(&mut beneficiary, "00", &self.bin);
        push_tlv(&mut beneficiary, "01", &self.account);
        let mut merchant = String::new();
        push_tlv(&mut merchant, "00", NAPAS_GUID);
        push_tlv(&mut merchant, "01", &beneficiary);
        push_tlv(&mut merchant, "02", self.service.code());

        let mut out = String::new();
        push_tlv(&mut out, "00", "01");
        let initiation = match self.initiation {
            Initiation::Static => "11",
            Initiation::Dynamic => "12",
        };
        push_tlv(&mut out, "01", initiation);
        push_tlv(&mut out, "38", &merchant);
        push_tlv(&mut out, "53", "704");
        if let Some(amount) = self.amount {
            push_tlv(&mut out, "54", &amount.dong().to_string());
        }
        push_tlv(&mut out, "58", "VN");
        let mut additional = String::new();
        if let Some(bill) = &self.bill_number {
            push_tlv(&mut additional, "01", bill);
        }
        if let Some(purpose) = &self.purpose {
            push_tlv(&mut additional, "08", purpose);
        }
        if !additional.is_empty() {
            // Two subfields of at most 25 characters each fit in 99.
            push_tlv(&mut out, "62", &additional);
        }
        out.push_str("6304");
        let crc = crc16_ccitt_false(out.as_bytes());
        out.push_str(&format!("{crc:04X}"));
        Ok(out)
    }

    pub fn decode(payload: &str) -> Result<VietQr, DecodeError> {
        let payload = payload.trim_end_matches(['\r', '\n']);
        if payload.is_empty() {
            return Err(DecodeError::Empty);
        }
        let root = parse_tlvs(payload, 0)?;
        if root.first().map(|t| t.id) != Some("00") {
            return Err(DecodeError::PayloadFormatNotFirst);
        }
        check_unique(&root)?;
        let last = root.last().expect("non-empty");
        if !root.iter().any(|t| t.id == "63") {
            return Err(DecodeError::MissingCrc);
        }
        if last.id != "63" {
            return Err(DecodeError::CrcNotLast);
        }
        if last.value.len() != 4 || !last.value.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DecodeError::BadCrcFormat(last.value.to_string()));
        }
        let covered = &payload.as_bytes()[..payload.len() - 4];
        let computed = format!("{:04X}", crc16_ccitt_false(covered));
        if !computed.eq_ignore_ascii_case(last.value) {
            return Err(DecodeError::CrcMismatch {
                computed,
                found: last.value.to_string(),
            });
        }

        let get = |id: &str| root.iter().find(|t| t.id == id).map(|t| t.value);
        let format = get("00").expect("checked first");
        if format != "01" {
            return Err(DecodeError::UnsupportedPayloadFormat(format.to_string()));
        }
        let initiation = match get("01") {
            Some("11") => Initiation::Static,
            Some("12") => Initiation::Dynamic,
            Some(other) => {
                return Err(invalid(
                    "point of initiation (01)",
                    "must be 11 or 12",
                    other,
                ))
            }
            None => return Err(DecodeError::Missing("01 (point of initiation)")),
        };
        match get("53") {
            Some("704") => {}
            Some(other) => {
                return Err(invalid(
                    "currency (53)",
                    "VietQR is paid in VND, code 704",
                    other,
                ))
            }
            None => return Err(DecodeError::Missing("53 (currency)")),
        }
        match get("58") {
            Some("VN") => {}
            Some(other) => return Err(invalid("country (58)", "must be VN", other)),
            None => return Err(DecodeError::Missing("58 (country)")),
        }
        let amount = get("54").map(parse_amount).transpose()?;

        let merchant_tlv = root
            .iter()
            .find(|t| t.id == "38")
            .ok_or(DecodeError::Missing("38 (beneficiary account)"))?;
        let merchant = parse_tlvs(merchant_tlv.value, merchant_tlv.value_at)?;
        check_unique(&merchant)?;
        let mget = |id: &str| merchant.iter().find(|t| t.id == id);
        let guid = mget("00")
            .ok_or(DecodeError::Missing("38.00 (GUID)"))?
            .value;
        if !guid.eq_ignore_ascii_case(NAPAS_GUID) {
            return Err(DecodeError::NotNapas(guid.to_string()));
        }
        let beneficiary_tlv = mget("01").ok_or(DecodeError::Missing("38.01 (beneficiary)"))?;
        let beneficiary = parse_tlvs(beneficiary_tlv.value, beneficiary_tlv.value_at)?;
        check_unique(&beneficiary)?;
        // 38.01 holds the BIN and the account, nothing else: an extra field is
        // a code made by something other than a bank, or altered.
        if let Some(extra) = beneficiary.iter().find(|t| t.id != "00" && t.id != "01") {
            return Err(invalid(
                "beneficiary (38.01)",
                "holds only the BIN (00) and the account (01)",
                extra.id,
            ));
        }
        let bget = |id: &str| beneficiary.iter().find(|t| t.id == id).map(|t| t.value);
        let bin = bget("00").ok_or(DecodeError::Missing("38.01.00 (bank BIN)"))?;
        if bin.len() != 6 || !is_digits(bin) {
            return Err(invalid("bank BIN (38.01.00)", "must be 6 digits", bin));
        }
        let account = bget("01").ok_or(DecodeError::Missing("38.01.01 (account number)"))?;
        if account.chars().count() > MAX_ACCOUNT || !is_ans(account) {
            return Err(invalid(
                "account number (38.01.01)",
                "at most 19 plain characters",
                account,
            ));
        }
        let service = match mget("02").map(|t| t.value) {
            None => return Err(DecodeError::Missing("38.02 (service code)")),
            Some("QRIBFTTA") => Service::ToAccount,
            Some("QRIBFTTC") => Service::ToCard,
            Some(other) => {
                return Err(invalid(
                    "service code (38.02)",
                    "must be QRIBFTTA or QRIBFTTC",
                    other,
                ))
            }
        };

        let (mut bill_number, mut purpose) = (None, None);
        if let Some(additional) = root.iter().find(|t| t.id == "62") {
            let fields = parse_tlvs(additional.value, additional.value_at)?;
            check_unique(&fields)?;
            for field in &fields {
                if !is_ans(field.value) {
                    return Err(invalid(
                        "additional data (62)",
                        "plain ASCII only",
                        field.value,
                    ));
                }
                let numbered = ("01"..="08").contains(&field.id);
                if numbered && field.value.len() > MAX_SUBFIELD {
                    return Err(invalid(
                        "additional data (62)",
                        "a subfield is longer than 25",
                        field.value,
                    ));
                }
                if field.id == "09" && !valid_consumer_request(field.value) {
                    return Err(invalid(
                        "consumer data request (62.09)",
                        "only A, M, E, each once",
                        field.value,
                    ));
                }
            }
            let fget = |id: &str| {
                fields
                    .iter()
                    .find(|t| t.id == id)
                    .map(|t| t.value.to_string())
            };
            bill_number = fget("01");
            purpose = fget("08");
        }

        Ok(VietQr {
            initiation,
            bin: bin.to_string(),
            account: account.to_string(),
            service,
            amount,
            bill_number,
            purpose,
        })
    }
}

fn invalid(field: &'static str, reason: &'static str, value: &str) -> DecodeError {
    DecodeError::Invalid {
        field,
        reason,
        value: value.to_string(),
    }
}

fn valid_consumer_request(v: &str) -> bool {
    !v.is_empty() && v.len() <= 3 && v.bytes().all(|b| b"AME".contains(&b)) && {
        let mut seen = [false; 3];
        v.bytes().all(|b| {
            let i = b"AME".iter().position(|&c| c == b).expect("checked");
            !std::mem::replace(&mut seen[i], true)
        })
    }
}

/// VND has no decimals: digits only, at most one trailing '.', non-zero.
fn parse_amount(text: &str) -> Result<Vnd, DecodeError> {
    let digits = text.strip_suffix('.').unwrap_or(text);
    if !is_digits(digits) || text.len() > MAX_AMOUNT_CHARS {
        return Err(invalid("amount (54)", "whole đồng, digits only", text));
    }
    let value: i64 = digits
        .parse()
        .map_err(|_| invalid("amount (54)", "too large", text))?;
    if value == 0 {
        return Err(invalid("amount (54)", "must not be zero", text));
    }
    Ok(Vnd::new(value))
}

struct Tlv<'a> {
    id: &'a str,
    value: &'a str,
    /// Character offset of the value in the whole payload, for error messages.
    value_at: usize,
}

/// Splits off the first `n` characters (LEN counts characters, not bytes).
fn split_chars(s: &str, n: usize) -> Option<(&str, &str)> {
    if n == 0 {
        return Some(("", s));
    }
    let end = s.char_indices().nth(n - 1).map(|(i, c)| i + c.len_utf8())?;
    Some(s.split_at(end))
}

fn parse_tlvs(mut rest: &str, mut position: usize) -> Result<Vec<Tlv<'_>>, DecodeError> {
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (id, after_id) = split_chars(rest, 2).ok_or(DecodeError::Truncated { position })?;
        if !(id.len() == 2 && is_digits(id)) {
            return Err(DecodeError::BadId {
                position,
                found: id.to_string(),
            });
        }
        let (len_text, after_len) = split_chars(after_id, 2).ok_or(DecodeError::Truncated {
            position: position + 2,
        })?;
        let len: usize = match (len_text.len() == 2 && is_digits(len_text), len_text.parse()) {
            (true, Ok(n)) if n > 0 => n,
            _ => {
                return Err(DecodeError::BadLength {
                    id: id.to_string(),
                    position: position + 2,
                    found: len_text.to_string(),
                })
            }
        };
        let (value, after_value) = split_chars(after_len, len).ok_or(DecodeError::Truncated {
            position: position + 4,
        })?;
        out.push(Tlv {
            id,
            value,
            value_at: position + 4,
        });
        position += 4 + len;
        rest = after_value;
    }
    Ok(out)
}

fn check_unique(tlvs: &[Tlv<'_>]) -> Result<(), DecodeError> {
    for (i, t) in tlvs.iter().enumerate() {
        if tlvs[..i].iter().any(|u| u.id == t.id) {
            return Err(DecodeError::Duplicate(t.id.to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // NAPAS VietQR specification v1.0 §6.1, with the two misprints corrected.
    const STATIC_ACCOUNT: &str = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F";
    const STATIC_CARD: &str = "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52";
    const DYNAMIC_ACCOUNT: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";
    const DYNAMIC_CARD: &str = "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203";
    // As printed in the spec: §6.1.1 declares 12 characters for a 13-character account,
    // §6.1.4 prints a static payload with the dynamic payload's CRC.
    const MISPRINT_STATIC_ACCOUNT: &str = "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5";
    const MISPRINT_DYNAMIC_CARD: &str = "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN6304A203";

    fn spec(initiation: Initiation, service: Service, account: &str, dynamic: bool) -> VietQr {
        VietQr {
            initiation,
            bin: "970403".into(),
            account: account.into(),
            service,
            amount: dynamic.then_some(Vnd::new(180_000)),
            bill_number: dynamic.then(|| "NPS6869".into()),
            purpose: dynamic.then(|| "thanh toan don hang".into()),
        }
    }

    #[test]
    fn encodes_the_spec_examples_exactly() {
        let cases = [
            (
                spec(
                    Initiation::Static,
                    Service::ToAccount,
                    "0011012345678",
                    false,
                ),
                STATIC_ACCOUNT,
            ),
            (
                spec(
                    Initiation::Static,
                    Service::ToCard,
                    "9704031101234567",
                    false,
                ),
                STATIC_CARD,
            ),
            (
                spec(
                    Initiation::Dynamic,
                    Service::ToAccount,
                    "0011012345678",
                    true,
                ),
                DYNAMIC_ACCOUNT,
            ),
            (
                spec(
                    Initiation::Dynamic,
                    Service::ToCard,
                    "9704031101234567",
                    true,
                ),
                DYNAMIC_CARD,
            ),
        ];
        for (qr, expected) in cases {
            assert_eq!(qr.encode().unwrap(), expected);
            assert_eq!(VietQr::decode(expected).unwrap(), qr);
        }
    }

    #[test]
    fn rejects_the_misprinted_spec_examples() {
        // The CRC is right for these bytes, but the account field declares 12
        // characters and 13 follow, leaving one stray character in the template.
        assert!(matches!(
            VietQr::decode(MISPRINT_STATIC_ACCOUNT),
            Err(DecodeError::Truncated { .. })
        ));
        assert_eq!(
            VietQr::decode(MISPRINT_DYNAMIC_CARD),
            Err(DecodeError::CrcMismatch {
                computed: "4F52".into(),
                found: "A203".into()
            })
        );
    }

    #[test]
    fn accepts_a_lower_case_crc() {
        let lower = format!(
            "{}{}",
            &DYNAMIC_ACCOUNT[..DYNAMIC_ACCOUNT.len() - 4],
            "2e2e"
        );
        assert!(VietQr::decode(&lower).is_ok());
    }

    /// Re-computes the CRC so that a test reaches the field checks behind it.
    fn with_crc(body_without_crc: &str) -> String {
        let mut s = format!("{body_without_crc}6304");
        s.push_str(&format!("{:04X}", crc16_ccitt_false(s.as_bytes())));
        s
    }

    fn t(id: &str, value: &str) -> String {
        format!("{id}{:02}{value}", value.chars().count())
    }

    #[test]
    fn every_decode_error() {
        use DecodeError::*;
        let d = VietQr::decode;
        let account = t(
            "38",
            &(t("00", NAPAS_GUID)
                + &t("01", &(t("00", "970403") + &t("01", "0011012345678")))
                + &t("02", "QRIBFTTA")),
        );
        let head = "00020101021153037045802VN";
        assert_eq!(d(""), Err(Empty));
        assert_eq!(d("0002010"), Err(Truncated { position: 6 }));
        assert_eq!(d("00"), Err(Truncated { position: 2 }));
        assert_eq!(d("000201015"), Err(Truncated { position: 8 }));
        assert_eq!(d("0002010150"), Err(Truncated { position: 10 }));
        assert_eq!(
            d("000201XX"),
            Err(BadId {
                position: 6,
                found: "XX".into()
            })
        );
        assert_eq!(
            d("0000"),
            Err(BadLength {
                id: "00".into(),
                position: 2,
                found: "00".into()
            })
        );
        assert_eq!(
            d("00A1"),
            Err(BadLength {
                id: "00".into(),
                position: 2,
                found: "A1".into()
            })
        );
        assert_eq!(d("010211"), Err(PayloadFormatNotFirst));
        assert_eq!(d("000201"), Err(MissingCrc));
        assert_eq!(d("0002016304ABCD010211"), Err(CrcNotLast));
        assert_eq!(d("0002016304XYZW"), Err(BadCrcFormat("XYZW".into())));
        assert_eq!(d("000201630312A"), Err(BadCrcFormat("12A".into())));
        assert!(matches!(d("0002016304ABCD"), Err(CrcMismatch { .. })));
        assert_eq!(d(&with_crc("000201000201")), Err(Duplicate("00".into())));
        assert_eq!(
            d(&with_crc("000202")),
            Err(UnsupportedPayloadFormat("02".into()))
        );
        assert_eq!(
            d(&with_crc("000201")),
            Err(Missing("01 (point of initiation)"))
        );
        assert!(matches!(
            d(&with_crc("000201010213")),
            Err(Invalid {
                field: "point of initiation (01)",
                ..
            })
        ));
        assert_eq!(d(&with_crc("000201010211")), Err(Missing("53 (currency)")));
        assert!(matches!(
            d(&with_crc("0002010102115303840")),
            Err(Invalid {
                field: "currency (53)",
                ..
            })
        ));
        assert_eq!(
            d(&with_crc("0002010102115303704")),
            Err(Missing("58 (country)"))
        );
        assert!(matches!(
            d(&with_crc("00020101021153037045802TH")),
            Err(Invalid {
                field: "country (58)",
                ..
            })
        ));
        assert_eq!(d(&with_crc(head)), Err(Missing("38 (beneficiary account)")));
        for bad_amount in ["0", "50 00", "10.50", "-1000", "ABCDE", "12345678901234"] {
            let body = format!("{head}{}{account}", t("54", bad_amount));
            assert!(
                matches!(
                    d(&with_crc(&body)),
                    Err(Invalid {
                        field: "amount (54)",
                        ..
                    })
                ),
                "{bad_amount}"
            );
        }
        let trailing_dot = format!("{head}{}{account}", t("54", "50000."));
        assert_eq!(
            d(&with_crc(&trailing_dot)).unwrap().amount,
            Some(Vnd::new(50_000))
        );

        let merchant = |inner: String| with_crc(&format!("{head}{}", t("38", &inner)));
        let guid = t("00", NAPAS_GUID);
        assert_eq!(
            d(&merchant(t("00", "A000000775"))),
            Err(NotNapas("A000000775".into()))
        );
        assert_eq!(
            d(&merchant(t("01", "0006970403"))),
            Err(Missing("38.00 (GUID)"))
        );
        assert_eq!(
            d(&merchant(guid.clone())),
            Err(Missing("38.01 (beneficiary)"))
        );
        assert_eq!(
            d(&merchant(guid.clone() + &t("01", "0008123"))),
            Err(Truncated { position: 51 })
        );
        assert_eq!(
            d(&merchant(guid.clone() + &t("01", &t("01", "123")))),
            Err(Missing("38.01.00 (bank BIN)"))
        );
        assert!(matches!(
            d(&merchant(guid.clone() + &t("01", &t("00", "97040")))),
            Err(Invalid {
                field: "bank BIN (38.01.00)",
                ..
            })
        ));
        assert_eq!(
            d(&merchant(guid.clone() + &t("01", &t("00", "970403")))),
            Err(Missing("38.01.01 (account number)"))
        );
        let beneficiary = t("01", &(t("00", "970403") + &t("01", "123")));
        assert!(matches!(
            d(&merchant(
                guid.clone() + &t("01", &(t("00", "970403") + &t("01", &"1".repeat(20))))
            )),
            Err(Invalid {
                field: "account number (38.01.01)",
                ..
            })
        ));
        assert!(matches!(
            d(&merchant(guid.clone() + &beneficiary + &t("02", "QRPUSH"))),
            Err(Invalid {
                field: "service code (38.02)",
                ..
            })
        ));
        assert_eq!(
            d(&merchant(guid.clone() + &beneficiary)),
            Err(Missing("38.02 (service code)")),
            "the service code is mandatory"
        );
        let with_extra = t(
            "01",
            &(t("00", "970403") + &t("01", "0011012345678") + &t("02", "X")),
        );
        assert!(matches!(
            d(&merchant(guid.clone() + &with_extra + &t("02", "QRIBFTTA"))),
            Err(Invalid {
                field: "beneficiary (38.01)",
                ..
            })
        ));

        let additional = |inner: String| with_crc(&format!("{head}{account}{}", t("62", &inner)));
        assert!(matches!(
            d(&additional(t("01", &"A".repeat(26)))),
            Err(Invalid {
                field: "additional data (62)",
                ..
            })
        ));
        assert!(matches!(
            d(&additional(t("09", "AAM"))),
            Err(Invalid {
                field: "consumer data request (62.09)",
                ..
            })
        ));
        assert!(matches!(
            d(&additional(t("08", "Tiền"))),
            Err(Invalid {
                field: "additional data (62)",
                ..
            })
        ));
        assert_eq!(
            d(&additional(t("08", "A") + &t("08", "B"))),
            Err(Duplicate("08".into()))
        );
        assert!(d(&additional(t("09", "AME"))).is_ok());
    }

    #[test]
    fn every_encode_error() {
        let good = VietQr::transfer(
            "970436",
            "0123456789",
            Vnd::new(50_000),
            "K7Q2M9XA",
            "HP K7Q2M9XA",
        );
        assert!(good.encode().is_ok());
        let with = |f: &dyn Fn(&mut VietQr)| {
            let mut q = good.clone();
            f(&mut q);
            q.encode()
        };
        assert!(matches!(
            with(&|q| q.bin = "97043".into()),
            Err(EncodeError::BadBin(_))
        ));
        assert!(matches!(
            with(&|q| q.bin = "97043X".into()),
            Err(EncodeError::BadBin(_))
        ));
        assert!(matches!(
            with(&|q| q.account = "".into()),
            Err(EncodeError::BadAccount(_))
        ));
        assert!(matches!(
            with(&|q| q.account = "1".repeat(20)),
            Err(EncodeError::BadAccount(_))
        ));
        assert!(matches!(
            with(&|q| q.account = "0123 456".into()),
            Err(EncodeError::BadAccount(_))
        ));
        assert_eq!(
            with(&|q| q.amount = Some(Vnd::ZERO)),
            Err(EncodeError::BadAmount)
        );
        assert_eq!(
            with(&|q| q.amount = Some(Vnd::new(-5))),
            Err(EncodeError::BadAmount)
        );
        assert_eq!(
            with(&|q| q.amount = Some(Vnd::new(10_000_000_000_000))),
            Err(EncodeError::BadAmount)
        );
        assert!(matches!(
            with(&|q| q.purpose = Some("Học phí".into())),
            Err(EncodeError::BadText { .. })
        ));
        assert!(matches!(
            with(&|q| q.purpose = Some("X".repeat(26))),
            Err(EncodeError::BadText { .. })
        ));
        assert!(matches!(
            with(&|q| q.bill_number = Some(String::new())),
            Err(EncodeError::BadText { .. })
        ));
    }

    #[test]
    fn memo_from_invoice_code_is_encodable() {
        use crate::domain::{invoice_code::InvoiceCode, memo::safe_memo};
        let code = InvoiceCode::from_number(42);
        let purpose = safe_memo(&format!("{} Thu T11/2026 Nguyễn", code.memo_form()));
        let qr = VietQr::transfer(
            "970436",
            "1234567890",
            Vnd::new(733_710),
            code.as_str(),
            &purpose,
        );
        let decoded = VietQr::decode(&qr.encode().unwrap()).unwrap();
        assert_eq!(
            InvoiceCode::find_in_memo(decoded.purpose.as_deref().unwrap()),
            vec![code]
        );
    }

    fn ans_text(max: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("[ -~]{{1,{max}}}")).unwrap()
    }

    prop_compose! {
        fn any_qr()(
            dynamic in any::<bool>(),
            bin in "[0-9]{6}",
            account in "[0-9A-Z]{1,19}",
            service in prop_oneof![Just(Service::ToAccount), Just(Service::ToCard)],
            amount in proptest::option::of(1i64..9_999_999_999_999),
            bill in proptest::option::of(ans_text(25)),
            purpose in proptest::option::of(ans_text(25)),
        ) -> VietQr {
            VietQr {
                initiation: if dynamic { Initiation::Dynamic } else { Initiation::Static },
                bin, account, service,
                amount: amount.map(Vnd::new),
                bill_number: bill,
                purpose,
            }
        }
    }

    proptest! {
        #[test]
        fn round_trips(qr in any_qr()) {
            let payload = qr.encode().unwrap();
            prop_assert!(payload.is_ascii());
            prop_assert_eq!(VietQr::decode(&payload).unwrap(), qr);
        }

        #[test]
        fn any_changed_character_is_rejected(qr in any_qr(), pos in any::<prop::sample::Index>(), c in 0x20u8..0x7F) {
            let payload = qr.encode().unwrap();
            let i = pos.index(payload.len());
            let original = payload.as_bytes()[i];
            // Changing the case of a CRC hex letter is not a change.
            prop_assume!(original != c && !(i >= payload.len() - 4 && original.eq_ignore_ascii_case(&c)));
            let mut bytes = payload.into_bytes();
            bytes[i] = c;
            let corrupted = String::from_utf8(bytes).unwrap();
            prop_assert!(VietQr::decode(&corrupted).is_err(), "{}", corrupted);
        }
    }
}
