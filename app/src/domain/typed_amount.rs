//! Amounts as accountants type them: `50.000`, `50,000`, `50 000 đ`, `15k`,
//! `15 nghìn`, `1,5tr`, `2 triệu`. Each is read to whole đồng or refused with
//! the reason, never guessed: `15k` once saved a fee of 15 đ because the form
//! kept only the digits.
//!
//! Without a word for thousands or millions, `.` `,` and spaces only group
//! digits in threes (`1.250.000`); `15.5` is refused, since a fee in đồng has no
//! fraction and the reader cannot know whether 155 or 15.500 was meant. With
//! one, a single `.` or `,` is the decimal mark (`1,5tr` = 1.500.000 đ).

use super::money::Vnd;

/// The most a single fee, credit or payment can be: 10 billion đồng, far above
/// any school fee, far below where sums of many of them could overflow.
pub const MAX_DONG: i64 = 10_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    /// Letters or signs that are not part of an amount (`15x`, `-5000`).
    NotAnAmount,
    /// `15.5`: a fraction of a đồng, or digits not grouped in threes.
    Ambiguous,
    /// `1,2345k` = 1.234,5 đ.
    NotWholeDong,
    Zero,
    TooLarge,
}

impl AmountError {
    /// What to tell the person who typed it: Vietnamese, English.
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            AmountError::Empty => ("Hãy nhập số tiền.", "Enter an amount."),
            AmountError::NotAnAmount => (
                "Không đọc được số tiền. Hãy nhập chữ số, ví dụ 150.000 hoặc 150k.",
                "This is not an amount. Type digits, e.g. 150.000 or 150k.",
            ),
            AmountError::Ambiguous => (
                "Số tiền không rõ: dấu chấm, dấu phẩy chỉ dùng để tách từng nhóm 3 chữ số (150.000), hoặc viết 1,5tr, 15k.",
                "Unclear amount: dots and commas only separate groups of 3 digits (150.000); or write 1,5tr, 15k.",
            ),
            AmountError::NotWholeDong => (
                "Số tiền phải là số đồng chẵn.",
                "The amount must be whole đồng.",
            ),
            AmountError::Zero => (
                "Số tiền phải lớn hơn 0.",
                "The amount must be more than 0.",
            ),
            AmountError::TooLarge => (
                "Số tiền quá lớn (tối đa 10 tỷ đồng).",
                "The amount is too large (at most 10 billion đồng).",
            ),
        }
    }
}

/// Reads a typed amount to whole đồng (> 0, ≤ `MAX_DONG`).
pub fn parse(text: &str) -> Result<Vnd, AmountError> {
    let lower = text.trim().to_lowercase();
    if lower.is_empty() {
        return Err(AmountError::Empty);
    }
    let body = strip_currency(&lower);
    let (number, scale) = split_scale(body);
    let number = number.trim();
    if number.is_empty() {
        return Err(AmountError::NotAnAmount);
    }
    if !number
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' '))
        || !number.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(AmountError::NotAnAmount);
    }
    let dong = match scale {
        1 => grouped(number)?,
        scale => scaled(number, scale)?,
    };
    if dong == 0 {
        return Err(AmountError::Zero);
    }
    if dong > MAX_DONG as u128 {
        return Err(AmountError::TooLarge);
    }
    Ok(Vnd::new(dong as i64))
}

/// Drops a trailing currency: `đ`, `đồng`, `vnd`, `vnđ`.
fn strip_currency(text: &str) -> &str {
    for unit in ["đồng", "vnđ", "vnd", "đ"] {
        if let Some(rest) = text.strip_suffix(unit) {
            return rest.trim_end();
        }
    }
    text
}

/// Splits off a word for thousands or millions: (`1,5`, 1_000_000) from `1,5tr`.
fn split_scale(text: &str) -> (&str, u128) {
    const WORDS: [(&str, u128); 7] = [
        ("triệu", 1_000_000),
        ("tr", 1_000_000),
        ("nghìn", 1_000),
        ("ngàn", 1_000),
        ("ng", 1_000),
        ("k", 1_000),
        ("tỷ", 1_000_000_000),
    ];
    for (word, scale) in WORDS {
        if let Some(rest) = text.strip_suffix(word) {
            return (rest, scale);
        }
    }
    (text, 1)
}

/// Digits grouped in threes by `.`, `,` or spaces (one kind of separator).
fn grouped(number: &str) -> Result<u128, AmountError> {
    let separators: Vec<char> = number.chars().filter(|c| !c.is_ascii_digit()).collect();
    if let Some(&first) = separators.first() {
        if separators.iter().any(|&c| c != first) {
            return Err(AmountError::Ambiguous);
        }
        let groups: Vec<&str> = number.split(first).collect();
        let head_ok = (1..=3).contains(&groups[0].len());
        if !head_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(AmountError::Ambiguous);
        }
    }
    digits(number)
}

/// A number before `k`/`tr`/`tỷ`: an integer, or one decimal mark.
fn scaled(number: &str, scale: u128) -> Result<u128, AmountError> {
    let number: String = number.chars().filter(|&c| c != ' ').collect();
    let marks = number.chars().filter(|&c| c == '.' || c == ',').count();
    let (whole, fraction) = match marks {
        0 => (number.as_str(), ""),
        1 => number
            .split_once(['.', ','])
            .expect("one decimal mark was counted"),
        // `1.500.000k` and the like: grouped thousands of thousands.
        _ => return Err(AmountError::Ambiguous),
    };
    // `1.500k`: one and a half thousand, or fifteen hundred thousand? Refused.
    if whole.is_empty()
        || (marks == 1 && fraction.is_empty())
        || fraction.len() == 3
        || fraction.len() > 9
    {
        return Err(AmountError::Ambiguous);
    }
    let denominator = 10u128.pow(fraction.len() as u32);
    let value = digits(whole)?
        .checked_mul(denominator)
        .and_then(|w| {
            w.checked_add(if fraction.is_empty() {
                0
            } else {
                digits(fraction).ok()?
            })
        })
        .and_then(|v| v.checked_mul(scale))
        .ok_or(AmountError::TooLarge)?;
    if value % denominator != 0 {
        return Err(AmountError::NotWholeDong);
    }
    Ok(value / denominator)
}

fn digits(text: &str) -> Result<u128, AmountError> {
    let only: String = text.chars().filter(char::is_ascii_digit).collect();
    if only.len() > 20 {
        return Err(AmountError::TooLarge);
    }
    only.parse().map_err(|_| AmountError::NotAnAmount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> i64 {
        parse(text)
            .unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
            .dong()
    }

    #[test]
    fn reads_amounts_as_accountants_type_them() {
        assert_eq!(ok("50000"), 50_000);
        assert_eq!(ok("50.000"), 50_000);
        assert_eq!(ok("50,000"), 50_000);
        assert_eq!(ok("1 250 000"), 1_250_000);
        assert_eq!(ok("1.250.000 đ"), 1_250_000);
        assert_eq!(ok("1.250.000đ"), 1_250_000);
        assert_eq!(ok("690.000 đồng"), 690_000);
        assert_eq!(ok("150000 VND"), 150_000);
        assert_eq!(ok("15k"), 15_000);
        assert_eq!(ok("15K"), 15_000);
        assert_eq!(ok("15 nghìn"), 15_000);
        assert_eq!(ok("15 ngàn"), 15_000);
        assert_eq!(ok("1,5tr"), 1_500_000);
        assert_eq!(ok("1.5 triệu"), 1_500_000);
        assert_eq!(ok("2 triệu"), 2_000_000);
        assert_eq!(ok("2,25 tr"), 2_250_000);
        assert_eq!(ok("1 tỷ"), 1_000_000_000);
        assert_eq!(ok("  30.000  "), 30_000);
    }

    #[test]
    fn refuses_what_it_cannot_read_for_sure() {
        assert_eq!(parse(""), Err(AmountError::Empty));
        assert_eq!(parse("   "), Err(AmountError::Empty));
        assert_eq!(parse("15.5"), Err(AmountError::Ambiguous));
        assert_eq!(parse("1.25.000"), Err(AmountError::Ambiguous));
        assert_eq!(parse("1.250,000"), Err(AmountError::Ambiguous));
        assert_eq!(parse("50.0000"), Err(AmountError::Ambiguous));
        assert_eq!(parse("1.500k"), Err(AmountError::Ambiguous));
        assert_eq!(parse("1,k"), Err(AmountError::Ambiguous));
        assert_eq!(parse("1,250tr"), Err(AmountError::Ambiguous));
        assert_eq!(parse("1.500.000k"), Err(AmountError::Ambiguous));
        assert_eq!(parse("1,2345k"), Err(AmountError::NotWholeDong));
        assert_eq!(parse("15x"), Err(AmountError::NotAnAmount));
        assert_eq!(parse("-5000"), Err(AmountError::NotAnAmount));
        assert_eq!(parse("k"), Err(AmountError::NotAnAmount));
        assert_eq!(parse("đ"), Err(AmountError::NotAnAmount));
        assert_eq!(parse(".500"), Err(AmountError::NotAnAmount));
        assert_eq!(parse("0"), Err(AmountError::Zero));
        assert_eq!(parse("0k"), Err(AmountError::Zero));
        assert_eq!(parse("10.000.000.001"), Err(AmountError::TooLarge));
        assert_eq!(parse("11 tỷ"), Err(AmountError::TooLarge));
        assert_eq!(
            parse("99999999999999999999999999"),
            Err(AmountError::TooLarge)
        );
        assert_eq!(ok("10 tỷ"), MAX_DONG);
    }

    #[test]
    fn never_panics_and_never_returns_a_fraction_or_nothing() {
        use proptest::prelude::*;
        proptest!(|(text in "[0-9.,  kKtrđnghìtỷ-]{0,24}")| {
            if let Ok(v) = parse(&text) {
                prop_assert!(v.dong() > 0 && v.dong() <= MAX_DONG);
            }
        });
    }

    #[test]
    fn a_grouped_amount_reads_back_as_itself() {
        use proptest::prelude::*;
        proptest!(|(n in 1i64..=MAX_DONG)| {
            let v = Vnd::new(n);
            prop_assert_eq!(parse(&v.grouped()), Ok(v));
            prop_assert_eq!(parse(&v.to_string()), Ok(v));
            prop_assert_eq!(parse(&n.to_string()), Ok(v));
        });
    }
}
