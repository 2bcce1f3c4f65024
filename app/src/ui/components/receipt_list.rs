//! A child's receipts, as links to the receipt app (another entry point: plain
//! links, which the router leaves to the browser).

use crate::domain::date::Date;
use crate::model::ReceiptLink;
use crate::ui::tr;
use leptos::prelude::*;

/// A child's receipts, each opening its page.
#[component]
pub fn ReceiptList(receipts: Vec<ReceiptLink>) -> impl IntoView {
    (!receipts.is_empty()).then(|| {
        view! {
            <section class="mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" aria-labelledby="receipts-title">
                <h2 id="receipts-title" class="text-xl font-bold text-gray-900">{tr("Biên lai", "Receipts")}</h2>
                <ul class="mt-2 divide-y divide-gray-100">
                    {receipts.into_iter().map(|r| view! {
                        <li>
                            <a href=format!("/r/{}#{}", r.code, r.proof) rel="external" class="flex min-h-11 items-center justify-between gap-2 py-2 text-teal-800 underline" data-testid="receipt-link">
                                // The number and the time on their own lines, the amount
                                // whole: on a small phone "1.010.000 / đ" split in two.
                                <span class="min-w-0">
                                    <span class="block font-mono">{r.label.clone()}</span>
                                    // Which month it paid: a receipt listed under an unpaid
                                    // month's card read as that month's.
                                    <span class="block text-sm text-gray-700 no-underline" data-testid="receipt-period">{format!("{} {} · {}",
                                        tr("Kỳ", "Period"), crate::domain::date::Month::label_of(&r.period), Date::moment_label(r.issued_at))}</span>
                                    {r.cancelled.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1 text-sm text-red-900 no-underline">{tr("đã huỷ", "cancelled")}</span> })}
                                </span>
                                <span class="font-semibold whitespace-nowrap">{r.total.to_string()}</span>
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
