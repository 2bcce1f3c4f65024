//! Where the school's software receives events: the accountant registers an
//! address (the signing secret is shown once), sees every delivery with what the
//! receiver answered, sends one again, or stops sending.

use super::tr;
use super::widgets::*;
use crate::api::webhooks::{
    create_webhook, disable_webhook, list_deliveries, list_webhooks, redeliver, DeliveryRow,
};
use crate::domain::date::Date;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// (Vietnamese, English) for an event kind.
fn kind_label(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "invoice.issued" => ("Phát hành hoá đơn", "Invoice issued"),
        "invoice.voided" => ("Huỷ hoá đơn", "Invoice voided"),
        "payment.settled" => ("Đã thanh toán", "Payment settled"),
        "payment.reversed" => ("Hoàn tác thanh toán", "Payment reversed"),
        "receipt.issued" => ("Phát hành biên lai", "Receipt issued"),
        "receipt.cancelled" => ("Huỷ biên lai", "Receipt cancelled"),
        _ => ("Sự kiện khác", "Other event"),
    }
}

/// Why a delivery did not arrive, in words the accountant can act on.
fn problem_label(d: &DeliveryRow) -> String {
    use crate::domain::webhook::DeliveryProblem as P;
    let status = d.last_status.unwrap_or_default();
    match d.last_error.as_deref().and_then(P::parse) {
        Some(P::Refused) => format!(
            "{} HTTP {status}",
            tr(
                "Phần mềm nhận trả lời lỗi",
                "The software answered with error"
            )
        ),
        Some(P::NotAllowed) => tr(
            "Địa chỉ không được phép (mạng nội bộ hoặc không phải https://)",
            "The address is not allowed (internal, or not https://)",
        )
        .into(),
        Some(P::Secret) => tr(
            "Không mở được khoá ký: hãy đăng ký lại địa chỉ",
            "The signing secret cannot be opened: register the address again",
        )
        .into(),
        Some(P::Timeout) => tr(
            "Phần mềm nhận không trả lời trong 10 giây",
            "The software did not answer within 10 seconds",
        )
        .into(),
        Some(P::InternalName) => tr(
            "Tên miền trỏ vào mạng nội bộ",
            "The name points to an internal network",
        )
        .into(),
        Some(P::Connect) => tr(
            "Không kết nối được tới địa chỉ nhận (phần mềm có đang chạy?)",
            "Could not connect to the address (is the software running?)",
        )
        .into(),
        Some(P::Request) | None => tr("Gửi không thành công", "The delivery failed").into(),
    }
}

/// What happened to a delivery, in words.
fn delivery_state(d: &DeliveryRow) -> (String, &'static str) {
    if let Some(t) = d.delivered_at {
        return (
            format!(
                "{} {} (HTTP {})",
                tr("Đã nhận", "Received"),
                Date::moment_label(t),
                d.last_status.unwrap_or(200)
            ),
            "text-green-800",
        );
    }
    let error = problem_label(d);
    if d.gave_up_at.is_some() {
        return (
            format!("{}: {error}", tr("Đã dừng gửi", "Stopped")),
            "text-red-800",
        );
    }
    if d.attempts == 0 {
        return (tr("Đang chờ gửi", "Waiting").to_string(), "text-gray-700");
    }
    (
        format!(
            "{error}; {} {}",
            tr("thử lại lúc", "retry at"),
            Date::moment_label(d.next_attempt_at)
        ),
        "text-amber-900",
    )
}

#[component]
pub fn Webhooks(school_id: i64) -> impl IntoView {
    let hooks = LocalResource::new(move || list_webhooks(school_id));
    let log = LocalResource::new(move || list_deliveries(school_id));
    let url = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Outcome>);
    let refresh = move || {
        hooks.refetch();
        log.refetch();
    };
    let register = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match create_webhook(school_id, url.get_untracked()).await {
                Ok(h) => {
                    shown.set(Some(h.secret));
                    url.set(String::new());
                    outcome.set(Some(Outcome::Done(
                        tr("Đã đăng ký địa chỉ nhận sự kiện.", "Address registered.").into(),
                    )));
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let disable = move |id: i64| {
        spawn_local(async move {
            match disable_webhook(school_id, id).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(
                        tr(
                            "Đã ngừng gửi đến địa chỉ này.",
                            "Sending to this address stopped.",
                        )
                        .into(),
                    )));
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let send_again = move |id: i64| {
        spawn_local(async move {
            match redeliver(school_id, id).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(
                        tr(
                            "Sẽ gửi lại trong vài giây (cùng mã sự kiện, phần mềm nhận sẽ không ghi trùng).",
                            "It will be sent again within seconds (same event id, so the receiver will not count it twice).",
                        )
                        .into(),
                    )));
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="webhooks-title">
            <h2 id="webhooks-title" class=H2>{tr("Gửi sự kiện cho phần mềm của trường", "Events for the school's software")}</h2>
            <p class="text-sm text-gray-700">{tr(
                "hocphi gửi ngay cho phần mềm của trường khi phát hành hoá đơn, khi phụ huynh thanh toán, khi phát hành hoặc huỷ biên lai. Mỗi lần gửi có chữ ký (Hocphi-Signature) và mã sự kiện; nếu phần mềm không nhận được, hocphi gửi lại nhiều lần trong khoảng hai ngày.",
                "hocphi tells the school's software at once when invoices are issued, parents pay, receipts are issued or cancelled. Each delivery is signed (Hocphi-Signature) and has an event id; if the software does not take it, hocphi tries again for about two days.")}</p>
            <form class="mt-2 flex flex-wrap items-end gap-3" on:submit=register>
                <div class="w-full max-w-md"><Field id="webhook-url" label=tr("Địa chỉ nhận (https://…)", "Receiving address (https://…)") value=url kind="url"/></div>
                <button type="submit" class=BUTTON>{tr("Đăng ký địa chỉ", "Register address")}</button>
            </form>
            {move || shown.get().map(|secret| view! {
                <div class="mt-3 rounded-lg border-2 border-amber-400 bg-amber-50 p-3" data-testid="webhook-secret">
                    <p class="font-semibold text-amber-950">{tr("Chép khoá ký này vào phần mềm ngay: nó chỉ hiện một lần.", "Copy this signing secret into the software now: it is shown once.")}</p>
                    <crate::ui::components::copy::CopyRow label=tr("Khoá ký sự kiện", "Event signing secret") value=secret/>
                </div>
            })}
            <OutcomeNotice outcome/>
            <ul class="mt-2 divide-y divide-gray-100 text-sm">
                {move || hooks.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|h| {
                    let id = h.id;
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="webhook-row">
                            <span class="min-w-0">
                                <span class="break-all font-mono">{h.url.clone()}</span>
                                {format!(" · {} {} · {} {} · {} {} · {} {}",
                                    tr("đã nhận", "received"), h.delivered,
                                    tr("đang chờ", "waiting"), h.pending,
                                    tr("đã dừng", "stopped"), h.failed,
                                    tr("đăng ký", "registered"), Date::moment_label(h.created_at))}
                            </span>
                            {match h.disabled_at {
                                Some(t) => view! { <span class="text-gray-600">{format!("{} {}", tr("đã ngừng", "stopped"), Date::moment_label(t))}</span> }.into_any(),
                                None => view! { <button type="button" class=BUTTON_QUIET on:click=move |_| disable(id)>{tr("Ngừng gửi", "Stop sending")}</button> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="mt-4 flex flex-wrap items-center justify-between gap-2">
                <h3 class="text-lg font-semibold text-gray-900">{tr("Nhật ký gửi (100 lần gần nhất)", "Delivery log (latest 100)")}</h3>
                <button type="button" class=BUTTON_QUIET on:click=move |_| refresh()>{tr("Làm mới", "Refresh")}</button>
            </div>
            // On a phone each delivery is a card: when and what, then tries and
            // outcome, then "Gửi lại"; the event id wraps instead of widening the page.
            <div class="mt-2">
                <table class="w-full text-left text-sm">
                    <thead class="hidden bg-gray-50 text-gray-900 sm:table-header-group">
                        <tr>
                            <th scope="col" class="p-2">{tr("Lúc", "When")}</th>
                            <th scope="col" class="p-2">{tr("Sự kiện", "Event")}</th>
                            <th scope="col" class="p-2">{tr("Lần gửi", "Tries")}</th>
                            <th scope="col" class="p-2">{tr("Kết quả", "Outcome")}</th>
                            <th scope="col" class="p-2"><span class="sr-only">{tr("Thao tác", "Action")}</span></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-gray-100">
                        {move || {
                            let rows = log.get().and_then(Result::ok).unwrap_or_default();
                            if rows.is_empty() {
                                return view! { <tr><td colspan="5" class="p-2 text-gray-700">{tr("Chưa có sự kiện nào được gửi.", "No events sent yet.")}</td></tr> }.into_any();
                            }
                            rows.into_iter().map(|d| {
                                let id = d.id;
                                let (state, tone) = delivery_state(&d);
                                let (vi, en) = kind_label(&d.kind);
                                let again = d.delivered_at.is_none() && d.attempts > 0 || d.gave_up_at.is_some();
                                view! {
                                    <tr data-testid="delivery-row">
                                        <td class="hidden whitespace-nowrap p-2 sm:table-cell">{Date::moment_label(d.created_at)}</td>
                                        <td class="p-2">
                                            <div class="text-gray-700 sm:hidden">{Date::moment_label(d.created_at)}</div>
                                            <span class="font-medium">{tr(vi, en)}</span><br/><span class="font-mono text-xs break-all text-gray-700">{d.event_id.clone()}</span>
                                            <div class=format!("sm:hidden {tone}")>{format!("{} {} · {state}", tr("Lần gửi:", "Tries:"), d.attempts)}</div>
                                            <div class="mt-1 sm:hidden">{again.then(|| view! {
                                                <button type="button" class=BUTTON_QUIET on:click=move |_| send_again(id)>{tr("Gửi lại", "Send again")}</button>
                                            })}</div>
                                        </td>
                                        <td class="hidden p-2 sm:table-cell">{d.attempts}</td>
                                        <td class=format!("hidden p-2 sm:table-cell {tone}")>{state}</td>
                                        <td class="hidden p-2 sm:table-cell">{again.then(|| view! {
                                            <button type="button" class=format!("{BUTTON_QUIET} whitespace-nowrap") on:click=move |_| send_again(id)>{tr("Gửi lại", "Send again")}</button>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view().into_any()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
