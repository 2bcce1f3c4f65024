//! What a payment does to the invoices its code names: pure arithmetic, so every
//! case (exact, short, over, already paid) is tested without a database.

use super::ids::InvoiceId;
use super::money::Vnd;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every named invoice is now paid in full.
    Matched,
    /// Less than what was due: the rest is still due.
    PartlyPaid,
    /// More than what was due: the excess becomes a credit for the family.
    Overpaid,
    /// Everything named was already paid: a possible double payment, for review.
    Duplicate,
    /// No code found: the accountant's queue.
    Unmatched,
    /// The accountant decided it is not a school fee (e.g. a grant, a staff transfer).
    NotFee,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Matched => "matched",
            Outcome::PartlyPaid => "partly_paid",
            Outcome::Overpaid => "overpaid",
            Outcome::Duplicate => "duplicate",
            Outcome::Unmatched => "unmatched",
            Outcome::NotFee => "not_fee",
        }
    }

    pub const ALL: [Outcome; 6] = [
        Outcome::Matched,
        Outcome::PartlyPaid,
        Outcome::Overpaid,
        Outcome::Duplicate,
        Outcome::Unmatched,
        Outcome::NotFee,
    ];

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// Waiting for the accountant: nothing settled, or possibly paid twice.
    pub fn needs_review(self) -> bool {
        matches!(self, Outcome::Unmatched | Outcome::Duplicate)
    }

    /// Money was put against invoices (so receipts are owed for it).
    pub fn settles(self) -> bool {
        matches!(
            self,
            Outcome::Matched | Outcome::PartlyPaid | Outcome::Overpaid
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// (invoice id, amount) in the order given.
    pub allocations: Vec<(InvoiceId, Vnd)>,
    pub credit: Vnd,
    pub outcome: Outcome,
}

/// Spreads `amount` over invoices' open balances in order; the rest is a credit.
pub fn settle(amount: Vnd, balances: &[(InvoiceId, Vnd)]) -> Settlement {
    if balances.is_empty() {
        return Settlement {
            allocations: vec![],
            credit: Vnd::ZERO,
            outcome: Outcome::Unmatched,
        };
    }
    let due: Vnd = balances.iter().map(|(_, b)| b.clamp_non_negative()).sum();
    if !due.is_positive() {
        return Settlement {
            allocations: vec![],
            credit: Vnd::ZERO,
            outcome: Outcome::Duplicate,
        };
    }
    let mut left = amount;
    let mut allocations = Vec::new();
    for (invoice, balance) in balances {
        let take = left.min(balance.clamp_non_negative());
        if take.is_positive() {
            allocations.push((*invoice, take));
            left = left - take;
        }
    }
    let allocated = amount - left;
    Settlement {
        allocations,
        credit: left,
        outcome: outcome_of(due, allocated, left),
    }
}

/// The one rule that names what a settlement did, whoever chose the
/// allocations (a code in a memo, or the accountant's hand): money left over
/// makes it overpaid; otherwise it is partly paid while the invoices it touched
/// still have something due, and matched when they have nothing.
pub fn outcome_of(due: Vnd, allocated: Vnd, credit: Vnd) -> Outcome {
    if credit.is_positive() {
        Outcome::Overpaid
    } else if allocated < due {
        Outcome::PartlyPaid
    } else {
        Outcome::Matched
    }
}

/// Why the accountant's split cannot be recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandProblem {
    /// A part is not positive, or names an invoice twice.
    BadPart,
    /// More than the invoice still has due, or more than the transfer holds.
    TooLarge,
}

/// The accountant's own split of `available` over invoices: (invoice id, what
/// is still due on it, what to put on it). What is not put on an invoice is a
/// credit.
pub fn settle_by_hand(
    available: Vnd,
    parts: &[(InvoiceId, Vnd, Vnd)],
) -> Result<Settlement, HandProblem> {
    let mut seen = std::collections::HashSet::new();
    if parts
        .iter()
        .any(|(invoice, _, amount)| !amount.is_positive() || !seen.insert(*invoice))
    {
        return Err(HandProblem::BadPart);
    }
    if parts.iter().any(|(_, balance, amount)| amount > balance) {
        return Err(HandProblem::TooLarge);
    }
    let allocated: Vnd = parts.iter().map(|(_, _, amount)| *amount).sum();
    if allocated > available {
        return Err(HandProblem::TooLarge);
    }
    let due: Vnd = parts.iter().map(|(_, balance, _)| *balance).sum();
    let credit = available - allocated;
    Ok(Settlement {
        allocations: parts
            .iter()
            .map(|(invoice, _, amount)| (*invoice, *amount))
            .collect(),
        credit,
        outcome: outcome_of(due, allocated, credit),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(n: i64) -> Vnd {
        Vnd::new(n)
    }

    const A: InvoiceId = InvoiceId(1);
    const B: InvoiceId = InvoiceId(2);

    #[test]
    fn every_case() {
        assert_eq!(
            settle(v(980_000), &[(A, v(980_000))]).outcome,
            Outcome::Matched
        );
        let short = settle(v(500_000), &[(A, v(980_000))]);
        assert_eq!(
            (short.outcome, short.allocations.clone(), short.credit),
            (Outcome::PartlyPaid, vec![(A, v(500_000))], Vnd::ZERO)
        );
        let over = settle(v(1_000_000), &[(A, v(980_000))]);
        assert_eq!((over.outcome, over.credit), (Outcome::Overpaid, v(20_000)));
        assert_eq!(
            settle(v(980_000), &[(A, Vnd::ZERO)]).outcome,
            Outcome::Duplicate
        );
        assert_eq!(settle(v(980_000), &[]).outcome, Outcome::Unmatched);
        let group = settle(v(1_725_000), &[(A, v(745_000)), (B, v(980_000))]);
        assert_eq!(group.allocations, vec![(A, v(745_000)), (B, v(980_000))]);
        assert_eq!(group.outcome, Outcome::Matched);
    }

    #[test]
    fn a_split_by_hand_follows_the_same_rule() {
        let both = settle_by_hand(v(1_000), &[(A, v(600), v(600)), (B, v(400), v(400))]).unwrap();
        assert_eq!((both.outcome, both.credit), (Outcome::Matched, Vnd::ZERO));
        let short = settle_by_hand(v(500), &[(A, v(600), v(500))]).unwrap();
        assert_eq!(short.outcome, Outcome::PartlyPaid);
        let over = settle_by_hand(v(900), &[(A, v(600), v(300))]).unwrap();
        assert_eq!((over.outcome, over.credit), (Outcome::Overpaid, v(600)));
        assert_eq!(
            settle_by_hand(v(900), &[(A, v(600), v(700))]),
            Err(HandProblem::TooLarge)
        );
        assert_eq!(
            settle_by_hand(v(500), &[(A, v(600), v(300)), (B, v(600), v(300))]),
            Err(HandProblem::TooLarge)
        );
        assert_eq!(
            settle_by_hand(v(900), &[(A, v(600), v(100)), (A, v(600), v(100))]),
            Err(HandProblem::BadPart)
        );
    }

    proptest! {
        /// Paying what the code names, or splitting the same by hand over the
        /// same invoices, names the settlement alike.
        #[test]
        fn by_code_and_by_hand_agree(amount in 1i64..5_000_000, balances in proptest::collection::vec(1i64..3_000_000, 1..5)) {
            let list: Vec<(InvoiceId, Vnd)> = balances.iter().enumerate().map(|(i, b)| (InvoiceId(i as i64), v(*b))).collect();
            let auto = settle(v(amount), &list);
            let parts: Vec<(InvoiceId, Vnd, Vnd)> = auto.allocations.iter().map(|(id, a)| (*id, list[id.get() as usize].1, *a)).collect();
            // By hand, the invoices the code filled up are the ones chosen.
            let due_chosen: Vnd = parts.iter().map(|p| p.1).sum();
            let due_all: Vnd = list.iter().map(|p| p.1).sum();
            let by_hand = settle_by_hand(v(amount), &parts).unwrap();
            prop_assert_eq!(by_hand.credit, auto.credit);
            if due_chosen == due_all {
                prop_assert_eq!(by_hand.outcome, auto.outcome);
            }
        }


        /// What `settles` says is what `settle` does: something allocated.
        #[test]
        fn settles_means_something_allocated(amount in 1i64..10_000_000, balances in proptest::collection::vec(prop_oneof![Just(0i64), 1i64..3_000_000], 0..5)) {
            // Zero balances often: invoices paid already (a possible double payment).
            let list: Vec<(InvoiceId, Vnd)> = balances.iter().enumerate().map(|(i, b)| (InvoiceId(i as i64), v(*b))).collect();
            let s = settle(v(amount), &list);
            prop_assert_eq!(s.outcome.settles(), !s.allocations.is_empty());
        }

        #[test]
        fn nothing_is_lost_or_over_allocated(amount in 1i64..10_000_000, balances in proptest::collection::vec(0i64..3_000_000, 1..5)) {
            let list: Vec<(InvoiceId, Vnd)> = balances.iter().enumerate().map(|(i, b)| (InvoiceId(i as i64), v(*b))).collect();
            let s = settle(v(amount), &list);
            if s.outcome != Outcome::Duplicate {
                let allocated: Vnd = s.allocations.iter().map(|(_, a)| *a).sum();
                prop_assert_eq!(allocated + s.credit, v(amount));
            }
            for (id, a) in &s.allocations {
                prop_assert!(*a <= list[id.get() as usize].1 && a.is_positive());
            }
        }
    }
}
