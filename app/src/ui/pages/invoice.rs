//! One invoice: what is due and why, the four fields of the payment-information
//! template, and the VietQR with everything a banking app needs.

use crate::api::online_payment::PayOnline;
use crate::api::parent::{DeclineLine, LoadInvoice};
use crate::domain::vietqr::VietQr;
use crate::model::InvoiceDetail;
use crate::ui::components::contacts::SchoolContacts;
use crate::ui::components::copy::TransferDetails;
use crate::ui::components::notice::{FraudWarning, Loading};
use crate::ui::components::qr::VietQrCode;
use crate::ui::components::status::StatusBadge;
use crate::ui::offline::{online_or_kept, KeptNotice, Seen};
use crate::ui::pages::child::{saved_child_param, LookUpAgain};
use crate::ui::rpc::call;
use crate::ui::texts;
use crate::ui::tr;
use leptos::prelude::*;

/// How often an open invoice page checks for a payment.
const POLL_SECS: u64 = 4;

const CARD: &str = "mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200";
const H2: &str = "text-xl font-bold text-gray-900";

#[component]
pub fn InvoicePage() -> impl IntoView {
    let Some(child) = saved_child_param() else {
        return view! { <super::child::NotOnThisPhone/> }.into_any();
    };
    let code = crate::ui::router::param("code").unwrap_or_default();
    let token = child.access.token.clone();
    let token_for_view = token.clone();
    let (poll_token, poll_code) = (token.clone(), code.clone());
    let key = format!("child.{}.{code}", child.id);
    let complain = format!("/khieu-nai/moi?con={}&hd={code}", child.id);
    let invoice = crate::ui::fetch::Fetch::new(move || {
        online_or_kept(
            key.clone(),
            call(LoadInvoice {
                token: token.clone(),
                code: code.clone(),
            }),
        )
    });
    // While the page is open and something is still due, ask every few seconds
    // whether a payment landed; redraw only when the status changed.
    let polling = leptos::prelude::set_interval_with_handle(
        move || {
            let Some(Ok(Seen { value: shown, .. })) = invoice.get_untracked() else {
                return;
            };
            if !shown.summary.status.is_open() {
                return;
            }
            let (token, code) = (poll_token.clone(), poll_code.clone());
            leptos::task::spawn_local(async move {
                if let Ok(now) = call(LoadInvoice { token, code }).await {
                    if now.summary.status != shown.summary.status
                        || now.summary.paid != shown.summary.paid
                    {
                        invoice.refetch();
                    }
                }
            });
        },
        std::time::Duration::from_secs(POLL_SECS),
    );
    if let Ok(handle) = polling {
        on_cleanup(move || handle.clear());
    }
    let back = format!("/con/{}", child.id);

    let use_wallet = RwSignal::new(false);
    // The page's first drawing comes in tasks, so that none holds a slow phone's
    // main thread past 50 ms: what is due, then the ways to pay (the QR square),
    // then the QR itself (`VietQrCode`), then the details. A drawing after a
    // payment shows all at once.
    let stages = Stages {
        ways: RwSignal::new(false),
        details: RwSignal::new(false),
    };
    view! {
        <div class="py-4">
            <a href=back class="inline-flex min-h-11 items-center text-base text-teal-800 underline">
                "← " {texts().back}
            </a>
            {move || match invoice.get() {
                None => view! { <Loading/> }.into_any(),
                // No connection and no copy on this phone (an invoice never
                // opened with a connection): say so, not "look the child up".
                Some(Err(crate::error::AppError::Network(_))) => view! {
                    <p role="alert" class="mt-4 rounded-lg border border-amber-400 bg-amber-50 p-4 text-base text-amber-950" data-testid="not-kept">
                        {tr("Chưa tải được khoản này, và máy chưa lưu bản nào để xem khi mất mạng (khoản này chưa được mở khi có mạng). Hãy kiểm tra mạng rồi bấm “Thử lại”; sau khi mở được một lần, khoản này xem được cả khi mất mạng.",
                            "This invoice could not be loaded, and this phone has no copy to show offline (it was not opened with a connection). Check the connection and press “Try again”; once opened, it shows offline too.")}
                    </p>
                    <button type="button" class="mt-3 min-h-12 rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white" on:click=move |_| invoice.refetch()>
                        {tr("Thử lại", "Try again")}
                    </button>
                }.into_any(),
                Some(Err(e)) => view! { <LookUpAgain error=e/> }.into_any(),
                Some(Ok(Seen { value: detail, kept_at })) => view! {
                    <KeptNotice kept_at/>
                    <Invoice detail token=token_for_view.clone() use_wallet stages on_change=move || invoice.refetch()/>
                }.into_any(),
            }}
            // The trust app (another entry point): a plain link.
            <p class="mt-6">
                <a href=complain rel="external" class="inline-flex min-h-11 items-center text-base text-teal-800 underline">
                    {tr("Báo sai sót, khiếu nại về khoản này", "Report a problem with this invoice")}
                </a>
            </p>
        </div>
    }
    .into_any()
}

/// Which parts of the invoice the page's first drawing has reached: each is
/// drawn in a task after the one before (see `InvoicePage`).
#[derive(Clone, Copy)]
struct Stages {
    /// The ways to pay, with the QR's square.
    ways: RwSignal<bool>,
    /// The details below the first screen.
    details: RwSignal<bool>,
}

/// Sets `stage` in a later task, unless it is set by then (a refetch before
/// the timeout fires asks again).
fn reach_later(stage: RwSignal<bool>) {
    set_timeout(
        move || {
            if stage.try_get_untracked() == Some(false) {
                stage.set(true);
            }
        },
        std::time::Duration::ZERO,
    );
}

#[component]
fn Invoice(
    detail: InvoiceDetail,
    token: String,
    /// Bank or wallet: kept when the invoice is fetched again after a payment.
    use_wallet: RwSignal<bool>,
    stages: Stages,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if !stages.ways.get_untracked() {
        reach_later(stages.ways);
    }
    // The details once the ways to pay are drawn, so that the QR's own task,
    // asked for while they are drawn, comes first: this effect first runs after
    // the view is built, so it subscribes to `ways` after the ways' drawing does,
    // and a signal's subscribers run in the order they subscribed.
    Effect::new(move |_| {
        if stages.ways.get() && !stages.details.get_untracked() {
            reach_later(stages.details);
        }
    });
    let s = detail.summary.clone();
    let open = s.status.is_open() && detail.balance.is_positive();
    // Voluntary fees can be declined until something is paid.
    let can_decline = s.status.is_open() && !s.paid.is_positive();
    let error = RwSignal::new(None::<crate::error::AppError>);
    let invoice_code = s.code.to_string();
    let token_for_online = token.clone();
    let decline = move |position: i64, declined: bool| {
        let (token, code) = (token.clone(), invoice_code.clone());
        leptos::task::spawn_local(async move {
            match call(DeclineLine {
                token,
                code,
                position,
                declined,
            })
            .await
            {
                Ok(_) => on_change(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // A payment the gateway told the parent succeeded, unconfirmed: the ways to
    // pay stay hidden until the parent says they were not charged.
    let pending = detail.pending_online.clone().filter(|_| open);
    let pay_anyway = RwSignal::new(false);
    let payer = detail
        .payer_name()
        .map(str::to_string)
        .unwrap_or_else(|| texts().payer_value.to_string());
    view! {
        // One line for the title, the badge under it: on a 360 px phone a badge
        // beside the title folds it into five lines and pushes the QR off screen.
        <h1 class="mt-1 text-xl font-bold text-gray-900">{s.title.clone()}</h1>
        <p class="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-base text-gray-800">
            // An open invoice's status is the amount due, below.
            {(!open).then(|| view! { <StatusBadge status=s.status/> })}
            <span><span class="font-semibold">{detail.student_name.clone()}</span>
                {format!(" · {} {}", texts().class, detail.class_name)}</span>
        </p>
        <p class="text-sm text-gray-700">{detail.school_name.clone()}</p>
        // What is due, then at once how to pay it: the QR within the first screen.
        {open.then(|| view! {
            <p class="mt-2 flex flex-wrap items-baseline justify-between gap-x-3 rounded-xl bg-teal-50 px-4 py-2 ring-1 ring-teal-200" data-testid="amount-due">
                <span class="text-base text-teal-950">{texts().balance}</span>
                <span class="text-2xl font-bold text-teal-950 whitespace-nowrap">{detail.balance.to_string()}</span>
                // "Còn phải nộp" says it is unpaid; only lateness needs saying.
                <span class="w-full text-sm text-teal-900">
                    {format!("{} {}", texts().due_on, s.due_on.dmy())}
                    {s.status.overdue.then(|| view! { <span class="font-semibold text-red-800">{format!(" · {}", texts().overdue)}</span> })}
                </span>
            </p>
        })}
        {pending.map(|p| view! { <PendingOnlineNotice pending=p pay_anyway/> })}
        {if open {
            let (detail, token) = (detail.clone(), token_for_online.clone());
            let code = s.code.to_string();
            let ways = move || {
                (stages.ways.get() && (detail.pending_online.is_none() || pay_anyway.get())).then(|| view! {
                    <PayByQr detail=detail.clone() use_wallet/>
                    {detail.online_payment.then(|| view! { <PayOnline token=token.clone() code=code.clone()/> })}
                })
            };
            ways.into_any()
        } else {
            view! { <p class=format!("{CARD} text-lg font-semibold text-green-800")>{texts().fully_paid}</p> }.into_any()
        }}

        {move || error.get().map(|e| view! { <crate::ui::components::notice::ErrorNotice error=e/> })}
        {move || stages.details.get().then(|| view! {
            <InvoiceDetails detail=detail.clone() payer=payer.clone() can_decline use_wallet decline=decline.clone()/>
        })}
    }
}

/// Below the first screen: the invoice's lines (a voluntary fee declined here),
/// the payment-information template, payments and receipts, whom to call.
#[component]
fn InvoiceDetails(
    detail: InvoiceDetail,
    payer: String,
    can_decline: bool,
    use_wallet: RwSignal<bool>,
    decline: impl Fn(i64, bool) + Clone + 'static,
) -> impl IntoView {
    let s = detail.summary.clone();
    let wallet_for_template = detail.mobile_money.clone();
    let payee_for_template = detail.payee.clone();
    view! {
        <section class=CARD aria-labelledby="lines-title">
            <h2 id="lines-title" class=H2>{texts().invoices}</h2>
            <p class="text-sm text-gray-700">{format!("{} · {} {}", s.period.label(), texts().due_on, s.due_on.dmy())}</p>
            <table class="mt-2 w-full text-base">
                <thead class="sr-only">
                    <tr><th scope="col">{texts().item}</th><th scope="col">{texts().amount}</th></tr>
                </thead>
                <tbody>
                    {detail.lines.iter().map(|l| {
                        let (position, declined) = (l.position, l.declined);
                        let decline = decline.clone();
                        view! {
                            <tr class="border-b border-gray-100" class:text-gray-600=declined>
                                <td class="py-2 pr-2">
                                    <span class:line-through=declined>{l.description.clone()}</span>
                                    {(l.voluntary && can_decline).then(|| view! {
                                        <label class="mt-1 flex min-h-11 items-center gap-2 text-sm text-gray-800">
                                            <input type="checkbox" class="h-6 w-6 shrink-0" prop:checked=!declined
                                                on:change=move |ev| decline(position, !event_target_checked(&ev))/>
                                            {texts().take_voluntary}
                                        </label>
                                    })}
                                </td>
                                <td class="py-2 text-right font-medium whitespace-nowrap" class:line-through=declined>{l.amount.to_string()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><th scope="row" class="pt-2 text-left">{texts().total}</th>
                        <td class="pt-2 text-right text-xl font-bold whitespace-nowrap">{s.total.to_string()}</td></tr>
                    {s.paid.is_positive().then(|| view! {
                        <tr><th scope="row" class="text-left font-normal text-gray-700">{texts().paid}</th>
                            <td class="text-right whitespace-nowrap text-green-800">{s.paid.to_string()}</td></tr>
                        <tr><th scope="row" class="text-left">{texts().balance}</th>
                            <td class="text-right text-xl font-bold whitespace-nowrap">{detail.balance.to_string()}</td></tr>
                    })}
                </tfoot>
            </table>
        </section>
        <ExtraTransfers transfers=detail.extra_transfers.clone()/>

        // The plan's payment-information template, in its own words.
        <section class=CARD aria-labelledby="template-title" data-testid="template">
            <h2 id="template-title" class=H2>{texts().payment_info}</h2>
            <dl class="mt-2 space-y-2 text-base">
                <div><dt class="text-sm text-gray-600">{texts().payer}</dt><dd data-testid="template-payer">{payer}</dd></div>
                <div><dt class="text-sm text-gray-600">{texts().beneficiary}</dt>
                    <dd class="font-semibold">{detail.school_legal_name.clone()}</dd>
                    <dd class="text-sm text-gray-700">{move || {
                        // The account the parent chose above: the bank's, or the wallet's.
                        let payee = if use_wallet.get() { wallet_for_template.clone() } else { payee_for_template.clone() };
                        payee.map(|p| format!("{} · {} · {}", p.account_name, p.bank_short_name, p.account_number))
                            .unwrap_or_else(|| tr("Chưa có tài khoản được cơ quan quản lý xác nhận", "No account confirmed by the supervising office yet").to_string())
                    }}</dd></div>
                <div><dt class="text-sm text-gray-600">{texts().reason}</dt><dd>{detail.reason.clone()}</dd></div>
                <div><dt class="text-sm text-gray-600">{texts().invoice_code}</dt>
                    <dd class="font-mono text-lg font-semibold tracking-wider">{s.code.to_string()}</dd></div>
            </dl>
        </section>

        {(!detail.payments.is_empty()).then(|| view! {
            <section class=CARD aria-labelledby="payments-title">
                <h2 id="payments-title" class=H2>{texts().payments_received}</h2>
                <ul class="mt-2" data-testid="payments">
                    {detail.payments.iter().map(|p| view! {
                        <li class="flex justify-between gap-3 border-b border-gray-100 py-2 last:border-0">
                            <span>{p.received_on.dmy()}
                                {p.payer_name.clone().map(|n| view! { <span class="block text-sm text-gray-700">{n}</span> })}</span>
                            <span class="font-medium whitespace-nowrap">{p.amount.to_string()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <crate::ui::components::receipt_list::ReceiptList receipts=detail.receipts.clone()/>
        <SchoolContacts contacts=detail.contacts.clone()/>
        <FraudWarning/>
    }
}

/// The gateway told the parent the online payment went through, and has not
/// confirmed it to the school: paying again would pay twice, so the ways to pay
/// wait behind a deliberate choice.
#[component]
fn PendingOnlineNotice(
    pending: crate::model::PendingOnline,
    pay_anyway: RwSignal<bool>,
) -> impl IntoView {
    let text = tr(
        "Lúc {at}, cổng thanh toán báo bạn đã nộp trực tuyến {amount} cho khoản này, nhưng chưa gửi xác nhận cho nhà trường. Đừng nộp lại: trang này tự cập nhật khi có xác nhận. Nếu sau một ngày vẫn chưa có, hãy gọi kế toán (số điện thoại ở cuối trang).",
        "At {at} the payment gateway told you that you paid {amount} online for this invoice, but it has not confirmed it to the school yet. Do not pay again: this page updates itself when the confirmation comes. If it has not come after a day, call the accountant (the number is at the end of the page).",
    )
    .replace("{at}", &crate::domain::date::Date::moment_label(pending.at))
    .replace("{amount}", &pending.amount.to_string());
    view! {
        <section role="status" data-testid="pending-online"
            class="mt-4 rounded-xl border-2 border-amber-500 bg-amber-50 p-4 text-amber-950">
            <h2 class="text-xl font-bold">{tr("Đang chờ xác nhận khoản nộp trực tuyến", "Waiting for your online payment to be confirmed")}</h2>
            <p class="mt-1 text-base">{text}</p>
            {move || (!pay_anyway.get()).then(|| view! {
                <button type="button" on:click=move |_| pay_anyway.set(true)
                    class="mt-3 min-h-12 w-full rounded-lg border-2 border-amber-700 bg-white px-4 text-base font-semibold text-amber-950">
                    {tr("Tài khoản của tôi không bị trừ tiền: hiện cách nộp", "My account was not charged: show how to pay")}
                </button>
            })}
        </section>
    }
}

/// Money sent again for an invoice already paid in full: the parent learns that
/// the school has it and will send it back, instead of finding out from the
/// bank statement.
#[component]
fn ExtraTransfers(transfers: Vec<crate::model::ExtraTransfer>) -> impl IntoView {
    (!transfers.is_empty()).then(|| {
        view! {
            <section class="mt-4 rounded-xl bg-amber-50 p-4 ring-1 ring-amber-300" aria-labelledby="extra-title" data-testid="extra-transfers">
                <h2 id="extra-title" class="text-lg font-semibold text-amber-950">{tr("Chuyển khoản thừa", "Paid twice")}</h2>
                <ul class="mt-2 space-y-2 text-base text-amber-950">
                    {transfers.into_iter().map(|t| {
                        let text = if t.refunded.is_positive() {
                            tr(
                                "Nhà trường đã hoàn lại {refunded} trong số {amount} bạn chuyển thêm ngày {date}.",
                                "The school has sent back {refunded} of the {amount} you transferred again on {date}.",
                            )
                        } else {
                            tr(
                                "Nhà trường nhận thêm {amount} ngày {date} cho khoản này, sau khi đã nộp đủ. Bạn không cần làm gì: kế toán sẽ hoàn lại vào tài khoản đã chuyển.",
                                "The school received another {amount} on {date} for this invoice after it was paid in full. There is nothing for you to do: the accountant will send it back to the account it came from.",
                            )
                        };
                        let text = text
                            .replace("{amount}", &t.amount.to_string())
                            .replace("{refunded}", &t.refunded.to_string())
                            .replace("{date}", &t.received_on.dmy());
                        view! { <li>{text}</li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// Paying online through the school's payment gateway (cards, banking apps).
#[component]
fn PayOnline(token: String, code: String) -> impl IntoView {
    use crate::ui::tr;
    let error = RwSignal::new(None::<crate::error::AppError>);
    let busy = RwSignal::new(false);
    let go = move |_| {
        let (token, code) = (token.clone(), code.clone());
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match call(PayOnline {
                token,
                code,
                origin,
            })
            .await
            {
                Ok(url) => {
                    if let Some(w) = web_sys::window() {
                        // The return page links back to this invoice.
                        if let (Ok(Some(store)), Ok(here)) =
                            (w.session_storage(), w.location().pathname())
                        {
                            let _ =
                                store.set_item(crate::ui::pages::paid_online::RETURN_KEY, &here);
                        }
                        let _ = w.location().set_href(&url);
                    }
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="online-title">
            <h2 id="online-title" class=H2>{tr("Nộp trực tuyến", "Pay online")}</h2>
            <p class="mt-1 text-base text-gray-700">{tr(
                "Qua cổng thanh toán của nhà trường: thẻ ATM, thẻ quốc tế hoặc ứng dụng ngân hàng.",
                "Through the school's payment gateway: ATM card, international card or banking app.")}</p>
            <button type="button" class="mt-3 min-h-12 w-full rounded-lg bg-teal-800 px-4 text-lg font-semibold text-white disabled:opacity-60"
                on:click=go prop:disabled=move || busy.get()>
                {move || if busy.get() { tr("Đang chuyển sang cổng thanh toán…", "Going to the payment gateway…") } else { tr("Nộp trực tuyến", "Pay online") }}
            </button>
            {move || error.get().map(|e| view! { <p role="alert" class="mt-2 text-red-800">{texts().error_message(&e)}</p> })}
        </section>
    }
}

/// The QR for the school's bank account, or, if the parent chooses, its wallet's.
#[component]
fn PayByQr(detail: InvoiceDetail, use_wallet: RwSignal<bool>) -> impl IntoView {
    let wallet = detail.mobile_money.clone();
    move || {
        let payee = if use_wallet.get() {
            wallet.clone()
        } else {
            detail.payee.clone()
        };
        match payee {
            Some(payee) => view! { <QrFor detail=detail.clone() payee use_wallet/> }.into_any(),
            // Never a QR to an account the supervising office has not confirmed.
            None => view! {
                <p role="alert" class="mt-4 rounded-lg bg-amber-50 p-3 text-amber-950 ring-1 ring-amber-300" data-testid="no-official-account">
                    {tr(
                        "Tài khoản nhận tiền của nhà trường đang chờ cơ quan quản lý giáo dục xác nhận, nên chưa có mã QR. Xin đừng chuyển tiền theo số tài khoản nào gửi qua tin nhắn; hãy hỏi nhà trường.",
                        "The school's receiving account awaits the supervising office's confirmation, so there is no QR yet. Do not pay into any account sent by message; ask the school.")}
                </p>
            }.into_any(),
        }
    }
}

/// Bank or wallet, when the school has both: under the code, so the code keeps
/// its place on the first screen (most parents pay from a bank).
#[component]
fn AccountChoice(wallet: crate::model::Payee, use_wallet: RwSignal<bool>) -> impl IntoView {
    let option = move |on: bool, label: String| {
        view! {
            <button type="button" role="radio" aria-checked=move || (use_wallet.get() == on).to_string()
                class="min-h-11 flex-1 rounded-lg border-2 border-teal-800 px-3 text-base font-semibold text-teal-900 aria-checked:bg-teal-800 aria-checked:text-white"
                on:click=move |_| use_wallet.set(on)>
                {label}
            </button>
        }
    };
    view! {
        <div class="mt-3" role="radiogroup" aria-label=tr("Nộp vào tài khoản nào", "Pay into which account")>
            <p class="text-sm font-semibold text-gray-700">{tr("Nộp bằng", "Pay with")}</p>
            <div class="mt-1 flex gap-2">
                {option(false, tr("Ngân hàng", "Bank").to_string())}
                {option(true, format!("{} {}", tr("Ví", "Wallet"), wallet.bank_short_name))}
            </div>
        </div>
    }
}

#[component]
fn QrFor(
    detail: InvoiceDetail,
    payee: crate::model::Payee,
    use_wallet: RwSignal<bool>,
) -> impl IntoView {
    let choice = detail
        .mobile_money
        .clone()
        .map(|wallet| view! { <AccountChoice wallet use_wallet/> });
    let code = detail.summary.code.clone();
    let qr = VietQr::transfer(
        &payee.bin,
        &payee.account_number,
        detail.balance,
        code.as_str(),
        &detail.memo,
    );
    let payload = qr.encode();
    let registry = format!("/tai-khoan/{}", detail.school_slug);
    let caption = crate::ui::components::qr::caption(
        &detail.school_name,
        format!(
            "{} {} · {}",
            texts().class,
            detail.class_name,
            detail.summary.period.label()
        ),
        detail.balance,
        &payee.account_name,
        &detail.school_slug,
    );
    view! {
        <section class="mt-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" aria-labelledby="qr-title" data-testid="pay-by-qr">
            <h2 id="qr-title" class="text-lg font-bold text-gray-900">{texts().pay_by_qr}</h2>
            <div class="mt-2">
                {match payload {
                    Ok(p) => view! { <VietQrCode payload=p file_name=format!("vietqr-{code}.png") caption/> }.into_any(),
                    Err(_) => view! { <p role="alert" class="text-red-800">{texts().err_internal}</p> }.into_any(),
                }}
            </div>
            {choice}
            <p class="mt-3 text-base text-gray-700">{texts().qr_steps}</p>
            // Step by step with pictures, for whoever has not paid by QR before.
            <p class="mt-1">
                <a href="/huong-dan/nop-bang-qr.html" rel="external" class="inline-flex min-h-11 items-center text-base text-teal-800 underline" data-testid="qr-guide">
                    {tr("Chưa quen quét mã? Xem hướng dẫn từng bước", "Never scanned a payment QR? See the steps")}
                </a>
            </p>
            <p class="mt-4 rounded-lg bg-teal-50 p-3 text-base text-teal-950">
                {texts().check_payee} " " <strong>{payee.account_name.clone()}</strong>". "
                {texts().no_fee_note}
                " "
                <a href=registry rel="external" class="underline">{tr(
                    "Xem các tài khoản chính thức của trường, đã được cơ quan quản lý giáo dục xác nhận.",
                    "See the school's official accounts, confirmed by the supervising office.")}</a>
            </p>
            <div class="mt-3">
                <TransferDetails payee=payee.clone() amount=detail.balance memo=detail.memo.clone()/>
            </div>
        </section>
    }
}
