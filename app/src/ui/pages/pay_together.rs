//! Paying several invoices with one transfer: every open invoice of every child
//! this device knows, one QR per school.

use crate::api::parent::{LoadChild, PayTogether};
use crate::domain::money::Vnd;
use crate::domain::vietqr::VietQr;
use crate::error::AppError;
use crate::model::GroupPayment;
use crate::ui::components::copy::TransferDetails;
use crate::ui::components::notice::{ErrorNotice, FraudWarning, Loading};
use crate::ui::components::qr::VietQrCode;
use crate::ui::rpc::call;
use crate::ui::storage;
use crate::ui::{texts, tr};
use leptos::prelude::*;
use leptos::task::spawn_local;

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

/// What could be loaded, and the children whose invoices could not be: "nothing
/// to pay" is said only when every child was asked.
#[derive(Clone, PartialEq, Default)]
struct Loaded {
    open: Vec<Open>,
    /// (the child's name as saved on this device, why it failed)
    failed: Vec<(String, AppError)>,
}

#[component]
pub fn PayTogetherPage() -> impl IntoView {
    let loaded = crate::ui::fetch::Fetch::new(|| async {
        let mut out = Loaded::default();
        for child in storage::children() {
            match call(LoadChild {
                token: child.access.token.clone(),
            })
            .await
            {
                Ok(o) => {
                    for inv in o.invoices.into_iter().filter(|i| i.status.is_open()) {
                        out.open.push(Open {
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
                Err(e) => out.failed.push((child.access.student_name.clone(), e)),
            }
        }
        out
    });
    let groups = RwSignal::new(None::<Vec<GroupPayment>>);
    let error = RwSignal::new(None::<AppError>);
    // "Make the QR" pressed with every box unticked.
    let nothing_chosen = RwSignal::new(false);
    // A box ticked or unticked: the codes made for the old choice no longer
    // match it (a parent would pay for a child just taken off), so they go.
    // Which choice the codes on their way were made for: an answer for an
    // earlier choice (a box ticked while the QR was being made) is dropped.
    let choice = RwSignal::new(0u32);
    let choice_changed = move || {
        choice.update(|n| *n += 1);
        groups.set(None);
        error.set(None);
        nothing_chosen.set(false);
    };
    // One press makes one set of codes: a second press while the first is on
    // its way does nothing.
    let busy = RwSignal::new(false);
    let results = NodeRef::<leptos::html::Div>::new();
    let make = move |_| {
        if busy.get_untracked() {
            return;
        }
        let items: Vec<(String, String)> = loaded
            .get_untracked()
            .unwrap_or_default()
            .open
            .into_iter()
            .filter(|o| o.chosen.get_untracked())
            .map(|o| (o.token, o.code))
            .collect();
        error.set(None);
        if items.is_empty() {
            nothing_chosen.set(true);
            return;
        }
        busy.set(true);
        let made_for = choice.get_untracked();
        spawn_local(async move {
            let outcome = call(PayTogether { items }).await;
            busy.set(false);
            if choice.get_untracked() != made_for {
                return;
            }
            match outcome {
                Ok(g) => {
                    groups.set(Some(g));
                    // The new codes are below the list: take the parent to them.
                    request_animation_frame(move || {
                        if let Some(el) = results.get_untracked() {
                            el.scroll_into_view();
                        }
                    });
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="py-4">
            <a href="/" class="inline-flex min-h-11 items-center text-base text-teal-800 underline">"← " {texts().back}</a>
            <h1 class="mt-2 text-2xl font-bold text-gray-900">{texts().pay_together_title}</h1>
            <p class="text-base text-gray-700">{texts().pay_together_intro}</p>
            {move || match loaded.get() {
                None => view! { <Loading/> }.into_any(),
                Some(l) => view! {
                    <Failed failed=l.failed.clone() retry=move || loaded.refetch()/>
                    {if l.open.is_empty() {
                        (l.failed.is_empty()).then(|| view! { <p class="mt-4 text-lg" data-testid="nothing-to-pay">{texts().nothing_to_pay}</p> }).into_any()
                    } else {
                        view! { <Choose open=l.open.clone() on_change=choice_changed/>
                            <button type="button" on:click=make prop:disabled=move || busy.get()
                                class="mt-4 min-h-12 w-full rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white hover:bg-teal-800 disabled:opacity-60">
                                {move || if busy.get() { tr("Đang tạo mã QR…", "Making the QR code…") } else { texts().make_group_qr }}
                            </button>
                        }.into_any()
                    }}
                }.into_any(),
            }}
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {move || nothing_chosen.get().then(|| view! {
                <p role="alert" class="mt-4 rounded-lg border border-amber-400 bg-amber-50 p-3 text-base text-amber-950" data-testid="nothing-chosen">
                    {tr("Hãy đánh dấu ít nhất một khoản cần nộp.", "Tick at least one fee to pay.")}
                </p>
            })}
            <div node_ref=results class="scroll-mt-4">
                {move || groups.get().map(|gs| gs.into_iter().map(|g| view! { <GroupQr group=g/> }).collect_view())}
            </div>
            <FraudWarning/>
        </div>
    }
}

/// Children whose invoices could not be loaded (offline, a link expired): said,
/// with a way to try again, never taken for "nothing to pay".
#[component]
fn Failed(
    failed: Vec<(String, AppError)>,
    retry: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    (!failed.is_empty()).then(|| {
        view! {
            <div role="alert" class="mt-4 rounded-lg border border-red-300 bg-red-50 p-4 text-base text-red-900" data-testid="load-failed">
                <p class="font-semibold">{tr(
                    "Chưa tải được các khoản của:",
                    "Could not load the fees of:")}</p>
                <ul class="mt-1 list-disc pl-5">
                    {failed.into_iter().map(|(name, e)| view! {
                        <li>{format!("{name}: {}", texts().error_message(&e))}</li>
                    }).collect_view()}
                </ul>
                <p class="mt-1">{tr(
                    "Các khoản này có thể vẫn cần nộp.",
                    "These fees may still be due.")}</p>
                <button type="button" on:click=move |_| retry()
                    class="mt-2 min-h-11 rounded-lg border-2 border-red-800 bg-white px-4 font-semibold text-red-900">
                    {tr("Thử lại", "Try again")}
                </button>
            </div>
        }
    })
}

#[component]
fn Choose(open: Vec<Open>, on_change: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let chosen: Vec<(RwSignal<bool>, Vnd)> = open.iter().map(|o| (o.chosen, o.balance)).collect();
    let total = move || -> Vnd {
        chosen
            .iter()
            .filter(|(c, _)| c.get())
            .map(|(_, balance)| *balance)
            .sum()
    };
    view! {
        <ul class="mt-4 space-y-2">
            {open.into_iter().map(|o| view! {
                <li>
                    <label class="flex min-h-14 items-center gap-3 rounded-lg bg-white p-3 ring-1 ring-gray-200">
                        <input type="checkbox" class="h-6 w-6 shrink-0" prop:checked=move || o.chosen.get()
                            on:change=move |ev| { o.chosen.set(event_target_checked(&ev)); on_change(); }/>
                        // The child's name on its own line: beside the amount on a
                        // small phone, name and period together wrapped word by word.
                        <span class="min-w-0 flex-1">
                            <span class="block font-semibold">{o.student.clone()}</span>
                            <span class="block">{o.title.clone()}</span>
                            <span class="block text-sm text-gray-700">{o.school.clone()}</span>
                        </span>
                        <span class="font-semibold whitespace-nowrap">{o.balance.to_string()}</span>
                    </label>
                </li>
            }).collect_view()}
        </ul>
        <p class="mt-3 flex justify-between text-lg font-semibold" data-testid="chosen-total">
            <span>{tr("Tổng các khoản đã chọn", "Total of the ticked fees")}</span>
            <span class="whitespace-nowrap">{move || total().to_string()}</span>
        </p>
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
    let registry = format!("/tai-khoan/{}", group.school_slug);
    let count = group.invoices.len();
    let reason = format!(
        "{} {count} {}: {}",
        tr("Nộp chung", "Paying together"),
        tr("khoản", "fees"),
        group
            .invoices
            .iter()
            .map(|(s, t, _)| format!("{t} ({s})"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    // Children's names stay off the saved image: it may be shared.
    let caption = crate::ui::components::qr::caption(
        &group.school_name,
        format!(
            "{} {count} {}",
            tr("Nộp chung", "Paying together"),
            tr("khoản", "fees")
        ),
        group.total,
        &group.payee.account_name,
        &group.school_slug,
    );
    let beneficiary = if group.school_legal_name.is_empty() {
        group.school_name.clone()
    } else {
        group.school_legal_name.clone()
    };
    view! {
        <section class="mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" data-testid="group-qr">
            <h2 class="text-xl font-bold text-gray-900">{group.school_name.clone()}</h2>
            <ul class="mt-1 text-sm text-gray-700">
                {group.invoices.iter().map(|(s, t, a)| view! { <li>{format!("{s} · {t}: {a}")}</li> }).collect_view()}
            </ul>
            <div class="mt-3">
                {match payload {
                    Ok(p) => view! { <VietQrCode payload=p file_name=format!("vietqr-{}.png", group.code) caption/> }.into_any(),
                    Err(_) => view! { <p role="alert">{texts().err_internal}</p> }.into_any(),
                }}
            </div>
            <p class="mt-3 rounded-lg bg-teal-50 p-3 text-teal-950">{texts().check_payee} " " <strong>{group.payee.account_name.clone()}</strong>". "
                <a href=registry rel="external" class="underline">{tr(
                    "Xem các tài khoản chính thức của trường.",
                    "See the school's official accounts.")}</a></p>
            <TransferDetails payee=group.payee.clone() amount=group.total memo=group.memo.clone()/>
            <dl class="mt-3 space-y-2 text-base" data-testid="template">
                <div><dt class="text-sm text-gray-600">{texts().payer}</dt><dd>{texts().payer_value}</dd></div>
                <div><dt class="text-sm text-gray-600">{texts().beneficiary}</dt><dd class="font-semibold">{beneficiary}</dd></div>
                <div><dt class="text-sm text-gray-600">{texts().reason}</dt><dd>{reason}</dd></div>
                <div><dt class="text-sm text-gray-600">{texts().invoice_code}</dt>
                    <dd class="font-mono text-lg font-semibold tracking-wider">{group.code.to_string()}</dd></div>
            </dl>
        </section>
    }
}
