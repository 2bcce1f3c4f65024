//! What an invoice contains: the fees that apply to a student for a month, the
//! reductions of their exemption policies, and credits carried over (meal days
//! absent, an overpayment). Pure arithmetic on whole đồng: a total is always the
//! sum of its lines and never negative.

use super::date::Month;
use super::money::Vnd;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Month,
    /// Billed in the first month of each semester (September, January).
    Semester,
    /// Billed in September.
    Year,
    /// Billed once per student, on their first invoice that includes it.
    Once,
    /// Price per school day (meals): times the month's school days.
    MealDay,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Month => "month",
            Unit::Semester => "semester",
            Unit::Year => "year",
            Unit::Once => "once",
            Unit::MealDay => "meal_day",
        }
    }

    pub fn parse(s: &str) -> Option<Unit> {
        [
            Unit::Month,
            Unit::Semester,
            Unit::Year,
            Unit::Once,
            Unit::MealDay,
        ]
        .into_iter()
        .find(|u| u.as_str() == s)
    }

    /// What one amount of this unit is for, after the amount ("30.000 đ mỗi ngày
    /// ăn"): `t` picks the language (parents' and staff's apps share these words).
    pub fn per(self, t: fn(&'static str, &'static str) -> &'static str) -> &'static str {
        match self {
            Unit::Month => t("mỗi tháng", "per month"),
            Unit::Semester => t("mỗi học kỳ", "per semester"),
            Unit::Year => t("mỗi năm học", "per school year"),
            Unit::Once => t("một lần", "once"),
            Unit::MealDay => t("mỗi ngày ăn", "per meal day"),
        }
    }

    /// Whether a fee of this unit is billed in `month` (for `Once`: if not billed before).
    pub fn billed_in(self, month: Month, billed_before: bool) -> bool {
        match self {
            Unit::Month | Unit::MealDay => true,
            Unit::Semester => month.month == 9 || month.month == 1,
            Unit::Year => month.month == 9,
            Unit::Once => !billed_before,
        }
    }
}

/// A fee item as it applies to one student this month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fee {
    pub fee_item_id: i64,
    pub name: String,
    pub amount: Vnd,
    pub unit: Unit,
}

/// A reduction of an exemption policy: `percent` off one fee item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reduction {
    pub fee_item_id: i64,
    pub percent: u8,
    pub policy: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    pub id: i64,
    pub amount: Vnd,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Fee,
    Reduction,
    Credit,
}

impl LineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Fee => "fee",
            LineKind::Reduction => "reduction",
            LineKind::Credit => "credit",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub fee_item_id: Option<i64>,
    pub description: String,
    pub quantity: i64,
    pub unit_amount: Vnd,
    pub amount: Vnd,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Computed {
    pub lines: Vec<Line>,
    pub total: Vnd,
    /// How much of each credit this invoice uses (the rest carries over).
    pub credits_used: Vec<(i64, Vnd)>,
}

/// The part of `amount` a reduction of `percent` takes off, rounded down to the
/// đồng (a family never pays more than the policy says, and never a fraction).
pub fn reduction_of(amount: Vnd, percent: u8) -> Vnd {
    let percent = i64::from(percent.min(100));
    Vnd::new(amount.dong() * percent / 100)
}

/// The invoice for one student and month.
pub fn compute(
    fees: &[Fee],
    school_days: i64,
    reductions: &[Reduction],
    credits: &[Credit],
    month: Month,
) -> Computed {
    let mut lines = Vec::new();
    for fee in fees {
        let (quantity, description) = match fee.unit {
            Unit::MealDay => (
                school_days,
                format!("{} ({} ngày × {})", fee.name, school_days, fee.amount),
            ),
            Unit::Month => (1, format!("{} tháng {}", fee.name, month.label())),
            _ => (1, fee.name.clone()),
        };
        let amount = fee.amount.times(quantity);
        lines.push(Line {
            kind: LineKind::Fee,
            fee_item_id: Some(fee.fee_item_id),
            description,
            quantity,
            unit_amount: fee.amount,
            amount,
        });
        // At most one reduction per fee: the most generous policy applies.
        if let Some(r) = reductions
            .iter()
            .filter(|r| r.fee_item_id == fee.fee_item_id)
            .max_by_key(|r| r.percent)
        {
            let off = reduction_of(amount, r.percent);
            if off.is_positive() {
                lines.push(Line {
                    kind: LineKind::Reduction,
                    fee_item_id: Some(fee.fee_item_id),
                    description: format!(
                        "Miễn giảm {}% {} ({})",
                        r.percent.min(100),
                        fee.name,
                        r.policy
                    ),
                    quantity: 1,
                    unit_amount: Vnd::ZERO - off,
                    amount: Vnd::ZERO - off,
                });
            }
        }
    }
    let mut due: Vnd = lines.iter().map(|l| l.amount).sum();
    let mut credits_used = Vec::new();
    for credit in credits {
        if !due.is_positive() {
            break;
        }
        let used = credit.amount.min(due).clamp_non_negative();
        if used.is_positive() {
            lines.push(Line {
                kind: LineKind::Credit,
                fee_item_id: None,
                description: format!("Trừ: {}", credit.reason),
                quantity: 1,
                unit_amount: Vnd::ZERO - used,
                amount: Vnd::ZERO - used,
            });
            credits_used.push((credit.id, used));
            due = due - used;
        }
    }
    Computed {
        total: lines.iter().map(|l| l.amount).sum(),
        lines,
        credits_used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nov() -> Month {
        Month {
            year: 2026,
            month: 11,
        }
    }

    fn fee(id: i64, amount: i64, unit: Unit) -> Fee {
        Fee {
            fee_item_id: id,
            name: format!("Khoản {id}"),
            amount: Vnd::new(amount),
            unit,
        }
    }

    #[test]
    fn meals_reductions_and_credits() {
        let fees = [fee(1, 30_000, Unit::MealDay), fee(2, 150_000, Unit::Month)];
        let reductions = [
            Reduction {
                fee_item_id: 1,
                percent: 50,
                policy: "Hộ nghèo".into(),
            },
            Reduction {
                fee_item_id: 1,
                percent: 30,
                policy: "Con thương binh".into(),
            },
        ];
        let credits = [Credit {
            id: 7,
            amount: Vnd::new(60_000),
            reason: "2 ngày nghỉ tháng 10".into(),
        }];
        let c = compute(&fees, 21, &reductions, &credits, nov());
        let amounts: Vec<i64> = c.lines.iter().map(|l| l.amount.dong()).collect();
        assert_eq!(amounts, vec![630_000, -315_000, 150_000, -60_000]);
        assert_eq!(c.total, Vnd::new(405_000));
        assert_eq!(c.credits_used, vec![(7, Vnd::new(60_000))]);
        assert!(c.lines[1].description.contains("50%"));
    }

    #[test]
    fn a_credit_larger_than_the_invoice_carries_the_rest_over() {
        let c = compute(
            &[fee(1, 100_000, Unit::Month)],
            20,
            &[],
            &[Credit {
                id: 1,
                amount: Vnd::new(250_000),
                reason: "Nộp thừa".into(),
            }],
            nov(),
        );
        assert_eq!(c.total, Vnd::ZERO);
        assert_eq!(c.credits_used, vec![(1, Vnd::new(100_000))]);
        let full = compute(
            &[fee(1, 100_000, Unit::Month)],
            20,
            &[Reduction {
                fee_item_id: 1,
                percent: 100,
                policy: "Miễn".into(),
            }],
            &[Credit {
                id: 1,
                amount: Vnd::new(5),
                reason: "x".into(),
            }],
            nov(),
        );
        assert_eq!(full.total, Vnd::ZERO);
        assert!(
            full.credits_used.is_empty(),
            "nothing to take a credit from"
        );
    }

    #[test]
    fn units_are_billed_in_their_months() {
        let sep = Month {
            year: 2026,
            month: 9,
        };
        assert!(Unit::Year.billed_in(sep, false) && !Unit::Year.billed_in(nov(), false));
        assert!(Unit::Semester.billed_in(
            Month {
                year: 2027,
                month: 1
            },
            false
        ));
        assert!(Unit::Once.billed_in(nov(), false) && !Unit::Once.billed_in(nov(), true));
        assert_eq!(reduction_of(Vnd::new(73_710), 70), Vnd::new(51_597));
    }

    proptest! {
        #[test]
        fn totals_equal_the_lines_and_never_go_negative(
            amounts in proptest::collection::vec((0i64..5_000_000, 0usize..5), 0..6),
            percents in proptest::collection::vec(0u8..=120, 0..6),
            credits in proptest::collection::vec(0i64..3_000_000, 0..4),
            days in 0i64..24,
        ) {
            let units = [Unit::Month, Unit::MealDay, Unit::Once, Unit::Semester, Unit::Year];
            let fees: Vec<Fee> = amounts.iter().enumerate().map(|(i, (a, u))| fee(i as i64, *a, units[*u])).collect();
            let reductions: Vec<Reduction> = percents.iter().enumerate()
                .map(|(i, p)| Reduction { fee_item_id: (i % 6) as i64, percent: *p, policy: "p".into() }).collect();
            let credits: Vec<Credit> = credits.iter().enumerate()
                .map(|(i, a)| Credit { id: i as i64, amount: Vnd::new(*a), reason: "c".into() }).collect();
            let c = compute(&fees, days, &reductions, &credits, nov());
            prop_assert_eq!(c.total, c.lines.iter().map(|l| l.amount).sum::<Vnd>());
            prop_assert!(c.total >= Vnd::ZERO);
            for (id, used) in &c.credits_used {
                prop_assert!(*used <= credits[*id as usize].amount);
            }
        }
    }
}
