//! Transfer memos (VietQR tag 62.08, "nội dung chuyển khoản").
//!
//! Banks accept only plain ASCII in memos, and many cut them at 25 characters, so a
//! memo is folded to ASCII (Vietnamese diacritics removed, đ → d), restricted to
//! letters, digits and spaces, and capped. A child's name never goes into a memo:
//! the invoice code identifies everything.

/// The longest memo the VietQR spec allows in 62.08 and most banks keep intact.
pub const MAX_MEMO_CHARS: usize = 25;

const FOLDS: &[(char, &str)] = &[
    ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
    ('A', "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"),
    ('e', "èéẻẽẹêềếểễệ"),
    ('E', "ÈÉẺẼẸÊỀẾỂỄỆ"),
    ('i', "ìíỉĩị"),
    ('I', "ÌÍỈĨỊ"),
    ('o', "òóỏõọôồốổỗộơờớởỡợ"),
    ('O', "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"),
    ('u', "ùúủũụưừứửữự"),
    ('U', "ÙÚỦŨỤƯỪỨỬỮỰ"),
    ('y', "ỳýỷỹỵ"),
    ('Y', "ỲÝỶỸỴ"),
    ('d', "đ"),
    ('D', "Đ"),
];

/// One character folded to ASCII: `Some(base letter)`, the character itself when it
/// is already ASCII, `None` for combining marks and anything else.
fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    FOLDS
        .iter()
        .find(|(_, accented)| accented.contains(c))
        .map(|(base, _)| *base)
}

/// Vietnamese text to ASCII: "Nguyễn Thị Đào" → "Nguyen Thi Dao". Combining
/// diacritics (decomposed input) are dropped; other non-ASCII characters too.
pub fn fold_to_ascii(text: &str) -> String {
    text.chars().filter_map(fold_char).collect()
}

/// A memo safe for every bank: ASCII letters, digits and single spaces, at most
/// [`MAX_MEMO_CHARS`] characters, cut at a word boundary when possible.
pub fn safe_memo(text: &str) -> String {
    let folded: String = fold_to_ascii(text)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    let mut memo = String::new();
    for word in words {
        let extra = if memo.is_empty() { 0 } else { 1 };
        if memo.len() + extra + word.len() > MAX_MEMO_CHARS {
            if memo.is_empty() {
                memo.push_str(&word[..MAX_MEMO_CHARS]);
            }
            break;
        }
        if extra == 1 {
            memo.push(' ');
        }
        memo.push_str(word);
    }
    memo
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_diacritics_and_maps_d() {
        assert_eq!(fold_to_ascii("Nguyễn Thị Đào"), "Nguyen Thi Dao");
        assert_eq!(
            fold_to_ascii("đóng tiền ăn bán trú"),
            "dong tien an ban tru"
        );
        assert_eq!(
            fold_to_ascii("ẮẰẲẴẶ ỨỪỬỮỰ ỚỜỞỠỢ ỲÝỶỸỴ"),
            "AAAAA UUUUU OOOOO YYYYY"
        );
        // Decomposed input (base letter + combining marks) folds the same way.
        assert_eq!(fold_to_ascii("Nguye\u{302}\u{303}n"), "Nguyen");
    }

    #[test]
    fn memo_is_plain_and_capped() {
        assert_eq!(
            safe_memo("HP K7Q2M9XA Thu T11/2026"),
            "HP K7Q2M9XA Thu T11 2026"
        );
        assert_eq!(safe_memo("  Học phí   tháng 11!! "), "Hoc phi thang 11");
        let long = safe_memo("HP K7Q2M9XA nop tien an ban tru thang muoi mot");
        assert!(long.len() <= MAX_MEMO_CHARS, "{long}");
        assert_eq!(long, "HP K7Q2M9XA nop tien an");
        // A single overlong word is cut rather than dropped.
        assert_eq!(safe_memo(&"X".repeat(40)).len(), MAX_MEMO_CHARS);
        assert_eq!(safe_memo("漢字 ©"), "");
    }

    proptest! {
        #[test]
        fn memo_always_within_rules(s in "\\PC{0,80}") {
            let m = safe_memo(&s);
            prop_assert!(m.len() <= MAX_MEMO_CHARS);
            prop_assert!(m.chars().all(|c| c.is_ascii_alphanumeric() || c == ' '));
            prop_assert!(!m.starts_with(' ') && !m.ends_with(' ') && !m.contains("  "));
        }
    }
}
