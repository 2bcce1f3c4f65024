//! Payments taken at the school office: a card at the POS terminal, or cash.

use super::tr;
use super::widgets::*;
use crate::api::office_payments::record_office_payment;
use crate::staff::OfficePayment;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn OfficePayments(school_id: i64) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let amount = AmountInput::new();
    let method = RwSignal::new("card".to_string());
    let terminal = RwSignal::new(String::new());
    let approval = RwSignal::new(String::new());
    let last4 = RwSignal::new(String::new());
    let payer = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let receipts = RwSignal::new(Vec::<String>::new());
    // Money is recorded once: a second click while the first is on its way does nothing.
    let pending = OneAtATime::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(parsed) = amount.take() else { return };
        let invoice = code.get_untracked();
        let payment = OfficePayment {
            invoice_code: invoice.clone(),
            amount: parsed,
            method: method.get_untracked(),
            terminal: terminal.get_untracked(),
            approval_code: approval.get_untracked(),
            card_last4: last4.get_untracked(),
            payer: payer.get_untracked(),
        };
        pending.run(async move {
            match record_office_payment(school_id, payment).await {
                Ok(codes) => {
                    receipts.set(codes);
                    // A new payment starts from an empty form: nothing carries over by mistake.
                    for field in [code, terminal, approval, last4, payer] {
                        field.set(String::new());
                    }
                    amount.clear();
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {parsed} {} {}. {}",
                        tr("Đã ghi nhận khoản nộp", "Recorded a payment of"),
                        tr("cho hoá đơn", "for invoice"),
                        invoice.trim().to_uppercase(),
                        tr("Đã lập biên lai.", "Its receipt is issued."),
                    ))));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="office-title">
            <h2 id="office-title" class=H2>{tr("Thu tại văn phòng: thẻ (POS) hoặc tiền mặt", "At the office: card (POS) or cash")}</h2>
            <p class="mt-1 text-sm text-gray-700">{tr(
                "Thẻ: chỉ ghi mã máy POS, mã chuẩn chi và 4 số cuối của thẻ. Tiền mặt được ghi nhận nhưng không tính là không dùng tiền mặt.",
                "Card: only the terminal id, the approval code and the card's last 4 digits. Cash is recorded but never counted as cashless.")}</p>
            <form class="mt-2 grid gap-3 sm:grid-cols-3" on:submit=submit>
                <Field id="office-code" label=tr("Mã hoá đơn", "Invoice code") value=code/>
                <AmountField id="office-amount" label=tr("Số tiền nhận (đồng)", "Amount received (đồng)") input=amount/>
                <div>
                    <label for="office-method" class="block text-sm font-semibold">{tr("Hình thức", "Method")}</label>
                    <select id="office-method" class=INPUT on:change=move |ev| method.set(event_target_value(&ev)) prop:value=move || method.get()>
                        <option value="card">{tr("Thẻ qua máy POS", "Card at the POS terminal")}</option>
                        <option value="cash">{tr("Tiền mặt", "Cash")}</option>
                    </select>
                </div>
                {move || (method.get() == "card").then(|| view! {
                    <Field id="office-terminal" label=tr("Mã máy POS (TID)", "Terminal id (TID)") value=terminal/>
                    <Field id="office-approval" label=tr("Mã chuẩn chi", "Approval code") value=approval/>
                    <Field id="office-last4" label=tr("4 số cuối của thẻ", "Card's last 4 digits") value=last4/>
                })}
                <Field id="office-payer" label=tr("Người nộp (không bắt buộc)", "Paid by (optional)") value=payer/>
                <div class="sm:col-span-3"><button type="submit" class=BUTTON prop:disabled=move || pending.busy()>{tr("Ghi nhận khoản nộp", "Record the payment")}</button></div>
            </form>
            <OutcomeNotice outcome/>
            {move || (!receipts.get().is_empty()).then(|| view! {
                <ul class="mt-2">
                    {receipts.get().into_iter().map(|c| view! {
                        <li><a class="underline" href=format!("/r/{c}") target="_blank" rel="noopener">{tr("Mở biên lai", "Open the receipt")}</a></li>
                    }).collect_view()}
                </ul>
            })}
            <PosImport school_id/>
        </section>
    }
}

/// The school's merchant account at the payment gateway (website payment).
#[component]
pub fn GatewaySetup(
    school_id: i64,
    current: Signal<Option<String>>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let tmn = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match crate::api::online_payment::save_gateway(
                school_id,
                tmn.get_untracked(),
                secret.get_untracked(),
            )
            .await
            {
                Ok(()) => {
                    secret.set(String::new());
                    refresh();
                    outcome.set(Some(Outcome::Done(
                        tr(
                            "Đã lưu. Khoá bí mật được mã hoá và không hiển thị lại.",
                            "Saved. The secret is sealed and never shown again.",
                        )
                        .into(),
                    )));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="gateway-title">
            <h2 id="gateway-title" class=H2>{tr("Cổng thanh toán trực tuyến (VNPay)", "Online payment gateway (VNPay)")}</h2>
            <p class="mt-1 text-sm text-gray-700">{tr(
                "Mã đơn vị (vnp_TmnCode) và khoá bí mật do cổng thanh toán cấp. Địa chỉ IPN khai báo với cổng: /api/v1/vnpay/ipn trên máy chủ hocphi của trường.",
                "The merchant code (vnp_TmnCode) and secret the gateway gave you. The IPN address to give the gateway: /api/v1/vnpay/ipn on your hocphi server.")}</p>
            <p class="mt-2 font-semibold" data-testid="gateway-current">{move || match current.get() {
                Some(tmn) => format!("{} {tmn} · {}", tr("Đang dùng mã đơn vị", "Using merchant code"), tr("khoá bí mật đã lưu (không hiển thị lại)", "secret saved (never shown again)")),
                None => tr("Chưa khai báo cổng thanh toán.", "No gateway set up yet.").to_string(),
            }}</p>
            <crate::ui::components::copy::CopyRow label=tr("Địa chỉ IPN khai báo với cổng", "IPN address for the gateway") value=format!("{origin}/api/v1/vnpay/ipn")/>
            <form class="mt-2 grid gap-3 sm:grid-cols-3" on:submit=save>
                <Field id="gateway-tmn" label=tr("Mã đơn vị (8 ký tự)", "Merchant code (8 characters)") value=tmn/>
                <Field id="gateway-secret" label=tr("Khoá bí mật", "Secret") value=secret kind="password" autocomplete="new-password"/>
                <div class="flex items-end"><button type="submit" class=BUTTON>{tr("Lưu cổng thanh toán", "Save the gateway")}</button></div>
            </form>
            <OutcomeNotice outcome/>
            {move || current.with(Option::is_some).then(|| view! { <OnlineOrders school_id/> })}
        </section>
    }
}

/// The last attempts to pay online: what the accountant checks when a parent
/// says "I paid on the website but it still says unpaid".
#[component]
fn OnlineOrders(school_id: i64) -> impl IntoView {
    let orders =
        crate::ui::fetch::Fetch::new(move || crate::api::online_payment::online_orders(school_id));
    let status_text = |status: &str, response: Option<&str>| match (status, response) {
        ("paid", _) => tr("Đã thanh toán", "Paid"),
        ("failed", _) => tr("Không thành công", "Failed"),
        // The parent came back with the gateway's success; its confirmation to
        // the school (IPN) is missing: the one to ask the gateway about.
        (_, Some("00")) => tr(
            "Cổng báo thành công cho phụ huynh, chưa gửi xác nhận cho trường",
            "The gateway told the parent it succeeded; no confirmation to the school yet",
        ),
        _ => tr("Đang chờ cổng xác nhận", "Waiting for the gateway"),
    };
    view! {
        <h3 class="mt-4 text-base font-semibold text-gray-900">{tr("Các lần thanh toán trực tuyến gần đây", "Recent online payments")}</h3>
        {move || match orders.get() {
            None => view! { <p class="mt-1 text-sm text-gray-600">{tr("Đang tải…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p role="alert" class="mt-1 text-red-800">{crate::i18n::staff_error_message(crate::ui::current_lang(), &e)}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <p class="mt-1 text-sm text-gray-600">{tr("Chưa có ai thanh toán trực tuyến.", "No one has paid online yet.")}</p>
            }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="mt-1 divide-y divide-gray-100" data-testid="online-orders">
                    {list.into_iter().map(|o| {
                        let detail = match (&o.response_code, &o.transaction_no) {
                            (Some(code), Some(no)) => format!("{} {code} · {} {no}", tr("mã phản hồi", "response"), tr("GD", "txn")),
                            (Some(code), None) => format!("{} {code}", tr("mã phản hồi", "response")),
                            _ => String::new(),
                        };
                        view! {
                            <li class="flex flex-wrap items-baseline justify-between gap-x-3 py-2">
                                <span class="font-mono">{o.code.clone()}</span>
                                <span class="font-medium whitespace-nowrap">{o.amount.to_string()}</span>
                                <span class="w-full text-sm text-gray-700">
                                    {crate::domain::date::Date::moment_label(o.created_at)} " · "
                                    <span class="font-semibold">{status_text(&o.status, o.response_code.as_deref())}</span>
                                    {(!detail.is_empty()).then(|| format!(" · {detail}"))}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

/// A POS terminal's settlement file: every card payment of the day at once.
#[component]
fn PosImport(school_id: i64) -> impl IntoView {
    use crate::api::office_payments::{commit_pos_settlement, preview_pos_settlement};
    use crate::staff::PosPreview;
    use wasm_bindgen::JsCast;
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let content = StoredValue::new(String::new());
    let preview = RwSignal::new(None::<PosPreview>);
    let outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let check = move |_| {
        let Some(input) = input_ref.get() else { return };
        let input: web_sys::HtmlInputElement = input.unchecked_into();
        preview.set(None);
        outcome.set(None);
        busy.set(true);
        spawn_local(async move {
            let Some(b64) = super::import::read_file(&input).await else {
                busy.set(false);
                return;
            };
            content.set_value(b64.clone());
            let r = preview_pos_settlement(school_id, b64).await;
            busy.set(false);
            match r {
                Ok(p) => preview.set(Some(p)),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let commit = move |_| {
        busy.set(true);
        spawn_local(async move {
            let r = commit_pos_settlement(school_id, content.get_value()).await;
            busy.set(false);
            match r {
                Ok(done) => {
                    preview.set(None);
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {}",
                        tr("Đã ghi các giao dịch thẻ:", "Card payments recorded:"),
                        done.lines.iter().filter(|l| !l.known).count()
                    ))));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <h3 class="mt-4 text-lg font-bold">{tr("Nhập file quyết toán máy POS", "Import the POS settlement file")}</h3>
        <p class="text-sm text-gray-700">{tr(
            "Tệp .xlsx hoặc .csv có các cột: mã máy (TID), thời gian, số thẻ (che), mã chuẩn chi, số tiền, ghi chú có mã hoá đơn.",
            "An .xlsx or .csv file with: terminal id, time, (masked) card number, approval code, amount, a note with the invoice code.")}</p>
        <div class="mt-2 flex flex-wrap items-end gap-3">
            <div>
                <label for="pos-file" class="block text-sm font-semibold">{tr("Tệp quyết toán", "Settlement file")}</label>
                <input id="pos-file" type="file" accept=".xlsx,.csv,text/csv" node_ref=input_ref class=FILE_INPUT/>
            </div>
            <button type="button" class=BUTTON_QUIET on:click=check prop:disabled=move || busy.get()>{tr("Đọc file quyết toán POS", "Read the POS settlement file")}</button>
        </div>
        {move || busy.get().then(|| view! { <progress class="mt-2 w-full" aria-label=tr("Đang xử lý…", "Working…")></progress> })}
        <OutcomeNotice outcome/>
        {move || preview.get().map(|p| {
            let new = p.lines.iter().filter(|l| !l.known).count();
            let ok = p.errors.is_empty() && new > 0;
            view! {
                <div class="mt-2" data-testid="pos-preview">
                    <p class="font-semibold">// Each figure stays on its label's line (a phone broke "mới:" from its number).
                        {format!("{}\u{a0}{} · {}\u{a0}{} · {}\u{a0}{}", tr("Giao dịch mới:", "New:"), new,
                        tr("đã có:", "known:"), p.lines.len() - new, tr("dòng lỗi:", "rows with errors:"), p.errors.len())}</p>
                    {(!p.errors.is_empty()).then(|| view! {
                        <ul role="alert" class="mt-1 list-disc rounded-lg border border-red-300 bg-red-50 p-3 pl-8 text-sm text-red-900">
                            {p.errors.iter().map(|(row, vi, en)| view! {
                                <li>{format!("{} {row}: {}", tr("Dòng", "Row"), if crate::ui::current_lang() == crate::i18n::Lang::Vi { vi } else { en })}</li>
                            }).collect_view()}
                        </ul>
                    })}
                    {ok.then(|| view! {
                        <button type="button" class=format!("{BUTTON} mt-2") on:click=commit prop:disabled=move || busy.get()>
                            {format!("{} ({new})", tr("Ghi các giao dịch thẻ", "Record the card payments"))}
                        </button>
                    })}
                </div>
            }
        })}
    }
}
