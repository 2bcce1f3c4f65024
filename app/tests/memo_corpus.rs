//! The memo corpus: realistic transfer memos, in the shapes Vietnamese banks and
//! wallets produce, each with the invoice codes `find_in_memo` must yield (or none).
//! Every failure is listed with its line in `data/memos.tsv` before the test fails.

use hocphi_app::domain::invoice_code::InvoiceCode;
use std::collections::BTreeSet;

const CORPUS: &str = include_str!("data/memos.tsv");
const MIN_MEMOS: usize = 200;
const MIN_NEGATIVES: usize = 70;

struct Case<'a> {
    line: usize,
    memo: &'a str,
    expected: BTreeSet<String>,
}

/// `<codes, comma-separated, or ->\t<memo>` per line; `#` comments and blank lines
/// skipped. The memo is taken verbatim (leading and trailing spaces are part of it).
fn cases() -> Vec<Case<'static>> {
    CORPUS
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let line_no = i + 1;
            let (codes, memo) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("memos.tsv:{line_no}: no tab between codes and memo"));
            let expected = if codes == "-" {
                BTreeSet::new()
            } else {
                codes
                    .split(',')
                    .map(|code| {
                        let parsed = InvoiceCode::parse(code).unwrap_or_else(|e| {
                            panic!("memos.tsv:{line_no}: expected code {code:?} is invalid: {e}")
                        });
                        assert_eq!(
                            parsed.as_str(),
                            code,
                            "memos.tsv:{line_no}: write expected codes in canonical form"
                        );
                        code.to_string()
                    })
                    .collect()
            };
            Case {
                line: line_no,
                memo,
                expected,
            }
        })
        .collect()
}

#[test]
fn corpus_is_big_enough() {
    let cases = cases();
    let negatives = cases.iter().filter(|c| c.expected.is_empty()).count();
    assert!(
        cases.len() >= MIN_MEMOS,
        "the corpus has {} memos, at least {MIN_MEMOS} are required",
        cases.len()
    );
    assert!(
        negatives >= MIN_NEGATIVES,
        "the corpus has {negatives} memos without a code, at least {MIN_NEGATIVES} are required"
    );
}

#[test]
fn every_memo_yields_exactly_its_codes() {
    let mut failures = Vec::new();
    for case in cases() {
        let found = InvoiceCode::find_in_memo(case.memo);
        let found_set: BTreeSet<String> = found.iter().map(|c| c.as_str().to_string()).collect();
        if found_set != case.expected || found_set.len() != found.len() {
            let found: Vec<&str> = found.iter().map(InvoiceCode::as_str).collect();
            failures.push(format!(
                "memos.tsv:{}: {:?}\n    expected {:?}, found {:?}",
                case.line, case.memo, case.expected, found
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} memo(s) gave the wrong codes:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
