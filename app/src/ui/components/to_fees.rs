//! The way back to the children's fees from a page outside the payment
//! journey (a receipt, the QR checker, complaints, an unknown address): the
//! installed app has no back button on some phones, and the small "hocphi" at
//! the top is not one a grandparent reads as the way back.

use crate::ui::tr;
use leptos::prelude::*;

/// "← Trang khoản thu của con": the first page, which lists the children this
/// phone has looked up; on a phone that has none it is the lookup form, and
/// the link says so (a receipt's link sent to the other parent).
#[component]
pub fn ToFees() -> impl IntoView {
    let label = if crate::ui::storage::children().is_empty() {
        tr("← Tra cứu khoản thu của con", "← Look up your child's fees")
    } else {
        tr("← Trang khoản thu của con", "← Your children's fees")
    };
    view! {
        <a href="/" rel="external" class="inline-flex min-h-11 items-center text-base text-teal-800 underline print:hidden" data-testid="to-fees">
            {label}
        </a>
    }
}
