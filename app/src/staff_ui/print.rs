//! Printed notices for families without a smartphone: what must be paid with a
//! QR for exactly that, voluntary fees apart with a tick box, the four fields of
//! the payment template and how to check the school's account. Each notice is
//! half an A4 sheet (A5 landscape): a class prints two to a sheet, to cut apart,
//! in one print job (one PDF); one child prints on A5.

use super::tr;
use crate::api::class_view::print_notices;
use crate::domain::money::Vnd;
use crate::domain::vietqr::VietQr;
use crate::staff::PrintedNotice;
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
    let period_for_pdf = period.clone();
    let notices = LocalResource::new(move || print_notices(class_id, period.clone(), student));
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    // Where families check the school's accounts: this deployment's own address.
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    // The whole page takes the notices' paper, so nothing before the first
    // notice opens a sheet of its own.
    let paper = if student.is_some() {
        "page-a5 py-4 print:p-0"
    } else {
        "notice-sheets py-4 print:p-0"
    };
    view! {
        <div class=paper>
            <div class="mb-4 flex flex-wrap items-center gap-3 print:hidden">
                <button type="button" class="min-h-11 rounded-lg bg-slate-800 px-4 font-semibold text-white" on:click=print>
                    {tr("In", "Print")}
                </button>
                <span class="text-sm text-gray-700">
                    {if student.is_some() { tr("Khổ A5 ngang, một thông báo cho học sinh này.", "A5 landscape, one notice for this child.") }
                     else { tr("Khổ A4, hai thông báo mỗi tờ (cắt theo đường kẻ).",
                        "A4, two notices per sheet (cut along the line).") }}
                </span>
                {student.is_none().then(|| view! {
                    <super::widgets::FileDownload href=format!("/staff/notices/{class_id}/{period_for_pdf}/pdf")
                        label=tr("Tải một tệp PDF cho cả lớp", "Download one PDF for the class")
                        fallback_name=format!("thong-bao-{period_for_pdf}.pdf")/>
                })}
            </div>
            {move || notices.get().map(|r| match r {
                Err(e) => view! { <p role="alert">{crate::i18n::staff_error_message(crate::ui::current_lang(), &e)}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p>{tr("Không có hoá đơn nào cho kỳ này.", "No invoices for this period.")}</p> }.into_any(),
                Ok(list) if student.is_some() => list.into_iter()
                    .map(|n| view! { <Notice notice=n origin=origin.clone()/> })
                    .collect_view().into_any(),
                Ok(list) => {
                    // Two to a sheet: the sheet, not the notice, breaks the page.
                    let mut sheets = Vec::new();
                    let mut list = list.into_iter().peekable();
                    while let Some(first) = list.next() {
                        let second = list.next();
                        sheets.push(view! {
                            <div class="notice-sheet">
                                <Notice notice=first origin=origin.clone()/>
                                {second.map(|n| view! { <Notice notice=n origin=origin.clone()/> })}
                            </div>
                        });
                    }
                    sheets.collect_view().into_any()
                }
            })}
        </div>
    }
}

#[component]
fn Notice(notice: PrintedNotice, origin: String) -> impl IntoView {
    let PrintedNotice {
        detail,
        student_code,
        school_slug,
        figures,
    } = notice;
    let s = &detail.summary;
    let due = figures.compulsory_due;
    // A printed QR too is drawn only from an account the office confirmed, and
    // asks for the compulsory amount only.
    let payee = detail.payee.clone();
    let payload = if let (true, Some(payee)) = (due.is_positive(), &payee) {
        VietQr::transfer(
            &payee.bin,
            &payee.account_number,
            due,
            s.code.as_str(),
            &detail.memo,
        )
        .encode()
        .ok()
        .and_then(|p| crate::ui::components::qr::svg_markup(&p))
    } else {
        None
    };
    let registry = format!("{origin}/tai-khoan/{school_slug}");
    let t = crate::ui::texts();
    let label = |l: &str| format!("{l}: ");
    let field = |label: String, value: String| {
        view! { <div><dt class="inline text-gray-600">{label}</dt><dd class="inline font-semibold">{value}</dd></div> }
    };
    view! {
        <article class="notice rounded-lg border border-gray-300 bg-white p-4 text-sm" data-testid="notice">
            <header class="flex flex-wrap items-baseline justify-between gap-x-4 border-b pb-1">
                <div><span class="font-bold">{detail.school_legal_name.clone()}</span>
                    <span class="text-gray-700">{format!(" · {}", detail.school_address)}</span></div>
                <h1 class="font-bold">{format!("{} — {}", tr("THÔNG BÁO CÁC KHOẢN THU", "FEE NOTICE"), s.period.label())}</h1>
            </header>
            <p class="mt-1">
                {tr("Học sinh: ", "Student: ")}<b>{detail.student_name.clone()}</b>
                {format!(" · {}", tr("Mã học sinh: ", "Student code: "))}<b class="font-mono" data-testid="student-code">{student_code}</b>
                {format!(" · {}{} · {}{}", tr("Lớp: ", "Class: "), detail.class_name, tr("Hạn nộp: ", "Due: "), s.due_on.dmy())}
            </p>
            <div class="mt-1 flex gap-4">
                <div class="min-w-0 flex-1">
                    <table class="w-full">
                        <caption class="text-left font-semibold">{tr("Các khoản phải nộp", "Compulsory fees")}</caption>
                        <tbody>
                            {figures.compulsory.iter().map(|l| view! {
                                <tr class="border-b border-gray-200"><td class="pr-2">{l.description.clone()}</td><td class="text-right whitespace-nowrap">{l.amount.to_string()}</td></tr>
                            }).collect_view()}
                            {figures.paid_to_compulsory.is_positive().then(|| view! {
                                <tr class="border-b border-gray-200"><td class="pr-2">{tr("Đã nộp", "Already paid")}</td><td class="text-right whitespace-nowrap">{(Vnd::ZERO - figures.paid_to_compulsory).to_string()}</td></tr>
                            })}
                        </tbody>
                        <tfoot>
                            <tr><th class="text-left">{tr("Số tiền cần nộp", "Amount to pay")}</th>
                                <td class="text-right text-base font-bold whitespace-nowrap" data-testid="amount-due">{due.to_string()}</td></tr>
                        </tfoot>
                    </table>
                    {(!figures.voluntary.is_empty()).then(|| view! {
                        <div class="mt-1" data-testid="voluntary">
                            <p class="font-semibold">{tr("Khoản tự nguyện — không tính vào số tiền trên", "Voluntary — not in the amount above")}</p>
                            <ul>
                                {figures.voluntary.iter().map(|l| view! {
                                    <li class="flex justify-between gap-2"><span><span class="tick" aria-hidden="true">"☐ "</span>{l.description.clone()}</span>
                                        <span class="whitespace-nowrap">{l.amount.to_string()}</span></li>
                                }).collect_view()}
                            </ul>
                            <p class="text-xs text-gray-700">{tr("Muốn tham gia: đánh dấu ☑ và gửi lại giáo viên chủ nhiệm, hoặc chọn trên điện thoại khi tra cứu.",
                                "To join: tick ☑ and return this to the homeroom teacher, or choose it on a phone when looking up.")}</p>
                        </div>
                    })}
                </div>
                <div class="w-40 shrink-0 text-center">
                    {match payload {
                        Some(svg) => view! { <div class="qr" inner_html=svg></div><p class="text-xs">{tr("Quét mã để nộp số tiền trên", "Scan to pay the amount above")}</p> }.into_any(),
                        None if !due.is_positive() => view! { <p class="font-semibold text-green-800">{tr("Đã nộp đủ các khoản phải nộp.", "Compulsory fees are paid.")}</p> }.into_any(),
                        None => view! { <p class="font-semibold text-red-800">{tr("Tài khoản nhận tiền chưa được xác nhận: chưa in mã QR.", "The receiving account is not confirmed yet: no QR printed.")}</p> }.into_any(),
                    }}
                </div>
            </div>
            <dl class="mt-1 grid gap-x-4 sm:grid-cols-2 print:grid-cols-2" data-testid="template">
                {field(label(t.payer), format!("{} {}", tr("Phụ huynh học sinh", "Parent of"), detail.student_name))}
                {match &payee {
                    Some(p) => field(label(t.beneficiary), format!("{} — {} {}", p.account_name, p.bank_short_name, p.account_number)).into_any(),
                    None => field(label(t.beneficiary), detail.school_legal_name.clone()).into_any(),
                }}
                {field(label(t.reason), detail.reason.clone())}
                {field(label(t.invoice_code), s.code.to_string())}
                {field(tr("Nội dung chuyển khoản: ", "Transfer memo: ").to_string(), detail.memo.clone())}
            </dl>
            <p class="mt-1 text-xs">
                {tr("Chỉ chuyển vào tài khoản có trong danh sách công khai của trường: ", "Only pay into an account on the school's public list: ")}
                <span class="font-mono font-semibold" data-testid="registry-address">{registry}</span>
                {tr(". Nhà trường không bao giờ hỏi mã OTP.", ". The school never asks for OTP codes.")}
            </p>
            {(!detail.contacts.is_empty()).then(|| view! {
                <p class="text-xs">{tr("Liên hệ: ", "Contacts: ")}{detail.contacts.iter().map(|c| format!("{} ({}) {}", c.name, c.role, c.phone)).collect::<Vec<_>>().join(" · ")}</p>
            })}
        </article>
    }
}
