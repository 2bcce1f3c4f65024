//! Row ids on the money path, one type per table: a payment's id cannot be
//! passed where an invoice's is wanted, and (payment, invoice, amount) triples
//! cannot be swapped silently. Each is a whole number in JSON (`#[serde(transparent)]`)
//! and a `BIGINT` in both databases, so neither the wire nor the rows change.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares an id newtype over `i64`: shown and serialised as the bare number.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub const fn new(id: i64) -> Self {
                $name(id)
            }

            /// The bare number, for what still takes one (audit lines, messages).
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        #[cfg(feature = "ssr")]
        crate::domain::ids::bigint_in_database!($name);
    };
}

/// `sqlx::Any` reads and writes the newtype as the `i64` it wraps (`BIGINT`),
/// like [`crate::domain::money::Vnd`].
#[cfg(feature = "ssr")]
macro_rules! bigint_in_database {
    ($name:ident) => {
        const _: () = {
            use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
            use sqlx::encode::IsNull;
            use sqlx::error::BoxDynError;
            use sqlx::{Database, Decode, Encode, Type};

            impl Type<Any> for $name {
                fn type_info() -> AnyTypeInfo {
                    <i64 as Type<Any>>::type_info()
                }

                fn compatible(ty: &AnyTypeInfo) -> bool {
                    <i64 as Type<Any>>::compatible(ty)
                }
            }

            impl<'q> Encode<'q, Any> for $name {
                fn encode_by_ref(
                    &self,
                    buf: &mut <Any as Database>::ArgumentBuffer<'q>,
                ) -> Result<IsNull, BoxDynError> {
                    <i64 as Encode<'q, Any>>::encode_by_ref(&self.0, buf)
                }
            }

            impl<'r> Decode<'r, Any> for $name {
                fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                    Ok($name(<i64 as Decode<'r, Any>>::decode(value)?))
                }
            }
        };
    };
}
#[cfg(feature = "ssr")]
pub(crate) use bigint_in_database;

id_type!(
    /// A school (`school.id`).
    SchoolId
);
id_type!(
    /// A student (`student.id`).
    StudentId
);
id_type!(
    /// An invoice (`invoice.id`).
    InvoiceId
);
id_type!(
    /// A recorded payment (`payment.id`).
    PaymentId
);
id_type!(
    /// A receipt (`receipt.id`).
    ReceiptId
);
id_type!(
    /// A staff member (`staff.id`): who recorded, undid or refunded a payment.
    StaffId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_the_bare_number() {
        assert_eq!(serde_json::to_string(&PaymentId(42)).unwrap(), "42");
        let back: InvoiceId = serde_json::from_str("7").unwrap();
        assert_eq!(back, InvoiceId::new(7));
        assert_eq!(
            serde_json::to_string(&(SchoolId(1), StudentId(2), ReceiptId(3))).unwrap(),
            "[1,2,3]"
        );
        assert_eq!(SchoolId(12).to_string(), "12");
        assert_eq!(format!("{:?}", PaymentId(5)), "PaymentId(5)");
    }

    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn round_trips_through_the_database() {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (payment_id BIGINT NOT NULL, invoice_id BIGINT)")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT INTO t (payment_id, invoice_id) VALUES ($1, $2), ($3, $4)")
            .bind(PaymentId(9_007_199_254_740_993))
            .bind(Some(InvoiceId(3)))
            .bind(PaymentId(-1))
            .bind(None::<InvoiceId>)
            .execute(&mut conn)
            .await
            .unwrap();
        let rows: Vec<(PaymentId, Option<InvoiceId>)> =
            sqlx::query_as("SELECT payment_id, invoice_id FROM t ORDER BY payment_id DESC")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        assert_eq!(
            rows,
            vec![
                (PaymentId(9_007_199_254_740_993), Some(InvoiceId(3))),
                (PaymentId(-1), None)
            ]
        );
        let plain: i64 = sqlx::query_scalar("SELECT payment_id FROM t WHERE payment_id = $1")
            .bind(PaymentId(-1))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(plain, -1);
    }
}
