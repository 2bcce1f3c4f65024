//! Where the payment gateway sends the parent back: the result, as hocphi knows
//! it (the gateway's server-to-server confirmation decides, and may come a
//! little later: the page waits for it).

use crate::api::online_payment::CheckOnlinePayment;
use crate::model::OnlinePaymentStatus;
use crate::ui::components::notice::Loading;
use crate::ui::rpc::call;
use crate::ui::{texts, tr};
use leptos::prelude::*;

/// Where the invoice page that started the payment is, kept for the way back.
pub const RETURN_KEY: &str = "hocphi.pay.return";

/// The invoice page the parent paid from, if this tab remembers it.
fn invoice_page() -> Option<String> {
    web_sys::window()?
        .session_storage()
        .ok()??
        .get_item(RETURN_KEY)
        .ok()?
        .filter(|p| p.starts_with("/con/"))
}

/// What a gateway response code means for the parent.
fn reason(code: &str) -> &'static str {
    match code {
        "24" => tr("Bạn đã huỷ giao dịch.", "You cancelled the payment."),
        "51" => tr("Tài khoản không đủ số dư.", "Insufficient balance."),
        "11" => tr("Hết thời gian nộp tiền.", "The payment timed out."),
        "65" => tr(
            "Vượt hạn mức giao dịch trong ngày.",
            "Over the daily limit.",
        ),
        "75" => tr("Ngân hàng đang bảo trì.", "The bank is under maintenance."),
        _ => tr(
            "Giao dịch không thành công.",
            "The payment did not go through.",
        ),
    }
}

#[component]
pub fn PaidOnlinePage() -> impl IntoView {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let status = crate::ui::fetch::Fetch::new(move || {
        call(CheckOnlinePayment {
            query: query.clone(),
        })
    });
    // The confirmation may arrive after the parent: ask again for a minute.
    let tries = StoredValue::new(0u32);
    let gave_up = RwSignal::new(false);
    let polling = set_interval_with_handle(
        move || {
            let pending = matches!(status.get_untracked(), Some(Ok(ref s)) if s.state == "pending");
            if pending && tries.get_value() < 30 {
                tries.update_value(|t| *t += 1);
                status.refetch();
            } else if pending {
                gave_up.set(true);
            }
        },
        std::time::Duration::from_secs(2),
    );
    if let Ok(handle) = polling {
        on_cleanup(move || handle.clear());
    }
    view! {
        <div class="py-4">
            {move || match status.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="mt-4 rounded-lg bg-red-50 p-4 text-red-900">{texts().error_message(&e)}</p> }.into_any(),
                Some(Ok(s)) => view! { <Result status=s gave_up=gave_up.get()/> }.into_any(),
            }}
            {invoice_page().map(|href| view! {
                <a href=href class="mt-4 flex min-h-12 items-center justify-center rounded-lg bg-teal-800 px-4 text-lg font-semibold text-white">
                    {tr("Về trang khoản thu", "Back to the invoice")}
                </a>
            })}
            <a href="/" class="mt-4 inline-flex min-h-11 items-center text-teal-800 underline">{tr("Về danh sách các con", "Back to my children")}</a>
        </div>
    }
}

#[component]
fn Result(status: OnlinePaymentStatus, gave_up: bool) -> impl IntoView {
    let (class, title, detail) = match status.state.as_str() {
        "paid" => (
            "border-green-700 bg-green-50 text-green-900",
            tr("Nộp tiền thành công", "Payment successful"),
            tr(
                "Nhà trường đã nhận tiền; biên lai có trong trang khoản thu của con.",
                "The school has the money; the receipt is on your child's invoice page.",
            ),
        ),
        "failed" => (
            "border-red-700 bg-red-50 text-red-900",
            tr("Nộp tiền không thành công", "Payment failed"),
            reason(&status.response_code),
        ),
        _ if gave_up => (
            "border-amber-500 bg-amber-50 text-amber-950",
            tr("Chưa nhận được xác nhận của cổng thanh toán", "No confirmation from the gateway yet"),
            tr("Đừng nộp lại. Nếu tài khoản của bạn đã bị trừ tiền, hãy liên hệ kế toán nhà trường (số điện thoại trong trang khoản thu).",
                "Do not pay again. If your account was charged, call the school's accountant (the number is on the invoice page)."),
        ),
        _ => (
            "border-amber-500 bg-amber-50 text-amber-950",
            tr(
                "Đang chờ cổng thanh toán xác nhận…",
                "Waiting for the gateway to confirm…",
            ),
            tr(
                "Thường chỉ mất vài giây. Đừng nộp lại.",
                "This usually takes a few seconds. Do not pay again.",
            ),
        ),
    };
    view! {
        <section role="status" data-testid="online-result" data-state=status.state.clone()
            class=format!("mt-4 rounded-xl border-2 p-4 {class}")>
            <h1 class="text-2xl font-bold">{title}</h1>
            <p class="mt-1 text-lg">{format!("{} · {} {}", status.amount, tr("hoá đơn", "invoice"), status.invoice_code)}</p>
            <p class="mt-1">{detail}</p>
            {(status.state == "failed").then(|| view! {
                <p class="mt-1">{tr("Cổng thanh toán báo giao dịch không thành công, nên thường tài khoản của bạn không bị trừ tiền; nếu có, hãy báo kế toán nhà trường. Có thể thử lại, hoặc nộp bằng mã QR trong trang khoản thu của con.",
                    "The gateway reports that the payment failed, so your account is usually not charged; if it was, tell the school's accountant. Try again, or pay by the QR code on your child's invoice page.")}</p>
            })}
        </section>
    }
}
