//! Printed notices for families without a smartphone: one page per child, with
//! the itemised fees, the QR and the people to call. A4 for a class, A5 for one child.

use super::tr;
use crate::api::class_view::print_notices;
use crate::domain::vietqr::VietQr;
use crate::model::InvoiceDetail;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PrintPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let class_id: i64 = params
        .read_untracked()
        .get("class")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let period = params.read_untracked().get("period").unwrap_or_default();
    let student: Option<i64> = query
        .read_untracked()
        .get("student")
        .and_then(|v| v.parse().ok());
    let notices = LocalResource::new(move || print_notices(class_id, period.clone(), student));
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="py-4 print:p-0">
            <div class="mb-4 flex flex-wrap items-center gap-3 print:hidden">
                <button type="button" class="min-h-11 rounded-lg bg-slate-800 px-4 font-semibold text-white" on:click=print>
                    {tr("In", "Print")}
                </button>
                <span class="text-sm text-gray-700">
                    {if student.is_some() { tr("Khổ A5, một trang cho học sinh này.", "A5, one page for this child.") }
                     else { tr("Khổ A4, mỗi học sinh một trang.", "A4, one page per child.") }}
                </span>
            </div>
            {move || notices.get().map(|r| match r {
                Err(e) => view! { <p role="alert">{crate::i18n::staff_error_message(crate::ui::current_lang(), &e)}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p>{tr("Không có hoá đơn nào cho kỳ này.", "No invoices for this period.")}</p> }.into_any(),
                Ok(list) => list.into_iter().map(|d| view! { <Notice detail=d small=student.is_some()/> }).collect_view().into_any(),
            })}
        </div>
    }
}

#[component]
fn Notice(detail: InvoiceDetail, small: bool) -> impl IntoView {
    let s = &detail.summary;
    // A printed QR too is drawn only from an account the district office confirmed.
    let payee = detail.payee.clone();
    let payload = if let (true, Some(payee)) = (detail.balance.is_positive(), &payee) {
        VietQr::transfer(
            &payee.bin,
            &payee.account_number,
            detail.balance,
            s.code.as_str(),
            &detail.memo,
        )
        .encode()
        .ok()
        .and_then(|p| crate::ui::components::qr::svg_markup(&p))
    } else {
        None
    };
    view! {
        <article class="notice mb-6 break-after-page rounded-lg border border-gray-300 bg-white p-4 text-sm print:mb-0 print:border-0"
            class:page-a5=small data-testid="notice">
            <header class="border-b pb-2">
                <div class="font-bold">{detail.school_legal_name.clone()}</div>
                <div class="text-gray-700">{detail.school_address.clone()}</div>
            </header>
            <h1 class="mt-2 text-lg font-bold">{format!("{} — {}", tr("THÔNG BÁO CÁC KHOẢN THU", "FEE NOTICE"), s.period.label())}</h1>
            <p>{format!("{}: {} · {}: {} · {}: {}", tr("Học sinh", "Student"), detail.student_name, tr("Lớp", "Class"), detail.class_name,
                tr("Hạn nộp", "Due"), s.due_on.dmy())}</p>
            <table class="mt-2 w-full">
                <tbody>
                    {detail.lines.iter().filter(|l| !l.declined).map(|l| view! {
                        <tr class="border-b border-gray-200"><td class="py-1 pr-2">{l.description.clone()}</td><td class="text-right whitespace-nowrap">{l.amount.to_string()}</td></tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><th class="pt-1 text-left">{tr("Còn phải nộp", "Still to pay")}</th><td class="pt-1 text-right text-base font-bold whitespace-nowrap">{detail.balance.to_string()}</td></tr>
                </tfoot>
            </table>
            <div class="mt-3 flex gap-4">
                {payload.map(|svg| view! { <div class="qr w-40 shrink-0" inner_html=svg></div> })}
                <dl class="space-y-1">
                    {match payee {
                        Some(p) => view! {
                            <div><dt class="inline text-gray-600">{tr("Ngân hàng: ", "Bank: ")}</dt><dd class="inline font-semibold">{p.bank_short_name}</dd></div>
                            <div><dt class="inline text-gray-600">{tr("Số tài khoản: ", "Account: ")}</dt><dd class="inline font-semibold">{p.account_number}</dd></div>
                            <div><dt class="inline text-gray-600">{tr("Tên tài khoản: ", "Account name: ")}</dt><dd class="inline font-semibold">{p.account_name}</dd></div>
                        }.into_any(),
                        None => view! {
                            <div class="font-semibold text-red-800">{tr("Tài khoản nhận tiền chưa được Phòng GD&ĐT xác nhận.", "The receiving account is not confirmed by the district office yet.")}</div>
                        }.into_any(),
                    }}
                    <div><dt class="inline text-gray-600">{tr("Nội dung chuyển khoản: ", "Memo: ")}</dt><dd class="inline font-mono font-semibold">{detail.memo.clone()}</dd></div>
                    <div><dt class="inline text-gray-600">{tr("Mã hoá đơn: ", "Invoice code: ")}</dt><dd class="inline font-mono">{s.code.to_string()}</dd></div>
                </dl>
            </div>
            <p class="mt-3">{tr("Quét mã QR bằng ứng dụng ngân hàng, hoặc chuyển khoản với đúng nội dung trên. Không mất phí. Nhà trường không bao giờ hỏi mã OTP.",
                "Scan the QR in a banking app, or transfer with exactly the memo above. Free of charge. The school never asks for OTP codes.")}</p>
            {(!detail.contacts.is_empty()).then(|| view! {
                <p class="mt-2">{tr("Liên hệ: ", "Contacts: ")}{detail.contacts.iter().map(|c| format!("{} ({}) {}", c.name, c.role, c.phone)).collect::<Vec<_>>().join(" · ")}</p>
            })}
        </article>
    }
}
