//! Which open invoices a transfer without a code probably pays: the accountant's
//! shortlist. Pure scoring, so each reason is tested without a database.

use super::memo::fold_to_ascii;
use super::money::Vnd;
use serde::{Deserialize, Serialize};

/// An open invoice the transfer could be for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub invoice_code: String,
    pub student_code: String,
    pub student_name: String,
    pub class_name: String,
    pub balance: Vnd,
}

/// Why an invoice is suggested, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Reason {
    /// The memo carries the invoice's own code (with or without `HP`).
    InvoiceCode,
    /// The memo carries the student code.
    StudentCode,
    /// The memo or the payer's name carries the student's full name.
    FullName,
    /// The amount is exactly what is still due.
    Amount,
    /// The memo names the student's class.
    Class,
    /// The memo carries the student's given name.
    GivenName,
}

impl Reason {
    fn weight(self) -> u32 {
        match self {
            Reason::InvoiceCode => 10,
            Reason::StudentCode => 8,
            Reason::FullName => 5,
            Reason::Amount => 3,
            Reason::Class => 1,
            Reason::GivenName => 1,
        }
    }
}

fn words(text: &str) -> Vec<String> {
    fold_to_ascii(text)
        .to_uppercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// True when `needle`'s words appear in `hay` one after another (memos often drop
/// spaces, so the joined form counts too).
fn contains_words(hay: &[String], needle: &[String]) -> bool {
    if needle.is_empty() {
        return false;
    }
    let joined_hay = hay.concat();
    hay.windows(needle.len()).any(|w| w == needle) || joined_hay.contains(&needle.concat())
}

/// Memo words that are also given names once their marks are gone: "cháu"
/// (grandchild) is not Châu, "tiền ăn" (meals) is not An. A given name that folds
/// to one of these counts only when the memo spells it with its marks.
const EVERYDAY_WORDS: &[&str] = &[
    "AN", "ANH", "BA", "BE", "BO", "CHAU", "CHI", "CO", "CON", "DONG", "EM", "HOC", "ME", "NAM",
    "NOP", "ONG", "PHI", "THANG", "THAY", "TIEN", "TRA",
];

/// Words as written, marks kept, lower case: to tell "Châu" from "cháu".
fn marked_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The invoice codes a memo carries, marked with `HP` or bare.
fn codes_in(memo: &str) -> Vec<String> {
    use super::invoice_code::InvoiceCode;
    InvoiceCode::codes_in_memo(memo)
        .into_iter()
        .map(|c| c.as_str().to_string())
        .collect()
}

/// Why this candidate fits the transfer (empty: it does not).
pub fn reasons(amount: Vnd, memo: &str, payer: &str, c: &Candidate) -> Vec<Reason> {
    reasons_with(&codes_in(memo), amount, memo, payer, c)
}

fn reasons_with(
    codes: &[String],
    amount: Vnd,
    memo: &str,
    payer: &str,
    c: &Candidate,
) -> Vec<Reason> {
    let memo_words = words(memo);
    let all_words = words(&format!("{memo} {payer}"));
    let name = words(&c.student_name);
    let mut out = Vec::new();
    if codes
        .iter()
        .any(|code| code.eq_ignore_ascii_case(&c.invoice_code))
    {
        out.push(Reason::InvoiceCode);
    }
    if !c.student_code.is_empty()
        && memo_words
            .iter()
            .any(|w| *w == c.student_code.to_uppercase())
    {
        out.push(Reason::StudentCode);
    }
    if name.len() >= 2 && contains_words(&all_words, &name) {
        out.push(Reason::FullName);
    } else if let Some(given) = name.last() {
        // A given name alone is weak (many children share one), so it only adds to
        // another reason.
        let everyday = EVERYDAY_WORDS.contains(&given.as_str());
        // Spelled with its marks, in a memo that uses marks: "Châu" is the
        // child; "chau" or "an" in a memo typed without marks may be any word.
        let spelled = || {
            let marked = marked_words(&c.student_name);
            let memo_has_marks = fold_to_ascii(memo) != memo;
            memo_has_marks
                && marked
                    .last()
                    .is_some_and(|g| marked_words(memo).contains(g))
        };
        if given.len() >= 2 && memo_words.contains(given) && (!everyday || spelled()) {
            out.push(Reason::GivenName);
        }
    }
    if amount == c.balance && c.balance.is_positive() {
        out.push(Reason::Amount);
    }
    let class = words(&c.class_name);
    if !class.is_empty()
        && (contains_words(&memo_words, &class)
            || memo_words
                .iter()
                .any(|w| *w == format!("LOP{}", class.concat())))
    {
        out.push(Reason::Class);
    }
    out
}

/// The best few candidates, strongest first; a candidate with only weak reasons
/// (a class or a given name alone) is not suggested.
pub fn suggest(
    amount: Vnd,
    memo: &str,
    payer: &str,
    candidates: &[Candidate],
    limit: usize,
) -> Vec<(Candidate, Vec<Reason>)> {
    let codes = codes_in(memo);
    let mut scored: Vec<(u32, Candidate, Vec<Reason>)> = candidates
        .iter()
        .filter_map(|c| {
            let r = reasons_with(&codes, amount, memo, payer, c);
            let score: u32 = r.iter().map(|x| x.weight()).sum();
            (score >= 3).then(|| (score, c.clone(), r))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.invoice_code.cmp(&b.1.invoice_code))
    });
    scored
        .into_iter()
        .take(limit)
        .map(|(_, c, r)| (c, r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(code: &str, student: &str, name: &str, class: &str, balance: i64) -> Candidate {
        Candidate {
            invoice_code: code.into(),
            student_code: student.into(),
            student_name: name.into(),
            class_name: class.into(),
            balance: Vnd::new(balance),
        }
    }

    #[test]
    fn ranks_code_then_name_then_amount() {
        let list = vec![
            cand("A", "2201000001", "Nguyễn Minh An", "3A", 980_000),
            cand("B", "2201000002", "Trần Thị Bình", "3A", 745_000),
            cand("C", "2201000003", "Lê Văn Cường", "4B", 980_000),
        ];
        let s = suggest(
            Vnd::new(980_000),
            "nop hoc phi con tran thi binh lop 3A",
            "",
            &list,
            5,
        );
        let codes: Vec<&str> = s.iter().map(|(c, _)| c.invoice_code.as_str()).collect();
        assert_eq!(codes, vec!["B", "A", "C"]);
        assert_eq!(s[0].1, vec![Reason::FullName, Reason::Class]);
        assert_eq!(s[1].1, vec![Reason::Amount, Reason::Class]);

        let by_code = suggest(Vnd::new(1), "HS 2201000003 dong tien", "", &list, 5);
        assert_eq!(by_code[0].0.invoice_code, "C");
        assert_eq!(by_code[0].1, vec![Reason::StudentCode]);
    }

    #[test]
    fn names_survive_dropped_spaces_and_the_payer_field() {
        let c = cand("A", "", "Nguyễn Minh An", "3A", 500_000);
        assert!(reasons(Vnd::new(1), "NGUYENMINHAN HOC PHI", "", &c).contains(&Reason::FullName));
        assert!(reasons(Vnd::new(1), "hoc phi", "NGUYEN MINH AN", &c).contains(&Reason::FullName));
        assert!(reasons(Vnd::new(1), "hoc phi lop3a", "", &c).contains(&Reason::Class));
    }

    #[test]
    fn a_memo_of_just_the_invoice_code_suggests_that_invoice_first() {
        let code = crate::domain::invoice_code::InvoiceCode::from_number(4242);
        let other = crate::domain::invoice_code::InvoiceCode::from_number(4243);
        let list = vec![
            cand(other.as_str(), "", "Lê Văn Cường", "4B", 300_000),
            cand(code.as_str(), "", "Nguyễn Minh An", "3A", 500_000),
        ];
        for memo in [
            code.as_str().to_string(),
            code.as_str().to_lowercase(),
            code.memo_form(),
        ] {
            let s = suggest(Vnd::new(300_000), &memo, "", &list, 5);
            assert_eq!(s[0].0.invoice_code, code.as_str(), "{memo}");
            assert_eq!(s[0].1, vec![Reason::InvoiceCode]);
        }
    }

    #[test]
    fn cho_chau_is_not_the_child_chau() {
        let list = vec![cand("A", "", "Trần Minh Châu", "3A", 500_000)];
        // The amount alone suggests it; "cháu" adds nothing.
        let s = suggest(Vnd::new(500_000), "nop tien hoc cho chau", "", &list, 5);
        assert_eq!(s[0].1, vec![Reason::Amount]);
        let s = suggest(Vnd::new(500_000), "tiền học cho Châu", "", &list, 5);
        assert_eq!(s[0].1, vec![Reason::GivenName, Reason::Amount]);
        let an = cand("B", "", "Nguyễn Minh An", "3A", 500_000);
        assert!(!reasons(Vnd::new(1), "tien an thang 11", "", &an).contains(&Reason::GivenName));
        // A given name that is no everyday word still counts without marks.
        let binh = cand("C", "", "Trần Thị Bình", "3A", 500_000);
        assert!(reasons(Vnd::new(1), "hoc phi binh", "", &binh).contains(&Reason::GivenName));
    }

    #[test]
    fn weak_reasons_alone_suggest_nothing() {
        let list = vec![cand("A", "", "Nguyễn Minh An", "3A", 500_000)];
        assert!(suggest(Vnd::new(1), "an lop 3A", "", &list, 5).is_empty());
        assert!(suggest(Vnd::new(1), "tien dien thang 11", "", &list, 5).is_empty());
    }
}
