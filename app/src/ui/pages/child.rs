//! One child's invoices, newest first.

use crate::api::parent::LoadChild;
use crate::error::AppError;
use crate::model::{ChildOverview, InvoiceSummary};
use crate::ui::components::contacts::SchoolContacts;
use crate::ui::components::notice::{ErrorNotice, Loading};
use crate::ui::components::status::StatusBadge;
use crate::ui::offline::{online_or_kept, KeptNotice};
use crate::ui::rpc::call;
use crate::ui::storage;
use crate::ui::texts;
use leptos::prelude::*;

/// The child a page is about, from the device's list; `None` if this device never
/// looked them up (e.g. a link copied from another phone).
pub fn saved_child_param() -> Option<storage::SavedChild> {
    let id = crate::ui::router::param("child")?;
    storage::child(&id)
}

/// When the device does not know the child, or its access expired.
#[component]
pub fn LookUpAgain(error: AppError) -> impl IntoView {
    view! {
        <ErrorNotice error/>
        <a href="/" class="inline-flex min-h-12 items-center rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white">
            {texts().lookup_title}
        </a>
    }
}

/// A child's or invoice's page opened on a phone that never looked the child
/// up (a link forwarded in a chat): nothing has expired, the page is simply
/// not this phone's to show. Says so, and how to see it here.
#[component]
pub fn NotOnThisPhone() -> impl IntoView {
    view! {
        <div class="py-6">
            <p role="alert" class="rounded-lg border border-amber-400 bg-amber-50 p-4 text-base text-amber-950" data-testid="not-on-this-phone">
                {crate::ui::tr(
                    "Trang này chỉ mở được trên điện thoại đã tra cứu học sinh. Để xem trên máy này, hãy tra cứu bằng mã học sinh và ngày sinh của con.",
                    "This page opens only on the phone that looked the child up. To see it on this phone, look the child up with the student code and date of birth.")}
            </p>
            <a href="/" class="mt-4 inline-flex min-h-12 items-center rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white">
                {texts().lookup_title}
            </a>
        </div>
    }
}

#[component]
pub fn ChildPage() -> impl IntoView {
    let Some(child) = saved_child_param() else {
        return view! { <NotOnThisPhone/> }.into_any();
    };
    let token = child.access.token.clone();
    let key = format!("child.{}.", child.id);
    let overview = crate::ui::fetch::Fetch::new(move || {
        online_or_kept(
            key.clone(),
            call(LoadChild {
                token: token.clone(),
            }),
        )
    });
    let child_id = child.id.clone();
    view! {
        <div class="py-4">
            <a href="/" class="inline-flex min-h-11 items-center text-base text-teal-800 underline">
                "← " {texts().back}
            </a>
            {move || match overview.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <LookUpAgain error=e/> }.into_any(),
                Some(Ok(seen)) => view! {
                    <KeptNotice kept_at=seen.kept_at/>
                    <Overview overview=seen.value child_id=child_id.clone()/>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}

#[component]
fn Overview(overview: ChildOverview, child_id: String) -> impl IntoView {
    let empty = overview.invoices.is_empty();
    view! {
        <h1 class="mt-2 text-2xl font-bold text-gray-900">{overview.student_name.clone()}</h1>
        <p class="text-base text-gray-700">{format!("{} · {}", overview.class_name, overview.school_name)}</p>
        <h2 class="mt-6 text-xl font-bold text-gray-900">{texts().invoices}</h2>
        {empty.then(|| view! { <p class="mt-2 text-gray-700">{texts().no_invoices}</p> })}
        <ul class="mt-2 space-y-3">
            {overview.invoices.into_iter().map(|inv| view! { <InvoiceCard invoice=inv child_id=child_id.clone()/> }).collect_view()}
        </ul>
        <crate::ui::components::receipt_list::ReceiptList receipts=overview.receipts/>
        <SchoolContacts contacts=overview.contacts/>
    }
}

#[component]
fn InvoiceCard(invoice: InvoiceSummary, child_id: String) -> impl IntoView {
    let href = format!("/con/{child_id}/{}", invoice.code);
    let balance = (invoice.total - invoice.paid).clamp_non_negative();
    // Partly paid: the big figure is what is still to pay, the one to transfer
    // (a grandparent transferred the total, shown big, again), named; the
    // total and what was paid under it.
    let part_paid = invoice.status.is_open() && invoice.paid.is_positive();
    view! {
        <li>
            <a href=href class="block rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200 hover:ring-teal-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-teal-700">
                <div class="flex flex-wrap items-start justify-between gap-2">
                    <span class="text-lg font-semibold text-gray-900">{invoice.title.clone()}</span>
                    <StatusBadge status=invoice.status/>
                </div>
                <div class="mt-2 flex items-end justify-between">
                    <span class="text-sm text-gray-700">{texts().due_on} " " {invoice.due_on.dmy()}</span>
                    <span class="text-right" data-testid="card-amount">
                        {part_paid.then(|| view! { <span class="block text-sm text-gray-700">{texts().balance}</span> })}
                        <span class="block text-2xl font-bold whitespace-nowrap text-gray-900">{if part_paid { balance } else { invoice.total }.to_string()}</span>
                    </span>
                </div>
                {part_paid.then(|| view! {
                    <p class="mt-1 text-right text-sm text-gray-700" data-testid="card-paid">
                        <span class="whitespace-nowrap">{format!("{} {}", texts().total, invoice.total)}</span>
                        " · "
                        <span class="whitespace-nowrap">{format!("{} {}", texts().paid, invoice.paid)}</span>
                    </p>
                })}
            </a>
        </li>
    }
}
