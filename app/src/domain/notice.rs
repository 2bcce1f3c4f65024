//! The figures of a printed notice: what a family without a smartphone must pay
//! and what it may choose. Voluntary fees are offered with a tick box and kept
//! out of the amount to pay, so a family never pays one because the paper
//! added it in (the QR on paper is for the compulsory amount only).

use super::money::Vnd;
use serde::{Deserialize, Serialize};

/// One line of the invoice as the notice needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The fee the line bills or reduces (none for lines without a fee).
    pub fee_item: Option<i64>,
    /// The line's fee is voluntary.
    pub voluntary: bool,
    /// A fee line, not a reduction of one.
    pub is_fee: bool,
    pub description: String,
    pub amount: Vnd,
    /// The family already declined it online.
    pub declined: bool,
}

/// A line printed on paper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedLine {
    pub description: String,
    pub amount: Vnd,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Compulsory fees and their reductions, as billed.
    pub compulsory: Vec<PrintedLine>,
    /// Voluntary fees still open to choose, each net of its reduction.
    pub voluntary: Vec<PrintedLine>,
    /// Compulsory lines' sum less what was already paid, never negative:
    /// the amount the paper's QR asks for.
    pub compulsory_due: Vnd,
    /// What was paid, as far as it went to the compulsory part: the "already
    /// paid" line printed under it (never more than the lines above it).
    #[serde(default)]
    pub paid_to_compulsory: Vnd,
}

/// Splits an invoice's lines into what must be paid and what may be chosen.
/// `paid` is what the invoice has received: it goes to the compulsory part first.
pub fn figures(lines: &[Line], paid: Vnd) -> Figures {
    let mut compulsory = Vec::new();
    let mut voluntary: Vec<(Option<i64>, PrintedLine)> = Vec::new();
    for line in lines.iter().filter(|l| !l.declined) {
        if !line.voluntary {
            compulsory.push(PrintedLine {
                description: line.description.clone(),
                amount: line.amount,
            });
            continue;
        }
        // A reduction joins its fee's line: a family chooses the fee at its net price.
        match voluntary.iter_mut().find(|(fee, _)| *fee == line.fee_item) {
            Some((_, printed)) => {
                printed.amount += line.amount;
                if line.is_fee {
                    printed.description = line.description.clone();
                }
            }
            None => voluntary.push((
                line.fee_item,
                PrintedLine {
                    description: line.description.clone(),
                    amount: line.amount,
                },
            )),
        }
    }
    let compulsory_total: Vnd = compulsory.iter().map(|l| l.amount).sum();
    let paid_to_compulsory = paid.min(compulsory_total).clamp_non_negative();
    // What was paid beyond the compulsory part went to voluntary fees, in order:
    // a fee it covers is paid, not offered again; one it partly covers is
    // offered for the rest.
    let mut beyond = (paid - paid_to_compulsory).clamp_non_negative();
    let voluntary = voluntary
        .into_iter()
        .map(|(_, mut l)| {
            let covered = beyond.min(l.amount).clamp_non_negative();
            beyond = beyond - covered;
            l.amount = l.amount - covered;
            l
        })
        .filter(|l| l.amount.is_positive())
        .collect();
    Figures {
        compulsory_due: compulsory_total - paid_to_compulsory,
        paid_to_compulsory,
        compulsory,
        voluntary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fee: i64, voluntary: bool, is_fee: bool, text: &str, amount: i64) -> Line {
        Line {
            fee_item: Some(fee),
            voluntary,
            is_fee,
            description: text.into(),
            amount: Vnd::new(amount),
            declined: false,
        }
    }

    #[test]
    fn voluntary_fees_stay_out_of_the_amount_to_pay() {
        let lines = [
            line(1, false, true, "Học phí", 690_000),
            line(2, false, true, "Tiền ăn", 150_000),
            line(3, true, true, "Câu lạc bộ Tiếng Anh", 200_000),
        ];
        let f = figures(&lines, Vnd::ZERO);
        assert_eq!(f.compulsory_due, Vnd::new(840_000));
        assert_eq!(f.compulsory.len(), 2);
        assert_eq!(
            f.voluntary,
            vec![PrintedLine {
                description: "Câu lạc bộ Tiếng Anh".into(),
                amount: Vnd::new(200_000)
            }]
        );
    }

    #[test]
    fn a_reduction_follows_its_fee_and_a_declined_fee_is_not_offered() {
        let mut declined = line(4, true, true, "Bảo hiểm", 100_000);
        declined.declined = true;
        let lines = [
            line(1, false, true, "Học phí", 690_000),
            line(1, false, false, "Miễn giảm học phí 50%", -345_000),
            line(3, true, true, "Câu lạc bộ", 200_000),
            line(3, true, false, "Giảm câu lạc bộ", -50_000),
            declined,
        ];
        let f = figures(&lines, Vnd::ZERO);
        assert_eq!(f.compulsory_due, Vnd::new(345_000));
        assert_eq!(
            f.compulsory.len(),
            2,
            "the reduction is printed under its fee"
        );
        assert_eq!(
            f.voluntary,
            vec![PrintedLine {
                description: "Câu lạc bộ".into(),
                amount: Vnd::new(150_000)
            }]
        );
    }

    #[test]
    fn what_was_paid_counts_against_the_compulsory_part_first() {
        let lines = [
            line(1, false, true, "Học phí", 500_000),
            line(3, true, true, "Câu lạc bộ", 200_000),
        ];
        assert_eq!(
            figures(&lines, Vnd::new(300_000)).compulsory_due,
            Vnd::new(200_000)
        );
        assert_eq!(figures(&lines, Vnd::new(650_000)).compulsory_due, Vnd::ZERO);
    }

    #[test]
    fn more_paid_than_the_compulsory_part_pays_voluntary_fees_not_a_negative_line() {
        let lines = [
            line(1, false, true, "Học phí", 500_000),
            line(3, true, true, "Câu lạc bộ", 200_000),
            line(4, true, true, "Bảo hiểm", 100_000),
        ];
        // 700.000 paid: the compulsory 500.000 and the club; insurance still offered.
        let f = figures(&lines, Vnd::new(700_000));
        assert_eq!(f.paid_to_compulsory, Vnd::new(500_000));
        assert_eq!(f.compulsory_due, Vnd::ZERO);
        assert_eq!(
            f.voluntary,
            vec![PrintedLine {
                description: "Bảo hiểm".into(),
                amount: Vnd::new(100_000)
            }]
        );
        // 650.000: the club is paid for 150.000 of its 200.000, offered for the rest.
        let f = figures(&lines, Vnd::new(650_000));
        assert_eq!(f.voluntary[0].amount, Vnd::new(50_000));
        assert_eq!(f.voluntary.len(), 2);
    }
}
