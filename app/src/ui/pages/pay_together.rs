//! Paying several invoices with one transfer: every open invoice of every child
//! this device knows, one QR per school.

use crate::api::parent::{load_child, pay_together};
use crate::domain::vietqr::VietQr;
use crate::error::AppError;
use crate::model::GroupPayment;
use crate::ui::components::copy::CopyRow;
use crate::ui::components::notice::{ErrorNotice, FraudWarning, Loading};
use crate::ui::components::qr::VietQrCode;
use crate::ui::storage;
use crate::ui::texts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

/// An open invoice offered for paying together.
#[derive(Clone, PartialEq)]
struct Open {
    token: String,
    code: String,
    student: String,
    school: String,
    title: String,
    balance: crate::domain::money::Vnd,
    chosen: RwSignal<bool>,
}

#[component]
pub fn PayTogetherPage() -> impl IntoView {
    let open = crate::ui::fetch::Fetch::new(|| async {
        let mut out = Vec::new();
        for child in storage::children() {
            if let Ok(o) = load_child(child.access.token.clone()).await {
                for inv in o.invoices.into_iter().filter(|i| i.status.is_open()) {
                    out.push(Open {
                        token: child.access.token.clone(),
                        code: inv.code.to_string(),
                        student: o.student_name.clone(),
                        school: o.school_name.clone(),
                        title: inv.title,
                        balance: (inv.total - inv.paid).clamp_non_negative(),
                        chosen: RwSignal::new(true),
                    });
                }
            }
        }
        out
    });
    let groups = RwSignal::new(None::<Vec<GroupPayment>>);
    let error = RwSignal::new(None::<AppError>);
    let make = move |_| {
        let items: Vec<(String, String)> = open
            .get_untracked()
            .unwrap_or_default()
            .into_iter()
            .filter(|o| o.chosen.get_untracked())
            .map(|o| (o.token, o.code))
            .collect();
        spawn_local(async move {
            match pay_together(items).await {
                Ok(g) => groups.set(Some(g)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="py-4">
            <A href="/" attr:class="inline-flex min-h-11 items-center text-base text-teal-800 underline">"← " {texts().back}</A>
            <h1 class="mt-2 text-2xl font-bold text-gray-900">{texts().pay_together_title}</h1>
            <p class="text-base text-gray-700">{texts().pay_together_intro}</p>
            {move || match open.get() {
                None => view! { <Loading/> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="mt-4 text-lg">{texts().nothing_to_pay}</p> }.into_any(),
                Some(list) => view! {
                    <ul class="mt-4 space-y-2">
                        {list.into_iter().map(|o| view! {
                            <li>
                                <label class="flex min-h-14 items-center gap-3 rounded-lg bg-white p-3 ring-1 ring-gray-200">
                                    <input type="checkbox" class="h-6 w-6" prop:checked=move || o.chosen.get()
                                        on:change=move |ev| o.chosen.set(event_target_checked(&ev))/>
                                    <span class="flex-1">
                                        <span class="block font-semibold">{format!("{} · {}", o.student, o.title)}</span>
                                        <span class="block text-sm text-gray-700">{o.school.clone()}</span>
                                    </span>
                                    <span class="font-semibold whitespace-nowrap">{o.balance.to_string()}</span>
                                </label>
                            </li>
                        }).collect_view()}
                    </ul>
                    <button type="button" on:click=make
                        class="mt-4 min-h-12 w-full rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white hover:bg-teal-800">
                        {texts().make_group_qr}
                    </button>
                }.into_any(),
            }}
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {move || groups.get().map(|gs| gs.into_iter().map(|g| view! { <GroupQr group=g/> }).collect_view())}
            <FraudWarning/>
        </div>
    }
}

#[component]
fn GroupQr(group: GroupPayment) -> impl IntoView {
    let payload = VietQr::transfer(
        &group.payee.bin,
        &group.payee.account_number,
        group.total,
        group.code.as_str(),
        &group.memo,
    )
    .encode();
    view! {
        <section class="mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" data-testid="group-qr">
            <h2 class="text-xl font-bold text-gray-900">{group.school_name.clone()}</h2>
            <ul class="mt-1 text-sm text-gray-700">
                {group.invoices.iter().map(|(s, t, a)| view! { <li>{format!("{s} · {t}: {a}")}</li> }).collect_view()}
            </ul>
            <div class="mt-3">
                {match payload {
                    Ok(p) => view! { <VietQrCode payload=p file_name=format!("vietqr-{}.png", group.code)/> }.into_any(),
                    Err(_) => view! { <p role="alert">{texts().err_internal}</p> }.into_any(),
                }}
            </div>
            <p class="mt-3 rounded-lg bg-teal-50 p-3 text-teal-950">{texts().check_payee} " " <strong>{group.payee.account_name.clone()}</strong>"."</p>
            <CopyRow label=texts().account_number value=group.payee.account_number.clone()/>
            <CopyRow label=texts().amount value=group.total.dong().to_string() shown=group.total.to_string()/>
            <CopyRow label=texts().memo value=group.memo.clone()/>
        </section>
    }
}
