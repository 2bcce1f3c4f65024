//! A POS terminal's settlement file (the day's card payments, as the acquiring
//! bank's portal exports it): each line a card payment to record against the
//! invoice code the accountant typed into the terminal's reference field.

use super::invoice_code::InvoiceCode;
use super::money::Vnd;
use super::statement::{
    best_column, is_totals_row, read_amount, read_moment, LineProblem, HEADER_SEARCH_ROWS,
};
use super::student_import::Cell;
use serde::{Deserialize, Serialize};

const TERMINAL: &[&str] = &[
    "ma may pos",
    "terminal id",
    "ma thiet bi",
    "ma may",
    "tid",
    "terminal",
];
const APPROVAL: &[&str] = &[
    "ma chuan chi",
    "so chuan chi",
    "approval code",
    "auth code",
    "ma xac thuc",
    "approval",
];
const AMOUNT: &[&str] = &["so tien giao dich", "so tien", "amount"];
const CARD: &[&str] = &["so the", "card number", "pan", "the"];
const TIME: &[&str] = &[
    "thoi gian giao dich",
    "ngay giao dich",
    "ngay gio",
    "thoi gian",
    "transaction date",
    "date",
];
const REFERENCE: &[&str] = &[
    "ma hoa don",
    "so hoa don",
    "noi dung",
    "ghi chu",
    "reference",
    "invoice",
    "bill",
];

/// One card payment of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardLine {
    /// The row as the spreadsheet numbers it.
    pub row: usize,
    pub terminal: String,
    pub approval: String,
    /// The card's last 4 digits; the rest of a (masked) card number is dropped.
    pub last4: String,
    pub amount: Vnd,
    pub at: i64,
    pub invoice_code: InvoiceCode,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardProblem {
    Line(LineProblem),
    MissingTerminalOrApproval,
    /// No readable card number ending in 4 digits.
    BadCard(String),
    /// No valid invoice code in the reference (the text as found).
    NoInvoiceCode(String),
}

impl CardProblem {
    pub fn describe(&self) -> (String, String) {
        match self {
            CardProblem::Line(p) => p.describe(),
            CardProblem::MissingTerminalOrApproval => (
                "thiếu mã máy POS hoặc mã chuẩn chi".into(),
                "the terminal id or the approval code is missing".into(),
            ),
            CardProblem::BadCard(t) => (
                format!("số thẻ «{t}» không có 4 số cuối"),
                format!("the card number \"{t}\" has no last 4 digits"),
            ),
            CardProblem::NoInvoiceCode(t) => (
                format!("không thấy mã hoá đơn hợp lệ trong «{t}»"),
                format!("no valid invoice code in \"{t}\""),
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardError {
    pub row: usize,
    pub problem: CardProblem,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub lines: Vec<CardLine>,
    pub errors: Vec<CardError>,
}

/// The invoice code in a reference field: the whole text as a code, or one
/// marked `HP` inside it.
fn code_in(text: &str) -> Option<InvoiceCode> {
    InvoiceCode::parse(text)
        .ok()
        .or_else(|| InvoiceCode::find_in_memo(text).into_iter().next())
}

/// Reads the card payments; `None` when the columns are not found.
pub fn read(grid: &[Vec<Cell>]) -> Option<Settlement> {
    let (header, cols) =
        grid.iter()
            .enumerate()
            .take(HEADER_SEARCH_ROWS)
            .find_map(|(i, row)| {
                let mut taken = Vec::new();
                let mut pick = |words: &[&str]| {
                    let c = best_column(row, words, &taken)?;
                    taken.push(c);
                    Some(c)
                };
                Some((
                    i,
                    [
                        pick(APPROVAL)?,
                        pick(TERMINAL)?,
                        pick(REFERENCE)?,
                        pick(AMOUNT)?,
                        pick(CARD)?,
                        pick(TIME)?,
                    ],
                ))
            })?;
    let [approval, terminal, reference, amount, card, time] = cols;
    let empty = Cell::Empty;
    let mut out = Settlement::default();
    for (index, row) in grid.iter().enumerate().skip(header + 1) {
        if row.iter().all(Cell::is_empty) || is_totals_row(row) {
            continue;
        }
        let cell = |c: usize| row.get(c).unwrap_or(&empty);
        let number = index + 1;
        let fail = |problem| CardError {
            row: number,
            problem,
        };
        let amount = match read_amount(cell(amount)) {
            Ok(Some(a)) => a,
            Ok(None) => continue, // totals or blank lines
            Err(p) => {
                out.errors.push(fail(CardProblem::Line(p)));
                continue;
            }
        };
        let (t, a) = (
            cell(terminal).text().to_uppercase(),
            cell(approval).text().to_uppercase(),
        );
        if t.is_empty() || a.is_empty() {
            out.errors
                .push(fail(CardProblem::MissingTerminalOrApproval));
            continue;
        }
        let card_text = cell(card).text();
        let digits: String = card_text.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 4 || !card_text.trim_end().ends_with(|c: char| c.is_ascii_digit()) {
            out.errors.push(fail(CardProblem::BadCard(card_text)));
            continue;
        }
        let at = match read_moment(cell(time)) {
            Ok(at) => at,
            Err(p) => {
                out.errors.push(fail(CardProblem::Line(p)));
                continue;
            }
        };
        let reference_text = cell(reference).text();
        let Some(invoice_code) = code_in(&reference_text) else {
            out.errors
                .push(fail(CardProblem::NoInvoiceCode(reference_text)));
            continue;
        };
        out.lines.push(CardLine {
            row: number,
            terminal: t,
            approval: a,
            last4: digits[digits.len() - 4..].to_string(),
            amount,
            at,
            invoice_code,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Vec<Vec<Cell>> {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        if c.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(c.to_string())
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn reads_a_settlement_and_keeps_only_the_last_4_digits() {
        let code = InvoiceCode::from_number(123_456);
        let g = grid(&[
            &["BÁO CÁO QUYẾT TOÁN POS NGÀY 26/11/2026"],
            &[
                "STT",
                "Mã máy (TID)",
                "Thời gian giao dịch",
                "Số thẻ",
                "Mã chuẩn chi",
                "Số tiền",
                "Ghi chú",
            ],
            &[
                "1",
                "tid00123",
                "26/11/2026 08:15",
                "970436******4242",
                "a1b2c3",
                "980,000",
                code.as_str(),
            ],
            &[
                "2",
                "TID00123",
                "26/11/2026 08:20",
                "4111 11** **** 1111",
                "X9",
                "500.000",
                &format!("hoc phi HP {code}"),
            ],
            &[
                "3",
                "TID00123",
                "26/11/2026 08:30",
                "****",
                "Y1",
                "100,000",
                code.as_str(),
            ],
            &[
                "4",
                "TID00123",
                "26/11/2026 08:40",
                "4111********1111",
                "Z1",
                "100,000",
                "no code",
            ],
            &["", "Tổng", "", "", "", "1,680,000", ""],
        ]);
        let s = read(&g).expect("columns found");
        assert_eq!(s.lines.len(), 2);
        assert_eq!(
            (
                s.lines[0].terminal.as_str(),
                s.lines[0].approval.as_str(),
                s.lines[0].last4.as_str()
            ),
            ("TID00123", "A1B2C3", "4242")
        );
        assert_eq!(s.lines[1].invoice_code, code);
        assert_eq!(s.lines[1].amount, Vnd::new(500_000));
        let rows: Vec<usize> = s.errors.iter().map(|e| e.row).collect();
        assert_eq!(
            rows,
            vec![5, 6],
            "the totals row is no payment: {:?}",
            s.errors
        );
        assert!(matches!(s.errors[0].problem, CardProblem::BadCard(_)));
        assert!(matches!(s.errors[1].problem, CardProblem::NoInvoiceCode(_)));
        assert_eq!(read(&grid(&[&["a", "b"]])), None);
    }
}
