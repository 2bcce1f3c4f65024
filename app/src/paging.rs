//! How the staff's long lists are cut into pages and put in the order a person
//! asked for. Pure, so the browser's lists and the tests share it.

use crate::domain::invoice_status::PaymentState;
use crate::domain::money::Vnd;
use crate::staff::InvoiceRow;

/// Rows a long list shows at a time: enough to scan a class or two, few enough
/// to draw at once on a school's old laptop. The search narrows, the pages go on.
pub const PER_PAGE: usize = 100;

/// How many pages a list of `count` rows fills (at least one, even when empty).
pub fn page_count(count: usize) -> usize {
    count.div_ceil(PER_PAGE).max(1)
}

/// The page actually shown when `wanted` is asked for: a list that shrank
/// (a narrower search) shows its last page rather than nothing.
pub fn clamp_page(count: usize, wanted: usize) -> usize {
    wanted.min(page_count(count) - 1)
}

/// The rows of page `page` (from 0; clamped as in [`clamp_page`]).
pub fn page_rows<T>(list: Vec<T>, page: usize) -> Vec<T> {
    let page = clamp_page(list.len(), page);
    list.into_iter()
        .skip(page * PER_PAGE)
        .take(PER_PAGE)
        .collect()
}

/// The orders an accountant can put the invoice list in. The server's order
/// (newest period, then class by grade, then the register's Vietnamese name
/// order) is the default; the others keep it among equals, so a class's
/// children stay in register order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InvoiceOrder {
    #[default]
    NewestThenRegister,
    /// Who owes the most first: whom to call.
    MostOwed,
    /// The earliest due date first: what is late or nearly so.
    DueFirst,
}

impl InvoiceOrder {
    pub const ALL: [InvoiceOrder; 3] = [
        InvoiceOrder::NewestThenRegister,
        InvoiceOrder::MostOwed,
        InvoiceOrder::DueFirst,
    ];

    /// The value a `<select>` carries.
    pub fn key(self) -> &'static str {
        match self {
            InvoiceOrder::NewestThenRegister => "register",
            InvoiceOrder::MostOwed => "owed",
            InvoiceOrder::DueFirst => "due",
        }
    }

    pub fn from_key(key: &str) -> InvoiceOrder {
        Self::ALL
            .into_iter()
            .find(|o| o.key() == key)
            .unwrap_or_default()
    }

    /// Sorts rows that came in the server's order; stable, so ties keep it.
    pub fn sort(self, rows: &mut [InvoiceRow]) {
        // A voided invoice owes nothing, whatever its figures say.
        let owed = |r: &InvoiceRow| {
            if r.status.state == PaymentState::Voided {
                Vnd::ZERO
            } else {
                (r.total - r.paid).clamp_non_negative()
            }
        };
        match self {
            InvoiceOrder::NewestThenRegister => {}
            InvoiceOrder::MostOwed => rows.sort_by_key(|r| std::cmp::Reverse(owed(r))),
            // Settled and voided ones last: their due date no longer matters.
            InvoiceOrder::DueFirst => rows.sort_by_key(|r| (owed(r) == Vnd::ZERO, r.due_on)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::{Date, Month};
    use crate::domain::invoice_status::InvoiceStatus;

    #[test]
    fn pages_cover_every_row_once_and_a_shrunk_list_shows_its_last_page() {
        let rows: Vec<usize> = (0..250).collect();
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(100), 1);
        assert_eq!(page_count(101), 2);
        assert_eq!(page_count(250), 3);
        let seen: Vec<usize> = (0..page_count(250))
            .flat_map(|p| page_rows(rows.clone(), p))
            .collect();
        assert_eq!(seen, rows);
        assert_eq!(page_rows(rows.clone(), 2), (200..250).collect::<Vec<_>>());
        // On page 3 of 250, a search leaves 120 rows: page 2 shows, not an empty one.
        assert_eq!(clamp_page(120, 2), 1);
        assert_eq!(
            page_rows((0..120).collect::<Vec<_>>(), 2),
            (100..120).collect::<Vec<_>>()
        );
        assert!(page_rows(Vec::<u8>::new(), 5).is_empty());
    }

    fn row(name: &str, total: i64, paid: i64, due: &str, period: &str, voided: bool) -> InvoiceRow {
        let due_on = Date::parse_iso(due).unwrap();
        InvoiceRow {
            code: name.into(),
            student_code: String::new(),
            student_name: name.into(),
            class_name: "3A".into(),
            period: Month::parse(period).unwrap(),
            total: Vnd::new(total),
            paid: Vnd::new(paid),
            due_on,
            status: InvoiceStatus::derive(Vnd::new(total), Vnd::new(paid), due_on, due_on, voided),
            void_reason: None,
        }
    }

    fn names(rows: &[InvoiceRow]) -> Vec<&str> {
        rows.iter().map(|r| r.student_name.as_str()).collect()
    }

    #[test]
    fn invoices_by_what_is_owed_by_due_date_or_by_period_keep_register_order_among_equals() {
        let register = vec![
            row("An", 500_000, 500_000, "2026-10-10", "2026-10", false),
            row("Bình", 800_000, 0, "2026-11-10", "2026-11", false),
            row("Chi", 800_000, 0, "2026-11-10", "2026-11", false),
            row("Dũng", 900_000, 0, "2026-09-10", "2026-09", true),
            row("Hà", 800_000, 300_000, "2026-09-10", "2026-09", false),
        ];
        let sorted = |order: InvoiceOrder| {
            let mut rows = register.clone();
            order.sort(&mut rows);
            rows
        };
        assert_eq!(
            names(&sorted(InvoiceOrder::NewestThenRegister)),
            ["An", "Bình", "Chi", "Dũng", "Hà"]
        );
        // A voided invoice owes nothing; equal debts stay in register order.
        assert_eq!(
            names(&sorted(InvoiceOrder::MostOwed)),
            ["Bình", "Chi", "Hà", "An", "Dũng"]
        );
        assert_eq!(
            names(&sorted(InvoiceOrder::DueFirst)),
            ["Hà", "Bình", "Chi", "Dũng", "An"]
        );
        for order in InvoiceOrder::ALL {
            assert_eq!(InvoiceOrder::from_key(order.key()), order);
        }
        assert_eq!(
            InvoiceOrder::from_key("junk"),
            InvoiceOrder::NewestThenRegister
        );
    }
}
