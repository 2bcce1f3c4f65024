//! Invoice codes: the one identifier that travels in bank memos.
//!
//! Banks mangle memos (prefixes, suffixes, upper case, dropped or merged spaces,
//! stripped diacritics), and people read codes aloud and type them. So a code is:
//! - written from an alphabet of 31 characters without look-alikes (no 0/O, 1/I/L);
//! - 7 random characters plus 1 check character (31^7 ≈ 27.5 billion codes), which
//!   catches every single wrong character and every swap of two neighbours;
//! - marked in memos by the prefix `HP`, so a scanner finds it whatever the bank
//!   puts around it, with or without spaces.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Marks an invoice code in a transfer memo: `HP K7Q2M9XA`.
pub const MEMO_PREFIX: &str = "HP";
const PAYLOAD_LEN: usize = 7;
pub const CODE_LEN: usize = PAYLOAD_LEN + 1;
const BASE: u64 = ALPHABET.len() as u64;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InvoiceCode(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceCodeError {
    #[error("an invoice code has {CODE_LEN} characters, this one has {0}")]
    WrongLength(usize),
    #[error("'{0}' is not used in invoice codes")]
    BadCharacter(char),
    #[error("the check character does not match: a character is mistyped")]
    CheckFailed,
}

fn value_of(c: u8) -> Option<u64> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u64)
}

/// The check value making Σ weight·value ≡ 0 (mod 31), with weights 2..=8 on the
/// payload and 1 on the check character. 31 is prime and the weights are distinct
/// and non-zero, hence the single-error and transposition guarantees.
fn check_value(payload: &[u8]) -> u64 {
    let sum: u64 = payload
        .iter()
        .enumerate()
        .map(|(i, &c)| (i as u64 + 2) * value_of(c).expect("payload in alphabet"))
        .sum();
    (BASE - sum % BASE) % BASE
}

impl InvoiceCode {
    /// The code for a number (taken modulo 31^7): callers pass a random number and
    /// retry on the rare collision with an existing code.
    pub fn from_number(n: u64) -> Self {
        let mut n = n % BASE.pow(PAYLOAD_LEN as u32);
        let mut payload = [0u8; PAYLOAD_LEN];
        for slot in payload.iter_mut().rev() {
            *slot = ALPHABET[(n % BASE) as usize];
            n /= BASE;
        }
        let check = ALPHABET[check_value(&payload) as usize];
        let mut code = String::from_utf8(payload.to_vec()).expect("ascii");
        code.push(check as char);
        InvoiceCode(code)
    }

    /// Reads a code as a person might type it: any case, spaces or dashes, with or
    /// without the `HP` prefix.
    pub fn parse(text: &str) -> Result<Self, InvoiceCodeError> {
        let mut cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '.')
            .flat_map(char::to_uppercase)
            .collect();
        if cleaned.len() == CODE_LEN + MEMO_PREFIX.len() && cleaned.starts_with(MEMO_PREFIX) {
            cleaned.drain(..MEMO_PREFIX.len());
        }
        let count = cleaned.chars().count();
        if count != CODE_LEN {
            return Err(InvoiceCodeError::WrongLength(count));
        }
        if let Some(bad) = cleaned
            .chars()
            .find(|c| !c.is_ascii() || value_of(*c as u8).is_none())
        {
            return Err(InvoiceCodeError::BadCharacter(bad));
        }
        let bytes = cleaned.as_bytes();
        if value_of(bytes[PAYLOAD_LEN]) != Some(check_value(&bytes[..PAYLOAD_LEN])) {
            return Err(InvoiceCodeError::CheckFailed);
        }
        Ok(InvoiceCode(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How the code appears in a transfer memo: `HP K7Q2M9XA`.
    pub fn memo_form(&self) -> String {
        format!("{MEMO_PREFIX} {}", self.0)
    }

    /// Every valid code marked with `HP` in a memo, however the bank mangled it:
    /// `MBVCB.1234567.HP K7Q2M9XA.CT tu 0011`, `IBFT HPK7Q2M9XA`, `hp k7q2m9xa nop tien`.
    /// Separators are ignored, so a code split or joined by spaces is still found.
    pub fn find_in_memo(memo: &str) -> Vec<InvoiceCode> {
        let squeezed: Vec<u8> = super::memo::fold_to_ascii(memo)
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_uppercase())
            .collect();
        let prefix = MEMO_PREFIX.as_bytes();
        let mut found: Vec<InvoiceCode> = Vec::new();
        for start in 0..squeezed.len() {
            let body_start = start + prefix.len();
            if squeezed[start..].starts_with(prefix) && body_start + CODE_LEN <= squeezed.len() {
                let candidate = std::str::from_utf8(&squeezed[body_start..body_start + CODE_LEN])
                    .expect("ascii");
                if let Ok(code) = InvoiceCode::parse(candidate) {
                    if !found.contains(&code) {
                        found.push(code);
                    }
                }
            }
        }
        found
    }

    /// Every code a memo carries: those marked `HP` first, then any typed bare
    /// (each a candidate only; see [`InvoiceCode::find_bare_in_memo`]). The one
    /// reading of memos for matching, suggestions and a parent's page. A family
    /// paying for two children writes "HP EQTHAK72 TQ2YCUBV": the second code,
    /// unmarked, was left out, and its money went to the first child as a credit.
    pub fn codes_in_memo(memo: &str) -> Vec<InvoiceCode> {
        let mut codes = InvoiceCode::find_in_memo(memo);
        for bare in InvoiceCode::find_bare_in_memo(memo) {
            if !codes.contains(&bare) {
                codes.push(bare);
            }
        }
        codes
    }

    /// Codes a parent typed without the `HP` mark: a word of 8 characters, or two
    /// neighbouring words that make 8 together (a code split by one space), in any
    /// case. These are only candidates: one word in 31 made of the code's letters
    /// passes the check character, so a caller takes a candidate only where it is
    /// the code of an invoice of the school that received the money — one in about
    /// 27 billion for a made-up word, against the school's few thousand codes.
    pub fn find_bare_in_memo(memo: &str) -> Vec<InvoiceCode> {
        let folded = super::memo::fold_to_ascii(memo).to_ascii_uppercase();
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut found: Vec<InvoiceCode> = Vec::new();
        let mut take = |candidate: &str| {
            if let Ok(code) = InvoiceCode::parse(candidate) {
                if !found.contains(&code) {
                    found.push(code);
                }
            }
        };
        for (i, word) in words.iter().enumerate() {
            if word.len() == CODE_LEN {
                take(word);
            }
            if let Some(next) = words.get(i + 1) {
                if word.len() + next.len() == CODE_LEN {
                    take(&format!("{word}{next}"));
                }
            }
        }
        found
    }
}

impl fmt::Display for InvoiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for InvoiceCode {
    type Error = InvoiceCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        InvoiceCode::parse(&value)
    }
}

impl From<InvoiceCode> for String {
    fn from(code: InvoiceCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn alphabet_has_no_look_alikes() {
        for c in b"01OIL" {
            assert!(!ALPHABET.contains(c), "{}", *c as char);
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 31);
    }

    #[test]
    fn parses_what_people_type() {
        let code = InvoiceCode::from_number(123_456_789);
        let s = code.as_str().to_string();
        assert_eq!(InvoiceCode::parse(&s.to_lowercase()), Ok(code.clone()));
        assert_eq!(InvoiceCode::parse(&format!("hp {}", &s)), Ok(code.clone()));
        assert_eq!(
            InvoiceCode::parse(&format!("{}-{}", &s[..4], &s[4..])),
            Ok(code.clone())
        );
        assert_eq!(
            InvoiceCode::parse("ABC"),
            Err(InvoiceCodeError::WrongLength(3))
        );
        assert_eq!(
            InvoiceCode::parse("K7Q2M9X0"),
            Err(InvoiceCodeError::BadCharacter('0'))
        );
    }

    #[test]
    fn finds_codes_in_mangled_memos() {
        let code = InvoiceCode::from_number(987_654_321);
        let c = code.as_str();
        let memos = [
            format!("MBVCB.1234567.HP {c}.CT tu 0011002345678 NGUYEN VAN A"),
            format!("IBFT HP{c}"),
            format!("hp {} nop tien an", c.to_lowercase()),
            format!("HP {} {}", &c[..3], &c[3..]),
            format!("TRAN THI B chuyen tien HP{c}NOP HOC PHI"),
            format!("Nộp tiền HP {c} cho con"),
        ];
        for memo in &memos {
            assert_eq!(
                InvoiceCode::find_in_memo(memo),
                vec![code.clone()],
                "{memo}"
            );
        }
        assert!(InvoiceCode::find_in_memo("chuyen tien hoc phi thang 11").is_empty());
        // Cut short by the bank: nothing is guessed.
        assert!(InvoiceCode::find_in_memo(&format!("HP {}", &c[..6])).is_empty());
    }

    #[test]
    fn finds_codes_typed_without_the_mark() {
        let code = InvoiceCode::from_number(987_654_321);
        let c = code.as_str();
        for memo in [
            format!("chuyen tien {c} lop 3A"),
            c.to_lowercase(),
            format!("NOP HOC PHI {} {}", &c[..4], &c[4..]),
            format!("nop {}.{}", &c[..3].to_lowercase(), &c[3..]),
        ] {
            assert_eq!(
                InvoiceCode::find_bare_in_memo(&memo),
                vec![code.clone()],
                "{memo}"
            );
        }
        // Not a code: too short, a mistyped character, split in three.
        assert!(InvoiceCode::find_bare_in_memo(&c[..7]).is_empty());
        assert!(
            InvoiceCode::find_bare_in_memo(&format!("{} {} {}", &c[..2], &c[2..5], &c[5..]))
                .is_empty()
        );
        let mut typo = c.as_bytes().to_vec();
        typo[3] = if typo[3] == b'A' { b'B' } else { b'A' };
        assert!(InvoiceCode::find_bare_in_memo(std::str::from_utf8(&typo).unwrap()).is_empty());
    }

    #[test]
    fn finds_several_codes() {
        let a = InvoiceCode::from_number(1);
        let b = InvoiceCode::from_number(2);
        assert_eq!(
            InvoiceCode::find_in_memo(&format!("HP {a} HP {b} HP {a}")),
            vec![a, b]
        );
    }

    proptest! {
        #[test]
        fn round_trips(n in any::<u64>()) {
            let code = InvoiceCode::from_number(n);
            prop_assert_eq!(code.as_str().len(), CODE_LEN);
            prop_assert_eq!(InvoiceCode::parse(code.as_str()), Ok(code.clone()));
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<InvoiceCode>(&json).unwrap(), code);
        }

        #[test]
        fn every_single_substitution_is_caught(n in any::<u64>(), pos in 0usize..CODE_LEN, k in 1usize..31) {
            let code = InvoiceCode::from_number(n);
            let mut bytes = code.as_str().as_bytes().to_vec();
            let old = ALPHABET.iter().position(|&a| a == bytes[pos]).unwrap();
            bytes[pos] = ALPHABET[(old + k) % 31];
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(InvoiceCode::parse(&typo), Err(InvoiceCodeError::CheckFailed));
        }

        #[test]
        fn every_neighbour_swap_is_caught(n in any::<u64>(), pos in 0usize..CODE_LEN - 1) {
            let code = InvoiceCode::from_number(n);
            let mut bytes = code.as_str().as_bytes().to_vec();
            prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(InvoiceCode::parse(&typo), Err(InvoiceCodeError::CheckFailed));
        }
    }
}
