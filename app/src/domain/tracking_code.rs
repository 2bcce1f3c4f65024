//! A complaint's tracking code, `KN-XXXXX-XXXXX`, read the way parents type or
//! paste it (any case, spaces, no dashes) and told apart:
//! a code that cannot be one is said so at once, not searched for.

use crate::domain::invoice_code::ALPHABET;

/// Characters after `KN`.
pub const BODY_LEN: usize = 10;
/// Longer than any way of typing a code (`#KN - ABCDE - 23456` with spaces):
/// refused before it is copied, whatever the request carried.
const MAX_TYPED: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackingCodeError {
    Empty,
    /// Not starting with KN: another code pasted (an invoice's, a bank reference).
    NotKn,
    /// KN, then not 10 letters and digits: `count` of them.
    WrongLength {
        count: usize,
    },
    /// A character no code has.
    BadCharacter(char),
}

/// The code in its one written form, `KN-ABCDE-23456`.
pub fn tidy(typed: &str) -> Result<String, TrackingCodeError> {
    if typed.len() > MAX_TYPED {
        return Err(TrackingCodeError::WrongLength {
            count: typed.chars().filter(char::is_ascii_alphanumeric).count(),
        });
    }
    let plain: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.' | '\u{a0}' | '\t' | '#'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if plain.is_empty() {
        return Err(TrackingCodeError::Empty);
    }
    let body = plain.strip_prefix("KN").ok_or(TrackingCodeError::NotKn)?;
    // Codes leave out look-alikes (0 O 1 I L): one of them was misread.
    if let Some(bad) = body
        .chars()
        .find(|c| !c.is_ascii() || !ALPHABET.contains(&(*c as u8)))
    {
        return Err(TrackingCodeError::BadCharacter(bad));
    }
    if body.len() != BODY_LEN {
        return Err(TrackingCodeError::WrongLength { count: body.len() });
    }
    Ok(format!("KN-{}-{}", &body[..5], &body[5..]))
}

/// The part of a tidy code that is secret (hashed for storage).
pub fn body(tidy_code: &str) -> String {
    tidy_code.chars().filter(|c| *c != '-').skip(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_forms_are_tidied() {
        assert_eq!(tidy("kn22222 22222"), Ok("KN-22222-22222".into()));
        assert_eq!(tidy(" KN-ABCDE-FGHJK "), Ok("KN-ABCDE-FGHJK".into()));
        assert_eq!(tidy("#kn.abcde.fghjk"), Ok("KN-ABCDE-FGHJK".into()));
        assert_eq!(body("KN-ABCDE-FGHJK"), "ABCDEFGHJK");
    }

    #[test]
    fn malformed_codes_say_what_is_wrong() {
        assert_eq!(tidy(""), Err(TrackingCodeError::Empty));
        assert_eq!(tidy("HP K7Q2M9X"), Err(TrackingCodeError::NotKn));
        assert_eq!(
            tidy("KN-ABCDE"),
            Err(TrackingCodeError::WrongLength { count: 5 })
        );
        assert_eq!(
            tidy("KN-ABCDE-FGHJK2"),
            Err(TrackingCodeError::WrongLength { count: 11 })
        );
        // Codes leave out look-alikes.
        assert_eq!(
            tidy("KN-ABCDE-FGHJO"),
            Err(TrackingCodeError::BadCharacter('O'))
        );
        assert_eq!(
            tidy("KN-ABCDÉ-FGHJK"),
            Err(TrackingCodeError::BadCharacter('É'))
        );
        // Past 64 bytes nothing is copied: a megabyte, and even a real code
        // drowned in spaces, is refused by its length alone.
        let huge = format!("KN{}", "A".repeat(1_000_000));
        assert!(matches!(
            tidy(&huge),
            Err(TrackingCodeError::WrongLength { .. })
        ));
        let padded = format!("KN-22222-22222{}", " ".repeat(60));
        assert_eq!(
            tidy(&padded),
            Err(TrackingCodeError::WrongLength { count: 12 })
        );
    }
}
