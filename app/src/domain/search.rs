//! Search boxes as Vietnamese readers expect them, one rule for every list.
//!
//! - Case never matters.
//! - A word typed without marks finds every spelling ("yen" finds Yến and Yên),
//!   as people type on a phone keyboard without Telex; a word typed with marks
//!   finds only those marks ("Yến" does not find Yên).
//!   Both tone placements are one spelling: "hóa" finds "hoá", "Thúy" finds "Thuý".
//! - A word must begin a word of the record: "yen" does not find every Nguyễn,
//!   "an" does not find Lan or Toàn. Codes are the exception: a record's word with
//!   a digit in it (an invoice code, a reference) is searched anywhere inside, as
//!   is a typed word with a digit ("0205" finds HP26E-0000205, "kmnp" 9V6GKMNP).
//! - Thousands separators between digits are ignored: "150000" finds 150.000 đ.
//! - Every word typed must be found: "mai 3a" is Mai in 3A.
//! - Text in decomposed Unicode (base letter, then combining marks, as some
//!   keyboards and files write it) is compared without marks rather than missed.

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

/// A combining mark (U+0300–U+036F): part of the letter before it.
fn combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// The words of a text: runs of letters, digits and their combining marks;
/// punctuation and spaces separate them ("HP26E-0000205" is two words, "3A" one).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || combining(c)))
        .filter(|w| !w.is_empty())
}

/// Lower case, thousands separators between digits dropped ("150.000" →
/// "150000"), and the old tone placement moved to the new one at a word's end
/// ("hóa" → "hoá", "thúy" → "thuý", "khỏe" → "khoẻ"), so both spellings meet.
fn normalise(text: &str) -> String {
    // (The text is lower-cased first.)
    const OLD: [(&str, char); 3] = [("òóỏõọ", 'a'), ("òóỏõọ", 'e'), ("ùúủũụ", 'y')];
    // The same tone on the second vowel, in the order of `OLD`'s marks.
    const NEW: [(char, &str); 3] = [('a', "àáảãạ"), ('e', "èéẻẽẹ"), ('y', "ỳýỷỹỵ")];
    let chars: Vec<char> = text.to_lowercase().chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let digit_around = |j: usize| chars.get(j).is_some_and(char::is_ascii_digit);
        if (c == '.' || c == ',') && i > 0 && digit_around(i - 1) && digit_around(i + 1) {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let word_ends = chars
            .get(i + 2)
            .is_none_or(|c| !(c.is_alphanumeric() || combining(*c)));
        let moved = OLD.iter().find_map(|(marked, second)| {
            let tone = marked.chars().position(|m| m == c)?;
            (next == Some(*second) && word_ends).then_some(())?;
            let (_, toned) = NEW.iter().find(|(v, _)| v == second)?;
            let base = if "òóỏõọ".contains(c) { 'o' } else { 'u' };
            Some((base, toned.chars().nth(tone)?))
        });
        match moved {
            Some((base, toned)) => {
                out.push(base);
                out.push(toned);
                i += 2;
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

impl Query {
    pub fn new(typed: &str) -> Query {
        let lower = normalise(typed);
        let words = words(&lower)
            .map(|w| {
                let folded = fold_to_ascii(w);
                // Decomposed marks: compared without them (see the module's note).
                let marked = folded != w && !w.chars().any(combining);
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
        let lower = normalise(record);
        let folded = fold_to_ascii(&lower);
        // A record in decomposed marks is matched by its folded words only.
        let decomposed = lower.chars().any(combining);
        self.words.iter().all(|w| {
            let hay = if w.marked && !decomposed {
                &lower
            } else {
                &folded
            };
            let text = if w.marked && decomposed {
                fold_to_ascii(&w.text)
            } else {
                w.text.clone()
            };
            words(hay).any(|h| {
                if w.anywhere || h.chars().any(|c| c.is_ascii_digit()) {
                    h.contains(&text)
                } else {
                    h.starts_with(&text)
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
        assert!(finds("150000", "Nộp 150.000 đ"));
        assert!(finds("150.000", "amount 150000"));
        assert!(!finds("0206", "HP26E-0000205"));
        // Inside a code, letters are found anywhere too; never inside a name.
        assert!(finds("kmnp", "9V6GKMNP"));
        assert!(!finds("uyen", "Nguyễn Văn An"));
    }

    #[test]
    fn both_tone_placements_and_decomposed_text_meet() {
        assert!(finds("hủy hóa đơn", "Huỷ và lập lại biên lai; hoá đơn"));
        assert!(finds("Thúy", "Nguyễn Thị Thuý"));
        assert!(finds("Thuý", "Nguyễn Thị Thúy"));
        assert!(finds("khỏe", "Sức khoẻ"));
        // Not inside a word: "hoàn" keeps its mark where it is.
        assert!(finds("hoàn", "Trần Hoàn"));
        assert!(!finds("Thúy", "Nguyễn Thị Thủy"));
        // "Yến" decomposed (Y, e, combining circumflex and acute, n).
        let nfd = "Đặng Hải Ye\u{302}\u{301}n";
        assert!(finds("Yến", nfd));
        assert!(finds("yen", nfd));
        assert!(!finds("Yến", "Nguyễn Đức Hiếu"));
        assert!(finds("Ye\u{302}\u{301}n", "Đặng Hải Yến"));
        assert!(!finds("Ye\u{302}\u{301}n", "Nguyễn Đức Hiếu"));
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
