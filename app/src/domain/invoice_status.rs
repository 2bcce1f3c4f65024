//! An invoice's status is never stored: it follows from the money allocated to it,
//! its due date and today's date in Vietnam.

use super::date::Date;
use super::money::Vnd;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    Unpaid,
    PartlyPaid,
    Paid,
    Voided,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceStatus {
    pub state: PaymentState,
    /// Still owing money after the due date (Vietnam time).
    pub overdue: bool,
}

impl InvoiceStatus {
    pub fn derive(total: Vnd, paid: Vnd, due_on: Date, today: Date, voided: bool) -> InvoiceStatus {
        let state = if voided {
            PaymentState::Voided
        } else if paid >= total {
            PaymentState::Paid
        } else if paid.is_positive() {
            PaymentState::PartlyPaid
        } else {
            PaymentState::Unpaid
        };
        let owing = matches!(state, PaymentState::Unpaid | PaymentState::PartlyPaid);
        InvoiceStatus {
            state,
            overdue: owing && today > due_on,
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self.state, PaymentState::Unpaid | PaymentState::PartlyPaid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_payments_and_due_date() {
        let due = Date::new(2026, 11, 15).unwrap();
        let before = Date::new(2026, 11, 15).unwrap();
        let after = Date::new(2026, 11, 16).unwrap();
        let total = Vnd::new(733_710);
        let s = |paid: i64, today: Date| {
            InvoiceStatus::derive(total, Vnd::new(paid), due, today, false)
        };
        assert_eq!(
            s(0, before),
            InvoiceStatus {
                state: PaymentState::Unpaid,
                overdue: false
            }
        );
        assert_eq!(
            s(0, after),
            InvoiceStatus {
                state: PaymentState::Unpaid,
                overdue: true
            }
        );
        assert_eq!(
            s(100_000, after),
            InvoiceStatus {
                state: PaymentState::PartlyPaid,
                overdue: true
            }
        );
        assert_eq!(
            s(733_710, after),
            InvoiceStatus {
                state: PaymentState::Paid,
                overdue: false
            }
        );
        assert_eq!(s(800_000, after).state, PaymentState::Paid);
        let voided = InvoiceStatus::derive(total, Vnd::ZERO, due, after, true);
        assert_eq!(
            voided,
            InvoiceStatus {
                state: PaymentState::Voided,
                overdue: false
            }
        );
        assert!(!voided.is_open());
    }
}
