//! Moving up a year: each class becomes the next grade's, the last grade leaves.

/// Preschool age groups, youngest first: Mầm (3–4), Chồi (4–5), Lá (5–6).
const PRESCHOOL: [&str; 3] = ["Mầm", "Chồi", "Lá"];

/// The class a class becomes next year, or `None` when its children leave the
/// school (the school's last grade). "3A" → "4A", "9A1" → leaves at a lower
/// secondary school whose last grade is 9, "Mầm 1" → "Chồi 1".
pub fn next_class(name: &str, grade: i64, last_grade: i64) -> Option<(String, i64)> {
    if grade >= last_grade {
        return None;
    }
    let digits: String = name.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        let n: i64 = digits.parse().ok()?;
        return Some((format!("{}{}", n + 1, &name[digits.len()..]), grade + 1));
    }
    for (i, group) in PRESCHOOL.iter().enumerate() {
        if let Some(rest) = name.strip_prefix(group) {
            let next = PRESCHOOL.get(i + 1)?;
            return Some((format!("{next}{rest}"), grade + 1));
        }
    }
    Some((name.to_string(), grade + 1))
}

/// "2026-2027" → "2027-2028".
pub fn next_label(label: &str) -> Option<String> {
    let (a, b) = label.split_once('-')?;
    let (a, b): (i32, i32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (b == a + 1).then(|| format!("{}-{}", a + 1, b + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_move_up_and_the_last_grade_leaves() {
        assert_eq!(next_class("3A", 3, 5), Some(("4A".into(), 4)));
        assert_eq!(next_class("9A1", 9, 12), Some(("10A1".into(), 10)));
        assert_eq!(next_class("5B", 5, 5), None);
        assert_eq!(next_class("Mầm 1", 3, 5), Some(("Chồi 1".into(), 4)));
        assert_eq!(next_class("Chồi 1", 4, 5), Some(("Lá 1".into(), 5)));
        assert_eq!(next_class("Lá 1", 5, 5), None);
        assert_eq!(next_class("Lớp Sao", 2, 5), Some(("Lớp Sao".into(), 3)));
        assert_eq!(next_label("2026-2027"), Some("2027-2028".into()));
        assert_eq!(next_label("2026"), None);
    }
}
