//! Vietnamese order, as school registers and dictionaries use it: people by
//! given name (the last word), then family name (the first), then middle names;
//! letters in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q
//! r s t u ư v x y), tones only breaking ties (ngang, huyền, hỏi, ngã, sắc,
//! nặng). Sorting by code point put Âu, Đinh and Đỗ after Yến.

use std::cmp::Ordering;

/// Each vowel with its five tone marks, in dictionary tone order.
const VOWELS: [(char, &str); 12] = [
    ('a', "aàảãáạ"),
    ('ă', "ăằẳẵắặ"),
    ('â', "âầẩẫấậ"),
    ('e', "eèẻẽéẹ"),
    ('ê', "êềểễếệ"),
    ('i', "iìỉĩíị"),
    ('o', "oòỏõóọ"),
    ('ô', "ôồổỗốộ"),
    ('ơ', "ơờởỡớợ"),
    ('u', "uùủũúụ"),
    ('ư', "ưừửữứự"),
    ('y', "yỳỷỹýỵ"),
];

/// The alphabet, with the Latin letters Vietnamese lacks (f j w z) where Latin has them.
const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";

/// A letter's place and tone: `ố` → (place of `ô`, sắc). Digits come before
/// letters; anything else after, by code point.
fn letter(c: char) -> (u32, u8) {
    let c = c.to_lowercase().next().unwrap_or(c);
    let (base, tone) = VOWELS
        .iter()
        .find_map(|(base, forms)| {
            forms
                .chars()
                .position(|f| f == c)
                .map(|tone| (*base, tone as u8))
        })
        .unwrap_or((c, 0));
    if let Some(d) = base.to_digit(10) {
        return (d, tone);
    }
    match ALPHABET.chars().position(|a| a == base) {
        Some(i) => (100 + i as u32, tone),
        None => (1000 + base as u32, tone),
    }
}

/// A word's letters and its tones, compared letters first.
fn word_key(word: &str) -> (Vec<u32>, Vec<u8>) {
    word.chars().map(letter).unzip()
}

/// Text (a class or school name) in Vietnamese order, tones breaking ties.
pub fn text_cmp(a: &str, b: &str) -> Ordering {
    let (la, ta) = word_key(a);
    let (lb, tb) = word_key(b);
    la.cmp(&lb).then(ta.cmp(&tb)).then_with(|| a.cmp(b))
}

/// People's full names as registers order them: given name, family name,
/// middle names, each word whole (Anh, then Ánh) before the next is looked at.
pub fn name_cmp(a: &str, b: &str) -> Ordering {
    name_words(a).cmp(&name_words(b)).then_with(|| a.cmp(b))
}

/// The words of a name in the order they sort: given, family, middle…
fn name_words(name: &str) -> Vec<(Vec<u32>, Vec<u8>)> {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => Vec::new(),
        [only] => vec![word_key(only)],
        [family, middle @ .., given] => std::iter::once(given)
            .chain(std::iter::once(family))
            .chain(middle)
            .map(|w| word_key(w))
            .collect(),
    }
}

/// Classes as schools list them: by the grade number in front (2A before 10A),
/// then by name.
pub fn class_cmp(a: &str, b: &str) -> Ordering {
    let grade = |s: &str| -> Option<u32> {
        let digits: String = s.trim().chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    match (grade(a), grade(b)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => text_cmp(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str], cmp: fn(&str, &str) -> Ordering) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| cmp(a, b));
        v
    }

    #[test]
    fn people_sort_by_given_name_then_family_then_middle() {
        let names = [
            "Trần Thị Yến",
            "Đỗ Minh Đức",
            "Nguyễn Văn An",
            "Lê Thị Âu",
            "Phạm Anh",
            "Đinh Văn Dũng",
            "Bùi Thị Ánh",
            "Nguyễn Thị Ăn",
            "Vũ Đình An",
            "Đỗ Thị Bình",
        ];
        assert_eq!(
            sorted(&names, name_cmp),
            [
                "Nguyễn Văn An",
                "Vũ Đình An",
                "Phạm Anh",
                "Bùi Thị Ánh",
                "Nguyễn Thị Ăn",
                "Lê Thị Âu",
                "Đỗ Thị Bình",
                "Đinh Văn Dũng",
                "Đỗ Minh Đức",
                "Trần Thị Yến",
            ]
        );
    }

    #[test]
    fn the_alphabet_and_tones_are_vietnamese() {
        // Code-point order puts Đ and Â after Z; dictionaries put Đ after D, Â after Ă.
        assert_eq!(
            sorted(&["Đinh", "Dung", "Yến", "Âu", "Ăn", "An"], text_cmp),
            ["An", "Ăn", "Âu", "Dung", "Đinh", "Yến"]
        );
        // Tones: ngang, huyền, hỏi, ngã, sắc, nặng.
        assert_eq!(
            sorted(&["mạ", "má", "mã", "mả", "mà", "ma"], text_cmp),
            ["ma", "mà", "mả", "mã", "má", "mạ"]
        );
        // Letters first, tones only break ties: "mà" before "mb".
        assert_eq!(text_cmp("mà", "mb"), Ordering::Less);
        // Capitals sort with their small letters.
        assert_eq!(text_cmp("Đỗ", "đỗ"), Ordering::Less);
        assert_eq!(
            sorted(&["đinh", "Dung", "ĐINH", "dung"], text_cmp),
            ["Dung", "dung", "ĐINH", "đinh"]
        );
    }

    #[test]
    fn classes_sort_by_grade_number() {
        assert_eq!(
            sorted(
                &["10A", "2B", "2A", "1Đ", "1D", "Lá 1", "Chồi 2"],
                class_cmp
            ),
            ["1D", "1Đ", "2A", "2B", "10A", "Chồi 2", "Lá 1"]
        );
    }

    #[test]
    fn every_order_is_total() {
        use proptest::prelude::*;
        proptest!(|(a in "[a-zA-ZđĐăâêôơưàáảãạằắẳẵặ ]{0,12}", b in "[a-zA-ZđĐăâêôơưàáảãạằắẳẵặ ]{0,12}")| {
            prop_assert_eq!(name_cmp(&a, &b), name_cmp(&b, &a).reverse());
            prop_assert_eq!(text_cmp(&a, &b), text_cmp(&b, &a).reverse());
            prop_assert_eq!(name_cmp(&a, &b) == Ordering::Equal, a == b);
        });
    }
}
