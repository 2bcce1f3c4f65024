//! Search boxes as Vietnamese readers expect them, one rule for every list.
//!
//! - Case never matters.
//! - A word typed without marks finds every spelling ("yen" finds Yến and Yên),
//!   as people type on a phone keyboard without Telex; a word typed with marks
//!   finds only those marks ("Yến" does not find Yên).
//! - A word of letters must begin a word of the record: "yen" does not find
//!   every Nguyễn, "an" does not find Lan or Toàn. A word with a digit in it is a
//!   code, a number or a reference and is found anywhere ("0205" finds HP26E-0000205).
//! - Every word typed must be found: "mai 3a" is Mai in 3A.

use super::memo::fold_to_ascii;

/// What a person typed, ready to match records against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    words: Vec<Word>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    /// Lower case; folded to ASCII unless `marked`.
    text: String,
    /// Typed with marks (or đ): matched against the record's own spelling.
    marked: bool,
    /// Holds a digit: matched anywhere inside a word, not only at its start.
    anywhere: bool,
}

/// The words of a text: runs of letters and digits; punctuation and spaces
/// separate them ("HP26E-0000205" is two words, "3A" one).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

impl Query {
    pub fn new(typed: &str) -> Query {
        let lower = typed.to_lowercase();
        let words = words(&lower)
            .map(|w| {
                let folded = fold_to_ascii(w);
                let marked = folded != w;
                Word {
                    anywhere: w.chars().any(|c| c.is_ascii_digit()),
                    text: if marked { w.to_string() } else { folded },
                    marked,
                }
            })
            .collect();
        Query { words }
    }

    /// Nothing typed: every record matches.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether a record, given as its searchable texts joined, matches.
    pub fn matches(&self, record: &str) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let lower = record.to_lowercase();
        let folded = fold_to_ascii(&lower);
        self.words.iter().all(|w| {
            let hay = if w.marked { &lower } else { &folded };
            words(hay).any(|h| {
                if w.anywhere {
                    h.contains(&w.text)
                } else {
                    h.starts_with(&w.text)
                }
            })
        })
    }

    /// Whether any of a record's texts, taken together, match.
    pub fn matches_any(&self, texts: &[&str]) -> bool {
        self.is_empty() || self.matches(&texts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(typed: &str, record: &str) -> bool {
        Query::new(typed).matches(record)
    }

    #[test]
    fn a_name_is_found_by_the_start_of_its_words_with_or_without_marks() {
        assert!(finds("Yến", "Đặng Hải Yến"));
        assert!(finds("yen", "Đặng Hải Yến"));
        assert!(finds("YẾN", "Đặng Hải Yến"));
        assert!(finds("hai yen", "Đặng Hải Yến"));
        assert!(finds("dang", "Đặng Hải Yến"));
        assert!(finds("Đặng", "Đặng Hải Yến"));
        assert!(finds("ye", "Đặng Hải Yến"));
        // Not inside another word: "yen" is not every Nguyễn, "an" not Lan.
        assert!(!finds("yen", "Nguyễn Đức Hiếu"));
        assert!(!finds("Yến", "Nguyễn Đức Hiếu"));
        assert!(!finds("an", "Trần Thị Lan"));
        // Marks typed are marks meant.
        assert!(!finds("Yến", "Hoàng Văn Yên"));
        assert!(finds("yen", "Hoàng Văn Yên"));
        assert!(!finds("Đào", "Nguyễn Văn Dao"));
        // Every word must be found.
        assert!(finds("mai 3a", "3A Đỗ Thị Mai"));
        assert!(!finds("mai 3b", "3A Đỗ Thị Mai"));
    }

    #[test]
    fn codes_and_numbers_are_found_anywhere() {
        assert!(finds("0000205", "HP26E-0000205 Trần Minh Anh"));
        assert!(finds("0205", "HP26E-0000205"));
        assert!(finds("hp26e-0000205", "Biên lai HP26E-0000205"));
        assert!(finds("9v6gk", "9V6GK95N"));
        assert!(finds("2201000", "2201000107"));
        assert!(finds("150.000", "Nộp 150.000 đ"));
        assert!(!finds("0206", "HP26E-0000205"));
    }

    #[test]
    fn nothing_typed_finds_everything_and_punctuation_alone_is_nothing() {
        assert!(Query::new("").is_empty());
        assert!(Query::new("  - , ").is_empty());
        assert!(finds("", "anything"));
        assert!(Query::new("yen").matches_any(&["3A", "Đặng Hải Yến", "2201000116"]));
        assert!(!Query::new("yen 3b").matches_any(&["3A", "Đặng Hải Yến"]));
    }
}
