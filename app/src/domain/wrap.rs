//! Breaking text into lines by whole words, for whatever measures it: the PDFs'
//! fonts on the server, a canvas in the browser (the saved QR's caption).

/// Lines of `text` each of which `fits`, broken between words; a word too long
/// for a line alone (an address, a code) is broken between letters, keeping a
/// combining mark with its letter. Never empty: an empty text is one empty line.
pub fn wrap_words(text: &str, fits: impl Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if fits(word) {
            line = word.to_string();
            continue;
        }
        let mut clusters: Vec<String> = Vec::new();
        for c in word.chars() {
            match clusters.last_mut() {
                Some(last) if is_combining(c) => last.push(c),
                _ => clusters.push(c.to_string()),
            }
        }
        for cluster in clusters {
            let candidate = format!("{line}{cluster}");
            if !line.is_empty() && !fits(&candidate) {
                lines.push(std::mem::replace(&mut line, cluster));
            } else {
                line = candidate;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A combining diacritic (text in decomposed form): it belongs to the letter before it.
pub fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_most(n: usize) -> impl Fn(&str) -> bool {
        move |s: &str| s.chars().count() <= n
    }

    #[test]
    fn breaks_between_words() {
        assert_eq!(
            wrap_words("Trường Tiểu học Hạ Long", at_most(12)),
            ["Trường Tiểu", "học Hạ Long"]
        );
    }

    #[test]
    fn a_word_longer_than_a_line_is_broken_between_letters() {
        assert_eq!(
            wrap_words("xem hocphi.vn/tai-khoan", at_most(10)),
            ["xem", "hocphi.vn/", "tai-khoan"]
        );
    }

    #[test]
    fn a_combining_mark_stays_with_its_letter() {
        // "ế" decomposed: e, circumflex, acute. Measured in code points, the
        // letter and its marks move to the next line together: no line starts
        // with a mark.
        let lines = wrap_words("Tie\u{0302}\u{0301}ng", at_most(3));
        assert_eq!(lines, ["Ti", "e\u{0302}\u{0301}", "ng"]);
    }

    #[test]
    fn empty_text_is_one_empty_line() {
        assert_eq!(wrap_words("   ", at_most(5)), [""]);
    }
}
