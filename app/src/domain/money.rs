//! Money: an integer number of Vietnamese đồng. VND has no minor unit in practice
//! (ISO 4217 exponent 0), so there is nothing to round and never a float.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

/// An amount in đồng. Negative values are allowed for balances and credits.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Vnd(i64);

impl Vnd {
    pub const ZERO: Vnd = Vnd(0);

    pub const fn new(dong: i64) -> Self {
        Vnd(dong)
    }

    pub const fn dong(self) -> i64 {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// `self × quantity`, e.g. a daily meal price times the number of school days.
    pub fn times(self, quantity: i64) -> Vnd {
        Vnd(self.0.checked_mul(quantity).expect("money overflow"))
    }

    /// The larger of zero and `self`: what is still due once payments exceed the total.
    pub fn clamp_non_negative(self) -> Vnd {
        Vnd(self.0.max(0))
    }

    /// Digits grouped the Vietnamese way: `1250000` → `1.250.000`.
    pub fn grouped(self) -> String {
        let digits = grouped_digits(self.0.unsigned_abs());
        if self.0 < 0 {
            format!("-{digits}")
        } else {
            digits
        }
    }
}

/// A count written the Vietnamese way, dots between thousands: `250000` → `250.000`.
pub fn grouped_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

impl Vnd {
    /// `1.250.000 đ` with a no-break space, for a line of a screen that may
    /// wrap: a phone broke "3.720.000" from its "đ". Display keeps the plain
    /// space, for texts that leave the screen (files, messages, gateways).
    pub fn unbroken(self) -> String {
        format!("{}\u{a0}đ", self.grouped())
    }
}

/// `1.250.000 đ`, as Vietnamese invoices and banking apps write it.
impl fmt::Display for Vnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} đ", self.grouped())
    }
}

impl Add for Vnd {
    type Output = Vnd;
    fn add(self, rhs: Vnd) -> Vnd {
        Vnd(self.0.checked_add(rhs.0).expect("money overflow"))
    }
}

impl AddAssign for Vnd {
    fn add_assign(&mut self, rhs: Vnd) {
        *self = *self + rhs;
    }
}

impl Sub for Vnd {
    type Output = Vnd;
    fn sub(self, rhs: Vnd) -> Vnd {
        Vnd(self.0.checked_sub(rhs.0).expect("money overflow"))
    }
}

impl Sum for Vnd {
    fn sum<I: Iterator<Item = Vnd>>(iter: I) -> Vnd {
        iter.fold(Vnd::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_the_vietnamese_way() {
        assert_eq!(Vnd::new(0).to_string(), "0 đ");
        assert_eq!(Vnd::new(3_720_000).unbroken(), "3.720.000\u{a0}đ");
        assert_eq!(Vnd::new(999).to_string(), "999 đ");
        assert_eq!(Vnd::new(1_000).to_string(), "1.000 đ");
        assert_eq!(Vnd::new(1_250_000).to_string(), "1.250.000 đ");
        assert_eq!(Vnd::new(-73_710).to_string(), "-73.710 đ");
        assert_eq!(Vnd::new(100_000_000).grouped(), "100.000.000");
    }

    #[test]
    fn arithmetic() {
        let meals = Vnd::new(30_000).times(22);
        assert_eq!(meals, Vnd::new(660_000));
        let total: Vnd = [meals, Vnd::new(73_710)].into_iter().sum();
        assert_eq!(total.dong(), 733_710);
        assert_eq!((Vnd::new(5) - Vnd::new(7)).clamp_non_negative(), Vnd::ZERO);
    }

    proptest! {
        #[test]
        fn grouping_round_trips(n in -1_000_000_000_000i64..1_000_000_000_000) {
            let g = Vnd::new(n).grouped();
            prop_assert_eq!(g.replace('.', "").parse::<i64>().unwrap(), n);
            for part in g.trim_start_matches('-').split('.').skip(1) {
                prop_assert_eq!(part.len(), 3);
            }
        }
    }
}

/// Money reads and writes as a whole number of đồng in both databases
/// (`BIGINT`), so rows and parameters carry `Vnd` rather than a bare `i64`.
#[cfg(feature = "ssr")]
mod database {
    use super::Vnd;
    use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
    use sqlx::encode::IsNull;
    use sqlx::error::BoxDynError;
    use sqlx::{Database, Decode, Encode, Type};

    impl Type<Any> for Vnd {
        fn type_info() -> AnyTypeInfo {
            <i64 as Type<Any>>::type_info()
        }

        fn compatible(ty: &AnyTypeInfo) -> bool {
            <i64 as Type<Any>>::compatible(ty)
        }
    }

    impl<'q> Encode<'q, Any> for Vnd {
        fn encode_by_ref(
            &self,
            buf: &mut <Any as Database>::ArgumentBuffer<'q>,
        ) -> Result<IsNull, BoxDynError> {
            <i64 as Encode<'q, Any>>::encode_by_ref(&self.0, buf)
        }
    }

    impl<'r> Decode<'r, Any> for Vnd {
        fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
            Ok(Vnd(<i64 as Decode<'r, Any>>::decode(value)?))
        }
    }
}
