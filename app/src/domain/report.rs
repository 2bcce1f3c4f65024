//! The figures a school reports and its supervising office reads: what was due and
//! collected in a period, the collection rate, the cashless share by count and
//! by value, the split by method, and how fast complaints were resolved. Pure:
//! sums in, figures out; rates are whole basis points (1/100 of a percent), so
//! no float comes near money.

use super::money::Vnd;
use serde::{Deserialize, Serialize};

/// How money reached the school, as the plan counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    /// VietQR bank transfer.
    QrTransfer,
    /// Website payment through the gateway.
    Website,
    MobileMoney,
    /// Card at the POS terminal.
    Card,
    /// Cash at the office: not cashless.
    Cash,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::QrTransfer,
        Channel::Website,
        Channel::MobileMoney,
        Channel::Card,
        Channel::Cash,
    ];

    /// From `payment.method`.
    pub fn from_method(method: &str) -> Channel {
        match method {
            "gateway" => Channel::Website,
            "mobile_money" => Channel::MobileMoney,
            "card" => Channel::Card,
            "cash" => Channel::Cash,
            _ => Channel::QrTransfer,
        }
    }

    pub fn is_cashless(self) -> bool {
        self != Channel::Cash
    }

    /// (Vietnamese, English)
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Channel::QrTransfer => ("Chuyển khoản QR", "QR transfer"),
            Channel::Website => ("Cổng thanh toán", "Website"),
            Channel::MobileMoney => ("Mobile Money", "Mobile Money"),
            Channel::Card => ("Thẻ (POS)", "Card (POS)"),
            Channel::Cash => ("Tiền mặt", "Cash"),
        }
    }
}

/// Money that came one way: how many payments, how much.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub count: i64,
    pub amount: Vnd,
}

impl std::ops::AddAssign for Flow {
    fn add_assign(&mut self, other: Flow) {
        self.count += other.count;
        self.amount += other.amount;
    }
}

/// A share in basis points (10 000 = 100 %), rounded half up; `None` when
/// there is nothing to share. Some but not all is never rounded to all or
/// nothing: "100 %" cashless with a cash payment in it would hide that payment.
pub fn share(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| {
        let bp = (part * 10_000 + whole / 2) / whole;
        if part > 0 && part < whole {
            bp.clamp(1, 9_999)
        } else {
            bp
        }
    })
}

/// "87,5 %" (Vietnamese decimal comma), from basis points. The space is a
/// no-break one: "(47,1" at a line's end and "%)" alone on the next read badly.
pub fn percent_label(basis_points: Option<i64>) -> String {
    match basis_points {
        None => "—".into(),
        Some(bp) => {
            // Some but not all stays off "0 %" and "100 %", as in `share`.
            let tenths = (bp + 5) / 10;
            let tenths = if bp > 0 && bp < 10_000 {
                tenths.clamp(1, 999)
            } else {
                tenths
            };
            if tenths % 10 == 0 {
                format!("{}\u{a0}%", tenths / 10)
            } else {
                format!("{},{}\u{a0}%", tenths / 10, tenths % 10)
            }
        }
    }
}

/// The median of durations (seconds); the lower middle for an even count, so
/// it is always a real case's duration.
pub fn median(mut durations: Vec<i64>) -> Option<i64> {
    if durations.is_empty() {
        return None;
    }
    durations.sort_unstable();
    Some(durations[(durations.len() - 1) / 2])
}

/// One school's figures for a period, from the sums the database gives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Invoices issued in the period, voided ones excluded.
    pub invoices: i64,
    pub due: Vnd,
    /// Paid towards those invoices (by any method).
    pub collected: Vnd,
    /// Payments towards those invoices, by channel, in `Channel::ALL` order.
    pub by_channel: [Flow; 5],
    /// Bank transfers that reached the school and wait to be matched by hand.
    pub unmatched: i64,
    pub complaints_open: i64,
    /// Seconds from filing to an answer that closed it, for complaints closed in the period.
    pub resolve_times: Vec<i64>,
}

impl Figures {
    pub fn channel(&self, c: Channel) -> Flow {
        self.by_channel[Channel::ALL.iter().position(|x| *x == c).unwrap_or(0)]
    }

    pub fn collection_rate(&self) -> Option<i64> {
        share(self.collected.dong(), self.due.dong())
    }

    fn cashless(&self) -> Flow {
        let mut f = Flow::default();
        for c in Channel::ALL.into_iter().filter(|c| c.is_cashless()) {
            f += self.channel(c);
        }
        f
    }

    fn all(&self) -> Flow {
        let mut f = Flow::default();
        for flow in self.by_channel {
            f += flow;
        }
        f
    }

    /// Cashless payments' share of the number of payments.
    pub fn cashless_share_by_count(&self) -> Option<i64> {
        share(self.cashless().count, self.all().count)
    }

    /// Cashless payments' share of the money collected.
    pub fn cashless_share_by_value(&self) -> Option<i64> {
        share(self.cashless().amount.dong(), self.all().amount.dong())
    }

    pub fn median_resolve_secs(&self) -> Option<i64> {
        median(self.resolve_times.clone())
    }

    /// The median time to resolve a complaint in whole hours, rounded to the
    /// nearest: the one figure the screen and the .xlsx both show.
    pub fn median_resolve_hours(&self) -> Option<i64> {
        self.median_resolve_secs().map(|s| (s + 1800) / 3600)
    }

    /// The sum of several schools' figures (an office's total).
    pub fn total<'a>(schools: impl IntoIterator<Item = &'a Figures>) -> Figures {
        let mut t = Figures::default();
        for f in schools {
            t.invoices += f.invoices;
            t.due += f.due;
            t.collected += f.collected;
            for (a, b) in t.by_channel.iter_mut().zip(f.by_channel) {
                *a += b;
            }
            t.unmatched += f.unmatched;
            t.complaints_open += f.complaints_open;
            t.resolve_times.extend(&f.resolve_times);
        }
        t
    }
}

/// Where a school stands against a reporting deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Submitted by the deadline.
    OnTime,
    /// Submitted this many days after it.
    Late { days: i64 },
    /// The office sent it back: the school must submit again.
    SentBack,
    /// Not submitted, the deadline not passed.
    Due,
    /// Not submitted, the deadline passed this many days ago.
    Overdue { days: i64 },
}

/// A school's standing for one period: its latest report, if any (the day it
/// was submitted, and whether the office sent it back), against the deadline.
pub fn standing(
    latest: Option<(super::date::Date, bool)>,
    due: super::date::Date,
    today: super::date::Date,
) -> Standing {
    match latest {
        Some((_, true)) => Standing::SentBack,
        Some((on, false)) if on <= due => Standing::OnTime,
        Some((on, false)) => Standing::Late {
            days: on.to_days() - due.to_days(),
        },
        None if today <= due => Standing::Due,
        None => Standing::Overdue {
            days: today.to_days() - due.to_days(),
        },
    }
}

/// The deadline to look at first: the next one still to come, else the newest.
/// `deadlines` are (index, due day) in any order.
pub fn deadline_to_show(
    deadlines: &[(usize, super::date::Date)],
    today: super::date::Date,
) -> Option<usize> {
    deadlines
        .iter()
        .filter(|(_, due)| *due >= today)
        .min_by_key(|(_, due)| *due)
        .or_else(|| deadlines.iter().max_by_key(|(_, due)| *due))
        .map(|(i, _)| *i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(count: i64, amount: i64) -> Flow {
        Flow {
            count,
            amount: Vnd::new(amount),
        }
    }

    #[test]
    fn shares_are_whole_basis_points_rounded_half_up() {
        assert_eq!(share(1, 3), Some(3_333));
        assert_eq!(share(2, 3), Some(6_667));
        assert_eq!(share(0, 0), None);
        assert_eq!(percent_label(share(7, 8)), "87,5\u{a0}%");
        assert_eq!(percent_label(share(1, 1)), "100\u{a0}%");
        assert_eq!(percent_label(None), "—");
    }

    #[test]
    fn some_but_not_all_is_never_shown_as_all_or_nothing() {
        // One cash payment among 2,500: 99,96 % cashless, not 100 %.
        assert_eq!(share(2_499, 2_500), Some(9_996));
        assert_eq!(percent_label(share(2_499, 2_500)), "99,9\u{a0}%");
        assert_eq!(share(99_999, 100_000), Some(9_999));
        assert_eq!(percent_label(share(99_999, 100_000)), "99,9\u{a0}%");
        assert_eq!(share(1, 100_000), Some(1));
        assert_eq!(percent_label(share(1, 100_000)), "0,1\u{a0}%");
        assert_eq!(percent_label(share(0, 5)), "0\u{a0}%");
        assert_eq!(percent_label(share(5, 5)), "100\u{a0}%");
    }

    #[test]
    fn a_hand_computed_school() {
        // Due 3 000 000; paid 2 100 000: QR 2 × 900 000, cash 1 × 300 000.
        let f = Figures {
            invoices: 3,
            due: Vnd::new(3_000_000),
            collected: Vnd::new(2_100_000),
            by_channel: [
                flow(2, 1_800_000),
                Flow::default(),
                Flow::default(),
                Flow::default(),
                flow(1, 300_000),
            ],
            unmatched: 1,
            complaints_open: 0,
            resolve_times: vec![3_600, 86_400, 7_200],
        };
        assert_eq!(f.collection_rate(), Some(7_000));
        assert_eq!(f.cashless_share_by_count(), Some(6_667));
        assert_eq!(f.cashless_share_by_value(), Some(8_571));
        assert_eq!(f.median_resolve_secs(), Some(7_200));
        assert_eq!(f.median_resolve_hours(), Some(2));
        let t = Figures::total([&f, &f]);
        assert_eq!(
            (t.invoices, t.due, t.collection_rate()),
            (6, Vnd::new(6_000_000), Some(7_000))
        );
        assert_eq!(t.median_resolve_secs(), Some(7_200));
    }

    #[test]
    fn the_median_is_a_real_case() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![10, 40]), Some(10));
        assert_eq!(median(vec![5, 1, 9]), Some(5));
    }

    #[test]
    fn a_school_stands_against_the_deadline() {
        use crate::domain::date::Date;
        let d = |day: u8, month: u8| Date::new(2026, month, day).unwrap();
        let due = d(5, 12);
        assert_eq!(
            standing(Some((d(3, 12), false)), due, d(10, 12)),
            Standing::OnTime
        );
        assert_eq!(
            standing(Some((d(5, 12), false)), due, d(10, 12)),
            Standing::OnTime
        );
        assert_eq!(
            standing(Some((d(8, 12), false)), due, d(10, 12)),
            Standing::Late { days: 3 }
        );
        assert_eq!(
            standing(Some((d(3, 12), true)), due, d(10, 12)),
            Standing::SentBack
        );
        assert_eq!(standing(None, due, d(5, 12)), Standing::Due);
        assert_eq!(standing(None, due, d(7, 12)), Standing::Overdue { days: 2 });
    }

    #[test]
    fn the_next_deadline_is_shown_first_else_the_newest() {
        use crate::domain::date::Date;
        let d = |day: u8, month: u8| Date::new(2026, month, day).unwrap();
        let list = [(0, d(5, 11)), (1, d(5, 12)), (2, d(5, 10))];
        assert_eq!(deadline_to_show(&list, d(2, 12)), Some(1));
        assert_eq!(deadline_to_show(&list, d(1, 11)), Some(0));
        assert_eq!(
            deadline_to_show(&list, d(6, 12)),
            Some(1),
            "all past: the newest"
        );
        assert_eq!(deadline_to_show(&[], d(6, 12)), None);
    }
}
