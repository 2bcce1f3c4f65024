//! A receipt by its link: the receipt as the school issued it (phone and A5
//! print), its QR verification link, and the check of the school's signature,
//! run here in the browser and, separately, by the server.

use crate::api::receipts::{verify_receipt, view_receipt};
use crate::domain::date::Date;
use crate::domain::receipt::Verdict;
use crate::error::AppError;
use crate::model::ReceiptView;
use crate::ui::components::notice::Loading;
use crate::ui::components::qr::svg_markup;
use crate::ui::components::share::ShareButton;
use crate::ui::offline::{online_or_kept, KeptNotice, Seen};
use leptos::prelude::*;

use crate::ui::tr;

/// The verification link of a receipt: its page, with the proof after `#` (never sent to a server).
pub fn verification_link(origin: &str, code: &str, proof: &str) -> String {
    format!("{origin}/r/{code}#{proof}")
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let code = crate::ui::router::param("code").unwrap_or_default();
    let location = web_sys::window().map(|w| w.location());
    let fragment = location
        .as_ref()
        .and_then(|l| l.hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default();
    let origin = location.and_then(|l| l.origin().ok()).unwrap_or_default();
    let code_for_load = code.clone();
    // Online: the server's copy, kept on this device. Offline: the kept copy,
    // verified here all the same (the school's keys travel with it).
    let receipt = crate::ui::fetch::Fetch::new(move || {
        let code = code_for_load.clone();
        online_or_kept(format!("receipt.{code}"), view_receipt(code))
    });
    view! {
        <div class="py-4">
            <crate::ui::components::to_fees::ToFees/>
            {move || match receipt.get() {
                None => view! { <Loading/> }.into_any(),
                // No network and no copy kept: said as that, not as a cut link.
                Some(Err(AppError::Network(_))) => view! {
                    <p role="alert" class="mt-4 rounded-xl border-2 border-amber-500 bg-amber-50 p-4 text-amber-950">{tr(
                        "Không có mạng, và máy này chưa lưu biên lai này. Hãy mở lại khi có mạng.",
                        "No network, and this device has not kept this receipt. Open it again when online.")}</p>
                }.into_any(),
                Some(Err(e)) if !matches!(e, AppError::NotFound | AppError::LinkInvalid) => view! {
                    <crate::ui::components::notice::ErrorNotice error=e/>
                }.into_any(),
                Some(Err(_)) => view! {
                    <div role="alert" class="mt-4 rounded-xl border-2 border-red-700 bg-red-50 p-4" data-testid="browser-verdict" data-valid="false">
                        // Not called forged: a link cut short by a chat app finds nothing too.
                        <p class="text-2xl font-bold text-red-800">{tr("KHÔNG TÌM THẤY BIÊN LAI", "RECEIPT NOT FOUND")}</p>
                        <p class="mt-1">{tr("Đường dẫn có thể bị cắt mất một phần khi gửi qua tin nhắn: hãy mở lại đường dẫn đầy đủ, hoặc hỏi nhà trường. Chưa tìm thấy thì chưa dùng làm bằng chứng đã nộp được.",
                            "The link may have been cut short in a message: open the whole link again, or ask the school. Until it is found, it is no proof of payment.")}</p>
                    </div>
                }.into_any(),
                Some(Ok(Seen { value: view_data, kept_at })) => {
                    // Without a proof in the link, the receipt's own proof is checked.
                    let proof = if fragment.is_empty() { view_data.proof.clone() } else { fragment.clone() };
                    view! {
                        <KeptNotice kept_at/>
                        <Receipt data=view_data code=code.clone() proof origin=origin.clone() kept_at/>
                    }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn Receipt(
    data: ReceiptView,
    code: String,
    proof: String,
    origin: String,
    kept_at: Option<u64>,
) -> impl IntoView {
    let verdict = data.verdict(&proof);
    let server = crate::ui::fetch::Fetch::new({
        let (code, proof) = (code.clone(), proof.clone());
        move || verify_receipt(code.clone(), proof.clone())
    });
    let c = data.content.clone();
    let link = verification_link(&origin, &code, &data.proof);
    let qr = svg_markup(&link).unwrap_or_default();
    let period = crate::domain::date::Month::label_of(&c.period);
    view! {
        <VerdictBox verdict=verdict.clone() cancellation=data.cancellation.clone() kept_at/>
        <p class="mt-2 text-sm text-gray-700 print:hidden" data-testid="server-verdict"
            data-valid=move || server.get().and_then(Result::ok).map(|v| v.is_valid().to_string()).unwrap_or_default()>
            {move || match server.get() {
                None => tr("Đang hỏi máy chủ của hocphi…", "Asking hocphi's server…").to_string(),
                Some(Ok(v)) => format!("{} {}", tr("Máy chủ của hocphi cũng kiểm tra:", "hocphi's server checked too:"),
                    if v.is_valid() { tr("HỢP LỆ", "VALID") } else { tr("KHÔNG HỢP LỆ", "NOT VALID") }),
                Some(Err(_)) => tr("Không hỏi được máy chủ (có thể máy đang mất mạng). Kết quả trên do máy này tự kiểm tra.",
                    "Could not reach the server (no network?). The result above was checked on this device.").to_string(),
            }}
        </p>
        <article class="receipt mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200 print:shadow-none print:ring-0" aria-labelledby="receipt-title">
            {data.cancellation.clone().map(|(at, reason, _)| view! {
                // Printed too: a cancelled receipt must never look valid on paper.
                <p class="mb-3 rounded-lg border-4 border-red-700 p-2 text-center text-xl font-bold text-red-800" data-testid="receipt-cancelled">
                    {format!("{} · {} · {reason}", tr("ĐÃ HUỶ — KHÔNG CÓ GIÁ TRỊ", "CANCELLED — NOT VALID"), Date::moment_label(at))}
                </p>
            })}
            <p class="text-sm font-semibold uppercase">{c.school.clone()}</p>
            <p class="text-sm">{format!("{} {}", tr("Mã số thuế:", "Tax code:"), c.school_tax_code)}</p>
            <h1 id="receipt-title" class="mt-3 text-center text-2xl font-bold uppercase">{c.receipt_type.clone()}</h1>
            <p class="text-center text-sm" data-testid="receipt-numbering">{c.numbering_line(tr)}</p>
            {data.replaced_by.clone().map(|by| view! {
                <p class="mt-2 text-center text-sm"><a class="text-teal-800 underline" href=format!("/r/{by}")>{tr("Xem biên lai thay thế", "See the replacement receipt")}</a></p>
            })}
            <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-base">
                <dt class="text-gray-700">{tr("Người nộp tiền", "Paid by")}</dt><dd class="font-semibold">{c.payer.clone()}</dd>
                <dt class="text-gray-700">{tr("Học sinh", "Student")}</dt><dd>{format!("{} · {} {}", c.student, tr("lớp", "class"), c.class)}</dd>
                <dt class="text-gray-700">{tr("Mã thanh toán", "Payment code")}</dt><dd class="font-mono">{format!("{} · {period}", c.invoice_code)}</dd>
            </dl>
            <table class="mt-3 w-full text-left text-base">
                <thead><tr class="border-b border-gray-300 text-sm text-gray-700"><th class="py-1">{tr("Nội dung thu", "Item")}</th><th class="py-1 text-right">{tr("Số tiền", "Amount")}</th></tr></thead>
                <tbody>
                    {c.items.iter().map(|i| view! {
                        <tr class="border-b border-gray-100"><td class="py-1 pr-2">{i.label.clone()}</td><td class="py-1 text-right whitespace-nowrap">{i.amount.to_string()}</td></tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr><td class="py-1 font-bold">{tr("Tổng cộng", "Total")}</td><td class="py-1 text-right text-lg font-bold whitespace-nowrap" data-testid="receipt-total">{c.total().to_string()}</td></tr></tfoot>
            </table>
            <p class="mt-1 italic">{format!("{} {}", tr("Bằng chữ:", "In words:"), c.total_in_words)}</p>
            <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                <dt class="text-gray-700">{tr("Hình thức", "Method")}</dt><dd>{crate::domain::receipt::method_label(tr, &c.method)}</dd>
                <dt class="text-gray-700">{tr("Mã giao dịch", "Reference")}</dt><dd class="break-all font-mono">{c.reference.clone()}</dd>
                <dt class="text-gray-700">{tr("Thời gian nộp", "Paid at")}</dt><dd>{Date::moment_label(c.paid_at)}</dd>
                <dt class="text-gray-700">{tr("Ngày lập", "Issued")}</dt><dd>{Date::moment_label(c.issued_at)}</dd>
                <dt class="text-gray-700">{tr("Người thu tiền", "Collected by")}</dt><dd>{c.collector.clone()}</dd>
                {c.replaces.clone().map(|old| view! { <dt class="text-gray-700">{tr("Thay thế biên lai", "Replaces")}</dt><dd>{old}</dd> })}
            </dl>
            // Side by side where the note has room to read; under the QR on a
            // narrow phone, not squeezed into a column a word wide.
            <div class="mt-4 flex flex-wrap items-center gap-3">
                <div class="w-40 shrink-0" inner_html=qr data-testid="receipt-qr" data-link=link.clone()></div>
                <p class="min-w-48 flex-1 text-sm text-gray-700" data-testid="receipt-qr-note">{tr("Quét mã để kiểm tra chữ ký điện tử của nhà trường. Chữ ký do hocphi tạo cho nhà trường, không phải chữ ký số có chứng thư của tổ chức chứng thực; biên lai không phải hoá đơn điện tử đăng ký với cơ quan thuế.",
                    "Scan to check the school's electronic signature. hocphi makes it for the school; it is not a CA-certified digital signature, and the receipt is not a tax-registered e-invoice.")}</p>
            </div>
        </article>
        <div class="mt-4 flex flex-wrap gap-2 print:hidden">
            <button type="button" class="min-h-11 rounded-lg bg-teal-800 px-4 font-semibold text-white" on:click=|_| { let _ = web_sys::window().map(|w| w.print()); }>
                {tr("In biên lai (A5)", "Print (A5)")}
            </button>
            <a class="inline-flex min-h-11 items-center rounded-lg border border-teal-800 px-4 font-semibold text-teal-900" href=format!("/r/{code}/pdf") download=format!("bien-lai-{}.pdf", c.label())>
                {tr("Tải PDF", "Download PDF")}
            </a>
            <ShareButton label=tr("Chia sẻ", "Share") title=tr("Biên lai điện tử", "Electronic receipt").to_string()
                text=tr("Biên lai có chữ ký điện tử của nhà trường, mở để kiểm tra:", "A receipt signed by the school; open it to check:").to_string()
                url=link.clone()/>
        </div>
        <p class="mt-4 print:hidden">
            // The link's code identifies the receipt to the server; its number
            // (printed on it) is what the complaint page shows the parent.
            <a href=complaint_href(&code, &c) class="inline-flex min-h-11 items-center text-teal-800 underline">
                {tr("Báo sai sót, khiếu nại về biên lai này", "Report a problem with this receipt")}
            </a>
        </p>
    }
}

/// The complaint form for this receipt, with its child chosen when this
/// phone keeps that child (same school, same name): a grandparent with two
/// grandchildren is not asked which one the receipt was for.
fn complaint_href(code: &str, c: &crate::domain::receipt::ReceiptContent) -> String {
    let number = form_urlencoded::byte_serialize(c.label().as_bytes()).collect::<String>();
    let child = crate::ui::storage::children()
        .into_iter()
        .find(|s| s.access.school_slug == c.school_slug && s.access.student_name == c.student)
        .map(|s| format!("&con={}", s.id))
        .unwrap_or_default();
    format!("/khieu-nai/moi?bl={code}&so={number}{child}")
}

#[component]
fn VerdictBox(
    verdict: Verdict,
    cancellation: Option<(i64, String, String)>,
    /// A copy kept on the phone (offline): whether the school has cancelled it
    /// since is unknown, so only "not as of" the copy's day is said.
    kept_at: Option<u64>,
) -> impl IntoView {
    let valid = verdict.is_valid();
    let check = |ok: bool, vi: &'static str, en: &'static str| {
        view! { <li>{if ok { "✓ " } else { "✗ " }}{tr(vi, en)}</li> }
    };
    let (box_class, title) = if valid {
        ("border-green-700 bg-green-50", tr("HỢP LỆ", "VALID"))
    } else if verdict.cancelled {
        (
            "border-red-700 bg-red-50",
            tr("KHÔNG HỢP LỆ — BIÊN LAI ĐÃ HUỶ", "NOT VALID — CANCELLED"),
        )
    } else {
        ("border-red-700 bg-red-50", tr("KHÔNG HỢP LỆ", "NOT VALID"))
    };
    view! {
        <section role="status" class=format!("mt-2 rounded-xl border-2 p-4 print:hidden {box_class}") data-testid="browser-verdict" data-valid=valid.to_string()>
            <p class=if valid { "text-2xl font-bold text-green-800" } else { "text-2xl font-bold text-red-800" }>{title}</p>
            <p class="text-sm text-gray-700">{tr("Kiểm tra ngay trên điện thoại này:", "Checked on this phone:")}</p>
            <ul class="mt-1 text-base">
                {check(verdict.key_known, "Được ký bằng khoá nhà trường đã công bố", "Signed with a key the school has published")}
                // "Electronic", as on the receipt: hocphi's key is not a CA-certified digital signature.
                {check(verdict.signature_valid, "Chữ ký điện tử đúng", "The electronic signature is correct")}
                {check(verdict.content_matches == Some(true), "Nội dung biên lai không bị sửa", "The receipt's content is unchanged")}
                {if verdict.cancelled {
                    check(false, "Nhà trường đã huỷ biên lai này", "The school cancelled this receipt").into_any()
                } else if let Some(at) = kept_at {
                    let as_of = Date::moment_label((at / 1000) as i64);
                    view! { <li data-testid="not-cancelled-as-of">{format!("✓ {} {as_of}", tr("Nhà trường chưa huỷ biên lai này, tính đến lúc lưu", "Not cancelled by the school as of"))}</li> }.into_any()
                } else {
                    check(true, "Nhà trường không huỷ biên lai này", "The school has not cancelled it").into_any()
                }}
            </ul>
            {cancellation.filter(|_| verdict.cancelled).map(|(at, reason, _)| view! {
                <p class="mt-2 font-semibold text-red-900">{format!("{} {} — {reason}", tr("Đã huỷ lúc", "Cancelled on"), Date::moment_label(at))}</p>
            })}
        </section>
    }
}
