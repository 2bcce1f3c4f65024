//! Rules for what staff type into forms, in one place for the browser (instant
//! feedback) and the server (the rule that counts).

/// Sign-in names: lower-case ASCII letters, digits, `.`, `-`, `_`; 3 to 32.
pub fn username(s: &str) -> Option<String> {
    let s = s.trim().to_lowercase();
    let ok = (3..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    ok.then_some(s)
}

pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn password_ok(s: &str) -> bool {
    s.chars().count() >= MIN_PASSWORD_CHARS && s.len() <= 256
}

/// Vietnamese tax codes (mã số thuế): 10 digits, or 10 digits-3 digits for a branch.
pub fn tax_code(s: &str) -> Option<String> {
    let s = s.trim();
    let (main, branch) = match s.split_once('-') {
        Some((m, b)) => (m, Some(b)),
        None => (s, None),
    };
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    (digits(main, 10) && branch.is_none_or(|b| digits(b, 3))).then(|| s.to_string())
}

/// A school's registered receipt form (mẫu số) and series (ký hiệu), as typed:
/// `Ok(None)` when both are empty (the school registered none), `Ok(Some)` when
/// both are codes as tax offices write them, upper-cased; anything else refused.
pub fn receipt_numbering(
    form: &str,
    series: &str,
) -> Result<Option<(String, String)>, crate::error::Field> {
    // Measured before it is copied (upper-cased): a code is at most 20 bytes.
    let code = |s: &str| {
        let s = s.trim();
        if s.is_empty() || s.len() > 20 {
            return None;
        }
        let s = s.to_uppercase();
        (s.len() <= 20
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.')))
        .then_some(s)
    };
    match (form.trim().is_empty(), series.trim().is_empty()) {
        (true, true) => Ok(None),
        _ => code(form)
            .zip(code(series))
            .map(Some)
            .ok_or(crate::error::Field::ReceiptNumbering),
    }
}

/// The image type of an uploaded picture (a school's logo, a complaint's
/// photo), by its first bytes: PNG, JPEG or WebP only (an SVG could carry script).
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// A school's public page address: `th-ha-long`.
pub fn slug(s: &str) -> Option<String> {
    let s = s.trim().to_lowercase();
    let ok = (3..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    ok.then_some(s)
}

/// A slug made from a school's name: "Trường Tiểu học Hạ Long" → "truong-tieu-hoc-ha-long".
pub fn slug_from_name(name: &str) -> String {
    let folded = super::memo::fold_to_ascii(name).to_lowercase();
    let mut out = String::new();
    for word in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out.truncate(40);
    out.trim_end_matches('-').to_string()
}

/// Vietnamese phone numbers: 10 digits starting with 0 (spaces and dots allowed
/// when typed, `+84` accepted for the leading 0).
pub fn phone(s: &str) -> Option<String> {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let digits = match digits.strip_prefix("+84") {
        Some(rest) => format!("0{rest}"),
        None => digits,
    };
    (digits.len() == 10 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// A receiving account's number: 6 to 19 digits, as Vietnamese banks and
/// wallets issue them (spaces, dots and dashes typed between groups are
/// dropped). Letters are refused: "12AB 34" was once accepted and became the
/// account on every QR.
pub fn account_number(s: &str) -> Option<String> {
    let s: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    ((6..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// Account names as banks hold them: capitals without diacritics. What people
/// type is folded and upper-cased, so "Trường TH Hạ Long" becomes "TRUONG TH HA LONG".
pub fn account_name(s: &str) -> Option<String> {
    let folded = super::memo::fold_to_ascii(s).to_uppercase();
    let name = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let ok = (2..=70).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b" .,&()-".contains(&b));
    ok.then_some(name)
}

/// Non-empty after trimming, at most `max` characters.
pub fn text(s: &str, max: usize) -> Option<String> {
    let t = s.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(username(" KeToan.THHL "), Some("ketoan.thhl".into()));
        assert_eq!(username("ab"), None);
        assert_eq!(username("kế toán"), None);
        assert!(password_ok("mot hai ba bon") && !password_ok("short"));
        assert_eq!(tax_code("5700123456"), Some("5700123456".into()));
        assert_eq!(tax_code("5700123456-001"), Some("5700123456-001".into()));
        assert_eq!(tax_code("570012345"), None);
        assert_eq!(tax_code("5700123456-01"), None);
        assert_eq!(slug("TH-Ha-Long"), Some("th-ha-long".into()));
        assert_eq!(slug("-x-"), None);
        assert_eq!(
            slug_from_name("Trường Tiểu học Hạ Long"),
            "truong-tieu-hoc-ha-long"
        );
        assert_eq!(phone("0912 345 678"), Some("0912345678".into()));
        assert_eq!(phone("+84 912.345.678"), Some("0912345678".into()));
        assert_eq!(phone("12345"), None);
        assert_eq!(account_number("1023 4567 89"), Some("1023456789".into()));
        assert_eq!(account_number("1234567890123456789012"), None);
        assert_eq!(
            account_number("0451-0000-12345"),
            Some("0451000012345".into())
        );
        assert_eq!(account_number("12AB 34"), None);
        assert_eq!(account_number("12345"), None);
        assert_eq!(account_number(""), None);
        assert_eq!(
            account_name("Trường TH  Hạ Long"),
            Some("TRUONG TH HA LONG".into())
        );
        assert_eq!(account_name("!"), None);
        assert_eq!(text("  ", 10), None);
        assert_eq!(text(" Lê Lan ", 10), Some("Lê Lan".into()));
    }
}

/// Where a fee applies: grades (numbers) and classes (names), e.g. "3, 4A, Lá 1";
/// both empty means the whole school.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeeScope {
    pub grades: Vec<i64>,
    pub classes: Vec<String>,
}

impl FeeScope {
    /// "3, 4A, Lá 1" → grades [3], classes ["4A", "Lá 1"]. Items are separated by
    /// commas or semicolons; a number from 0 to 12 is a grade.
    pub fn parse(s: &str) -> Option<FeeScope> {
        let mut scope = FeeScope::default();
        for item in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            match item.parse::<i64>() {
                Ok(g) if (0..=12).contains(&g) => {
                    if !scope.grades.contains(&g) {
                        scope.grades.push(g)
                    }
                }
                Ok(_) => return None,
                Err(_) if item.chars().count() <= 20 => {
                    if !scope.classes.iter().any(|c| c == item) {
                        scope.classes.push(item.to_string())
                    }
                }
                Err(_) => return None,
            }
        }
        scope.grades.sort();
        Some(scope)
    }

    pub fn is_whole_school(&self) -> bool {
        self.grades.is_empty() && self.classes.is_empty()
    }

    /// Whether some student could be billed under both scopes: the whole
    /// school meets everything, a grade meets its own classes (`grade_of`
    /// names a class's grade, when known).
    pub fn overlaps(&self, other: &FeeScope, grade_of: impl Fn(&str) -> Option<i64>) -> bool {
        let class_in = |class: &String, scope: &FeeScope| {
            scope.classes.contains(class)
                || grade_of(class).is_some_and(|g| scope.grades.contains(&g))
        };
        self.is_whole_school()
            || other.is_whole_school()
            || self.grades.iter().any(|g| other.grades.contains(g))
            || self.classes.iter().any(|c| class_in(c, other))
            || other.classes.iter().any(|c| class_in(c, self))
    }

    pub fn covers(&self, grade: i64, class_name: &str) -> bool {
        self.is_whole_school()
            || self.grades.contains(&grade)
            || self.classes.iter().any(|c| c == class_name)
    }

    /// Follows a class's new name; says whether the scope named the class.
    pub fn rename_class(&mut self, from: &str, to: &str) -> bool {
        let Some(i) = self.classes.iter().position(|c| c == from) else {
            return false;
        };
        if self.classes.iter().any(|c| c == to) {
            self.classes.remove(i);
        } else {
            self.classes[i] = to.to_string();
        }
        true
    }

    /// As stored and shown: "3, 4A".
    pub fn text(&self) -> String {
        self.grades
            .iter()
            .map(i64::to_string)
            .chain(self.classes.iter().cloned())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "1, 2,5" → [1, 2, 5]: the grades a fee applies to (0 for preschool classes).
pub fn grades(s: &str) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    for part in s.split([',', ' ', ';']).filter(|p| !p.is_empty()) {
        let g: i64 = part.parse().ok().filter(|g| (0..=12).contains(g))?;
        if !out.contains(&g) {
            out.push(g);
        }
    }
    out.sort();
    Some(out)
}

#[cfg(test)]
mod grade_tests {
    #[test]
    fn grade_lists() {
        assert_eq!(super::grades("3, 1,3"), Some(vec![1, 3]));
        assert_eq!(super::grades(""), Some(vec![]));
        assert_eq!(super::grades("13"), None);
        assert_eq!(super::grades("ba"), None);
        let scope = super::FeeScope::parse("3, 4A; Lá 1, 3").unwrap();
        assert_eq!(
            (scope.grades.clone(), scope.classes.clone()),
            (vec![3], vec!["4A".to_string(), "Lá 1".to_string()])
        );
        assert!(scope.covers(3, "3B") && scope.covers(4, "4A") && !scope.covers(4, "4B"));
        assert_eq!(scope.text(), "3, 4A, Lá 1");
        assert!(super::FeeScope::parse("").unwrap().covers(9, "9A1"));
        assert_eq!(super::FeeScope::parse("13"), None);
        let mut scope = super::FeeScope::parse("3, 4 A, Lá 1").unwrap();
        assert!(scope.rename_class("4 A", "4A"));
        assert_eq!(scope.text(), "3, 4A, Lá 1");
        assert!(!scope.rename_class("5B", "5C"));
        let mut both = super::FeeScope::parse("4A, 4 A").unwrap();
        assert!(both.rename_class("4 A", "4A"));
        assert_eq!(both.text(), "4A");
    }

    #[test]
    fn scopes_overlap_when_some_student_is_in_both() {
        let scope = |s: &str| super::FeeScope::parse(s).unwrap();
        // Classes are named after their grade here; an unknown class has none.
        let grade_of = |c: &str| c[..1].parse::<i64>().ok();
        assert!(
            scope("").overlaps(&scope("3"), grade_of),
            "the whole school meets a grade"
        );
        assert!(scope("3").overlaps(&scope(""), grade_of));
        assert!(scope("3, 4").overlaps(&scope("4"), grade_of));
        assert!(scope("4A").overlaps(&scope("4A, 5B"), grade_of));
        assert!(
            scope("4A").overlaps(&scope("4"), grade_of),
            "a class meets its grade"
        );
        assert!(scope("4").overlaps(&scope("4A"), grade_of));
        assert!(!scope("3").overlaps(&scope("4"), grade_of));
        assert!(!scope("4A").overlaps(&scope("4B"), grade_of));
        assert!(!scope("4A").overlaps(&scope("3"), grade_of));
        assert!(!scope("Lá 1").overlaps(&scope("3"), grade_of));
    }
}

/// Free text a person writes (a complaint, an answer, a reason, a note):
/// trimmed, between `min` and `max` characters.
pub fn free_text(text: &str, min: usize, max: usize) -> Option<String> {
    let text = text.trim();
    (min..=max)
        .contains(&text.chars().count())
        .then(|| text.to_string())
}

#[cfg(test)]
mod receipt_numbering_tests {
    use super::receipt_numbering;

    #[test]
    fn both_or_neither_as_registered() {
        assert_eq!(receipt_numbering(" ", ""), Ok(None));
        assert_eq!(
            receipt_numbering(" 01blp0-001 ", "aa/26e"),
            Ok(Some(("01BLP0-001".into(), "AA/26E".into())))
        );
        // One without the other would print half a registration.
        assert_eq!(
            receipt_numbering("01BLP0-001", ""),
            Err(crate::error::Field::ReceiptNumbering)
        );
        assert_eq!(
            receipt_numbering("", "AA/26E"),
            Err(crate::error::Field::ReceiptNumbering)
        );
        assert_eq!(
            receipt_numbering("01 BLP", "AA/26E"),
            Err(crate::error::Field::ReceiptNumbering)
        );
        assert_eq!(
            receipt_numbering(&"9".repeat(21), "AA/26E"),
            Err(crate::error::Field::ReceiptNumbering)
        );
        assert_eq!(
            receipt_numbering("01BLP0-001", &"a".repeat(1_000_000)),
            Err(crate::error::Field::ReceiptNumbering)
        );
        assert_eq!(
            receipt_numbering("Mẫu", "AA"),
            Err(crate::error::Field::ReceiptNumbering)
        );
    }
}
