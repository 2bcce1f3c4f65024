//! Receipts: what a school signs, the exact bytes signed, and how anyone checks
//! them (the server, the parent's browser in wasm, offline too, or any Ed25519
//! library: the format is documented here and in the README).
//!
//! Canonical bytes: the receipt's content as JSON with object keys sorted by
//! their UTF-8 bytes, no whitespace, strings escaped only where JSON requires
//! (`"`, `\`, control characters), integers in decimal: Python's
//! `json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
//! produces the same bytes. The digest is SHA-256 of those bytes. The signature
//! is Ed25519 over `"hocphi-receipt-v1:" || digest` (32 raw bytes), so a link
//! carrying the digest and the signature can be checked with no content at all,
//! and the content checked against the digest whenever it is at hand.

use super::money::Vnd;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The receipt type, as printed (Decree 123/2020, Art. 32).
pub const RECEIPT_TYPE: &str = "Biên lai thu tiền";
/// Prefixes what is signed, so a receipt signature can never be reused elsewhere.
pub const SIGNING_CONTEXT: &[u8] = b"hocphi-receipt-v1:";
/// Prefixes a cancellation's signed bytes.
pub const CANCEL_CONTEXT: &[u8] = b"hocphi-receipt-cancel-v1:";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub label: String,
    pub amount: super::money::Vnd,
}

/// Everything a receipt says, and nothing else: this is what is signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptContent {
    pub format: u32,
    pub receipt_type: String,
    /// Mẫu số: the form the school registered for its receipts, or empty
    /// (then `series` is hocphi's own numbering, not a registration).
    pub form_number: String,
    /// Ký hiệu: the school's registered series, or hocphi's (the year).
    pub series: String,
    /// 7 digits, restarting at 0000001 every 1 January.
    pub number: String,
    pub school: String,
    pub school_tax_code: String,
    /// The school's address in hocphi: where its public keys are published.
    pub school_slug: String,
    pub payer: String,
    pub student: String,
    pub class: String,
    pub invoice_code: String,
    /// The invoice's period, `2026-11`.
    pub period: String,
    pub items: Vec<Item>,
    pub total: super::money::Vnd,
    pub total_in_words: String,
    /// bank_transfer, gateway, mobile_money, card, cash.
    pub method: String,
    pub reference: String,
    /// When the money arrived, Unix seconds.
    pub paid_at: i64,
    /// When the receipt was issued, Unix seconds.
    pub issued_at: i64,
    pub collector: String,
    /// The receipt this one replaces (`series number`), if any.
    pub replaces: Option<String>,
}

/// The form code hocphi printed on every receipt before a school could enter
/// its own: it looked like a registration the school never made, so receipts
/// carrying it are shown as hocphi-numbered.
pub const LEGACY_INTERNAL_FORM: &str = "01BLTT";

impl ReceiptContent {
    pub fn total(&self) -> Vnd {
        self.total
    }

    /// The form code and series the school registered, if this receipt carries them.
    pub fn registered_numbering(&self) -> Option<(&str, &str)> {
        (!self.form_number.trim().is_empty() && self.form_number != LEGACY_INTERNAL_FORM)
            .then_some((self.form_number.as_str(), self.series.as_str()))
    }

    /// The numbering line under the title: form, series and number when the
    /// school registered them; otherwise the plain number and whose it is.
    pub fn numbering_line(&self, t: fn(&'static str, &'static str) -> &'static str) -> String {
        match self.registered_numbering() {
            Some((form, series)) => format!(
                "{} {form} · {} {series} · {} {}",
                t("Mẫu số:", "Form:"),
                t("Ký hiệu:", "Series:"),
                t("Số:", "No.:"),
                self.number
            ),
            None => format!(
                "{} {} {}",
                t("Số biên lai:", "Receipt no.:"),
                self.label(),
                t(
                    "(số của hocphi, không phải ký hiệu đăng ký với cơ quan thuế)",
                    "(hocphi's numbering, not a series registered with the tax office)"
                )
            ),
        }
    }

    /// `HP26E-0000001`: how people quote a receipt.
    pub fn label(&self) -> String {
        format!("{}-{}", self.series, self.number)
    }
}

/// A receipt's label from its stored series and number (`HP26E-0000001`),
/// as the signed content writes it ([`ReceiptContent::label`]).
pub fn label_of(series: &str, number: i64) -> String {
    format!("{series}-{number:07}")
}

/// JSON with sorted keys and no whitespace (see the module documentation).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*key).clone()).to_string());
                out.push(':');
                write_canonical(&map[*key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        // Strings, integers, booleans and null: serde_json writes them as Python does.
        other => out.push_str(&other.to_string()),
    }
}

pub fn canonical_bytes(content: &ReceiptContent) -> Vec<u8> {
    let value = serde_json::to_value(content).expect("a receipt is plain data");
    canonical_json(&value).into_bytes()
}

pub fn digest(canonical: &[u8]) -> [u8; 32] {
    Sha256::digest(canonical).into()
}

/// What is signed for a receipt with this digest.
pub fn signed_message(digest: &[u8; 32]) -> Vec<u8> {
    [SIGNING_CONTEXT, digest.as_slice()].concat()
}

/// What is signed when a receipt is cancelled.
pub fn cancel_message(digest: &[u8; 32], cancelled_at: i64, reason: &str) -> Vec<u8> {
    [
        CANCEL_CONTEXT,
        digest.as_slice(),
        format!(":{cancelled_at}:{reason}").as_bytes(),
    ]
    .concat()
}

pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

pub fn from_b64(text: &str) -> Option<Vec<u8>> {
    B64.decode(text.trim()).ok()
}

/// A key's id: the first 16 hex digits of SHA-256 of the raw public key.
pub fn key_id(public_key: &[u8; 32]) -> String {
    crate::domain::hex::encode(&Sha256::digest(public_key)[..8])
}

/// What a verification link carries after `#`: `<key id>.<digest>.<signature>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub key_id: String,
    pub digest: [u8; 32],
    pub signature: [u8; 64],
}

impl Proof {
    pub fn to_fragment(&self) -> String {
        format!(
            "{}.{}.{}",
            self.key_id,
            b64(&self.digest),
            b64(&self.signature)
        )
    }

    pub fn parse(fragment: &str) -> Option<Proof> {
        let mut parts = fragment.trim_start_matches('#').split('.');
        let (key_id, digest, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || key_id.len() != 16 {
            return None;
        }
        Some(Proof {
            key_id: key_id.to_string(),
            digest: from_b64(digest)?.try_into().ok()?,
            signature: from_b64(signature)?.try_into().ok()?,
        })
    }
}

/// What a check found, item by item, so the page can say what was checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The key named is one of the school's published keys.
    pub key_known: bool,
    /// The school's key signed this digest.
    pub signature_valid: bool,
    /// The receipt's content hashes to that digest (`None`: content not at hand).
    pub content_matches: Option<bool>,
    /// The school cancelled it (with a valid cancellation signature).
    pub cancelled: bool,
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        self.key_known
            && self.signature_valid
            && self.content_matches != Some(false)
            && !self.cancelled
    }
}

/// Checks a proof against the school's published keys `(key id, public key)`,
/// and the content when it is at hand.
pub fn verify(
    proof: &Proof,
    keys: &[(String, [u8; 32])],
    content: Option<&ReceiptContent>,
) -> Verdict {
    let key = keys
        .iter()
        .find(|(id, _)| *id == proof.key_id)
        .and_then(|(_, k)| VerifyingKey::from_bytes(k).ok());
    let signature_valid = key.as_ref().is_some_and(|k| {
        k.verify(
            &signed_message(&proof.digest),
            &Signature::from_bytes(&proof.signature),
        )
        .is_ok()
    });
    Verdict {
        key_known: key.is_some(),
        signature_valid,
        content_matches: content.map(|c| digest(&canonical_bytes(c)) == proof.digest),
        cancelled: false,
    }
}

/// Checks a cancellation's signature with the key that signed the receipt.
pub fn verify_cancellation(
    proof: &Proof,
    keys: &[(String, [u8; 32])],
    cancelled_at: i64,
    reason: &str,
    signature: &[u8; 64],
) -> bool {
    keys.iter()
        .find(|(id, _)| *id == proof.key_id)
        .and_then(|(_, k)| VerifyingKey::from_bytes(k).ok())
        .is_some_and(|k| {
            k.verify(
                &cancel_message(&proof.digest, cancelled_at, reason),
                &Signature::from_bytes(signature),
            )
            .is_ok()
        })
}

/// How a receipt's payment was made, in words (`t` picks the language: the
/// parent's app, the staff's app and the PDF share these texts).
pub fn method_label(
    t: fn(&'static str, &'static str) -> &'static str,
    method: &str,
) -> &'static str {
    match method {
        "bank_transfer" => t("Chuyển khoản ngân hàng", "Bank transfer"),
        "gateway" => t("Thanh toán qua cổng", "Online payment gateway"),
        "mobile_money" => t("Ví điện tử / Mobile Money", "Mobile Money"),
        "card" => t("Thẻ (POS)", "Card (POS)"),
        "cash" => t("Tiền mặt", "Cash"),
        _ => t("Khác", "Other"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn vi(a: &'static str, _: &'static str) -> &'static str {
        a
    }

    #[test]
    fn only_a_school_s_registered_form_and_series_are_printed_as_such() {
        let mut c = sample();
        // The code hocphi used to print on every receipt is not the school's.
        assert_eq!(c.registered_numbering(), None);
        assert_eq!(
            c.numbering_line(vi),
            "Số biên lai: HP26E-0000001 (số của hocphi, không phải ký hiệu đăng ký với cơ quan thuế)"
        );
        c.form_number = String::new();
        c.series = "2026".into();
        assert_eq!(c.registered_numbering(), None);
        assert!(c
            .numbering_line(vi)
            .starts_with("Số biên lai: 2026-0000001 ("));
        c.form_number = "01BLP0-001".into();
        c.series = "AA/26E".into();
        assert_eq!(c.registered_numbering(), Some(("01BLP0-001", "AA/26E")));
        assert_eq!(
            c.numbering_line(vi),
            "Mẫu số: 01BLP0-001 · Ký hiệu: AA/26E · Số: 0000001"
        );
    }

    pub fn sample() -> ReceiptContent {
        ReceiptContent {
            format: 1,
            receipt_type: RECEIPT_TYPE.into(),
            form_number: "01BLTT".into(),
            series: "HP26E".into(),
            number: "0000001".into(),
            school: "Trường Tiểu học Hạ Long".into(),
            school_tax_code: "5700123456".into(),
            school_slug: "th-ha-long".into(),
            payer: "NGUYEN VAN HUNG".into(),
            student: "Nguyễn Minh An".into(),
            class: "3A".into(),
            invoice_code: "K7Q2M9XF".into(),
            period: "2026-11".into(),
            items: vec![
                Item {
                    label: "Tiền ăn bán trú".into(),
                    amount: crate::domain::money::Vnd::new(700_000),
                },
                Item {
                    label: "Nước uống \"tinh khiết\"".into(),
                    amount: crate::domain::money::Vnd::new(280_000),
                },
            ],
            total: crate::domain::money::Vnd::new(980_000),
            total_in_words: "Chín trăm tám mươi nghìn đồng".into(),
            method: "bank_transfer".into(),
            reference: "FT26330123456".into(),
            paid_at: 1_795_650_000,
            issued_at: 1_795_650_001,
            collector: "Lê Thị Hồng".into(),
            replaces: None,
        }
    }

    fn sign(key: &SigningKey, content: &ReceiptContent) -> Proof {
        let digest = digest(&canonical_bytes(content));
        Proof {
            key_id: key_id(&key.verifying_key().to_bytes()),
            digest,
            signature: key.sign(&signed_message(&digest)).to_bytes(),
        }
    }

    #[test]
    fn canonical_json_sorts_keys_and_keeps_utf8() {
        let bytes = String::from_utf8(canonical_bytes(&sample())).unwrap();
        assert!(
            bytes.starts_with("{\"class\":\"3A\",\"collector\":\"Lê Thị Hồng\",\"form_number\"")
        );
        assert!(bytes.contains("\"items\":[{\"amount\":700000,\"label\":\"Tiền ăn bán trú\"}"));
        assert!(bytes.contains("Nước uống \\\"tinh khiết\\\""));
        assert!(bytes.contains("\"replaces\":null"));
        assert!(!bytes.contains(' ') || bytes.contains("Trường Tiểu"));
        assert!(!bytes.contains(", ") && !bytes.contains(": "));
    }

    #[test]
    fn a_signed_receipt_verifies_and_any_change_does_not() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let keys = vec![(
            key_id(&key.verifying_key().to_bytes()),
            key.verifying_key().to_bytes(),
        )];
        let content = sample();
        let proof = sign(&key, &content);
        let verdict = verify(&proof, &keys, Some(&content));
        assert!(verdict.is_valid(), "{verdict:?}");
        assert_eq!(Proof::parse(&proof.to_fragment()), Some(proof.clone()));

        // Every field changed, one at a time, breaks the content check.
        let mut json = serde_json::to_value(&content).unwrap();
        for field in json
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
        {
            let mut changed = json.clone();
            changed[&field] = match &json[&field] {
                Value::String(s) => Value::String(format!("{s}x")),
                Value::Number(n) => Value::from(n.as_i64().unwrap() + 1),
                Value::Array(_) => Value::Array(vec![]),
                _ => Value::String("x".into()),
            };
            let tampered: ReceiptContent = serde_json::from_value(changed).unwrap();
            let verdict = verify(&proof, &keys, Some(&tampered));
            assert!(!verdict.is_valid(), "{field}");
            assert_eq!(verdict.content_matches, Some(false), "{field}");
        }
        json = serde_json::to_value(&content).unwrap();
        assert_eq!(
            serde_json::from_value::<ReceiptContent>(json).unwrap(),
            content
        );

        // A flipped bit in the signature or the digest, or another key, fails.
        let mut bad = proof.clone();
        bad.signature[10] ^= 1;
        assert!(!verify(&bad, &keys, None).signature_valid);
        let mut bad = proof.clone();
        bad.digest[0] ^= 1;
        assert!(!verify(&bad, &keys, None).signature_valid);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let other_keys = vec![(proof.key_id.clone(), other.verifying_key().to_bytes())];
        assert!(!verify(&proof, &other_keys, None).signature_valid);
        assert!(!verify(&proof, &[], None).key_known);
    }

    #[test]
    fn cancellations_are_signed_too() {
        let key = SigningKey::from_bytes(&[9u8; 32]);
        let keys = vec![(
            key_id(&key.verifying_key().to_bytes()),
            key.verifying_key().to_bytes(),
        )];
        let proof = sign(&key, &sample());
        let signature = key
            .sign(&cancel_message(
                &proof.digest,
                1_795_700_000,
                "sai tên người nộp",
            ))
            .to_bytes();
        assert!(verify_cancellation(
            &proof,
            &keys,
            1_795_700_000,
            "sai tên người nộp",
            &signature
        ));
        assert!(!verify_cancellation(
            &proof,
            &keys,
            1_795_700_000,
            "khác",
            &signature
        ));
    }
}
