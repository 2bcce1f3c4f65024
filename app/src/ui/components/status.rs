use crate::domain::invoice_status::{InvoiceStatus, PaymentState};
use crate::ui::texts;
use leptos::prelude::*;

#[component]
pub fn StatusBadge(status: InvoiceStatus) -> impl IntoView {
    let colour = match (status.state, status.overdue) {
        (_, true) => "bg-red-100 text-red-800 ring-red-300",
        (PaymentState::Paid, _) => "bg-green-100 text-green-800 ring-green-300",
        (PaymentState::PartlyPaid, _) => "bg-amber-100 text-amber-900 ring-amber-300",
        (PaymentState::Voided, _) => "bg-gray-100 text-gray-600 ring-gray-300",
        (PaymentState::Unpaid, _) => "bg-sky-100 text-sky-900 ring-sky-300",
    };
    view! {
        <span class=format!("inline-flex items-center gap-1 whitespace-nowrap rounded-full px-3 py-1 text-sm font-semibold ring-1 {colour}")>
            {texts().status(status)}
            {status.overdue.then(|| format!(" · {}", texts().overdue))}
        </span>
    }
}
