//! "Kiểm tra mã QR": a parent photographs a QR (or picks a screenshot) that
//! someone sent them, and learns whether it pays an official school account
//! confirmed by the school's supervising office, or must not be paid. Any conformant VietQR
//! is read, whoever made it. The picture never leaves the phone: only the bank
//! and account number are asked about.

use crate::api::registry::{check_account, AccountCheck};
use crate::domain::date::Date;
use crate::domain::qr_check::{classify, NotVietQr};
use crate::domain::qr_image::{decode_luma, luma_from_rgba, QrImageError};
use crate::domain::vietqr::VietQr;
use crate::error::AppError;
use crate::ui::components::notice::ErrorNotice;
use crate::ui::tr;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Photos are read at this size at most: enough for any QR, quick on a cheap phone.
const MAX_SIDE: f64 = 1600.0;

#[derive(Clone, PartialEq)]
enum Step {
    Waiting,
    Reading,
    Unreadable(QrImageError),
    NotVietQr(NotVietQr),
    Checking(VietQr),
    Checked(VietQr, AccountCheck),
    Failed(AppError),
}

/// The browser's own reader (Android's Chrome has one), if it has it.
async fn read_with_barcode_detector(canvas: &web_sys::HtmlCanvasElement) -> Option<String> {
    let window = web_sys::window()?;
    let class = js_sys::Reflect::get(&window, &"BarcodeDetector".into()).ok()?;
    let class: js_sys::Function = class.dyn_into().ok()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(
        &options,
        &"formats".into(),
        &js_sys::Array::of1(&"qr_code".into()),
    )
    .ok()?;
    let detector = js_sys::Reflect::construct(&class, &js_sys::Array::of1(&options)).ok()?;
    let detect: js_sys::Function = js_sys::Reflect::get(&detector, &"detect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = detect.call1(&detector, canvas).ok()?.dyn_into().ok()?;
    let found: js_sys::Array = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    let first = found.get(0);
    js_sys::Reflect::get(&first, &"rawValue".into())
        .ok()?
        .as_string()
}

/// hocphi's own reader (wasm), for every other browser.
fn read_with_wasm(canvas: &web_sys::HtmlCanvasElement) -> Result<String, QrImageError> {
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or(QrImageError::BadPicture)?;
    let (w, h) = (canvas.width(), canvas.height());
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| QrImageError::BadPicture)?;
    decode_luma(w as usize, h as usize, &luma_from_rgba(&data.data()))
}

async fn read_qr(file: web_sys::File) -> Result<String, QrImageError> {
    let canvas = crate::ui::components::picture::draw_scaled(&file, MAX_SIDE)
        .await
        .ok_or(QrImageError::BadPicture)?;
    if let Some(text) = read_with_barcode_detector(&canvas).await {
        return Ok(text);
    }
    read_with_wasm(&canvas)
}

#[component]
pub fn CheckQrPage() -> impl IntoView {
    let step = RwSignal::new(Step::Waiting);
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        step.set(Step::Reading);
        spawn_local(async move {
            let text = match read_qr(file).await {
                Ok(text) => text,
                Err(e) => return step.set(Step::Unreadable(e)),
            };
            let qr = match classify(&text) {
                Ok(qr) => qr,
                Err(other) => return step.set(Step::NotVietQr(other)),
            };
            step.set(Step::Checking(qr.clone()));
            match check_account(qr.bin.clone(), qr.account.clone()).await {
                Ok(verdict) => step.set(Step::Checked(qr, verdict)),
                Err(e) => step.set(Step::Failed(e)),
            }
        });
    };
    let button = "flex min-h-12 w-full cursor-pointer items-center justify-center rounded-lg px-4 text-lg font-semibold focus-within:outline focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-teal-700";
    view! {
        <section class="py-6" aria-labelledby="check-title">
            <crate::ui::components::to_fees::ToFees/>
            <h1 id="check-title" class="text-2xl font-bold text-gray-900">{tr("Kiểm tra mã QR trước khi chuyển tiền", "Check a QR code before you pay")}</h1>
            <p class="mt-1 text-base text-gray-700">{tr(
                "Ai đó gửi cho bạn mã QR để nộp tiền cho nhà trường? Chụp mã hoặc chọn ảnh chụp màn hình: hocphi cho biết mã có trả vào tài khoản chính thức của trường, đã được cơ quan quản lý giáo dục xác nhận, hay không. Ảnh không rời khỏi điện thoại của bạn.",
                "Someone sent you a QR code to pay the school? Photograph it or pick the screenshot: hocphi tells you whether it pays into a school's official account, confirmed by its education authority. The picture never leaves your phone.")}</p>
            <div class="mt-4 space-y-3">
                <label class=format!("{button} bg-teal-700 text-white")>
                    {tr("Chụp ảnh mã QR", "Photograph the QR")}
                    <input type="file" accept="image/*" capture="environment" class="sr-only" on:change=on_file data-testid="qr-camera"/>
                </label>
                <label class=format!("{button} border-2 border-teal-700 text-teal-900")>
                    {tr("Chọn ảnh chụp màn hình", "Pick a screenshot")}
                    <input type="file" accept="image/*" class="sr-only" on:change=on_file data-testid="qr-file"/>
                </label>
            </div>
            <div class="mt-4" aria-live="polite">
                {move || match step.get() {
                    Step::Waiting => None,
                    Step::Reading => Some(view! { <p class="text-gray-700">{tr("Đang đọc mã QR…", "Reading the QR code…")}</p> }.into_any()),
                    Step::Checking(_) => Some(view! { <p class="text-gray-700">{tr("Đang tra danh sách tài khoản chính thức…", "Looking in the registry of official accounts…")}</p> }.into_any()),
                    Step::Unreadable(e) => Some(unreadable(e).into_any()),
                    Step::NotVietQr(other) => Some(not_vietqr(other).into_any()),
                    Step::Failed(e) => Some(view! { <ErrorNotice error=e/> }.into_any()),
                    Step::Checked(qr, AccountCheck::Official { school, slug, office: _, account }) => Some(view! {
                        <div role="status" data-testid="qr-verdict" data-official="true" class="rounded-xl border-2 border-green-700 bg-green-50 p-4">
                            <p class="text-xl font-bold text-green-900">{format!("✓ {} {school}", tr("Tài khoản chính thức của", "An official account of"))}</p>
                            <p class="mt-1 text-sm text-gray-800">{format!("{} {} {} {}", tr("Đã được", "Confirmed by"), account.confirmed_by_office, tr("xác nhận ngày", "on"), Date::moment_label(account.confirmed_at))}</p>
                            <QrDetails qr=qr bank=account.bank_short_name holder=Some(account.account_name)/>
                            <p class="mt-2 text-base">{tr("Khi chuyển, vẫn kiểm tra tên người nhận trong ứng dụng ngân hàng đúng như trên.", "When you pay, still check that your banking app shows the same beneficiary name.")}</p>
                            <a class="mt-2 inline-flex min-h-11 items-center text-teal-800 underline" href=format!("/tai-khoan/{slug}")>{tr("Xem các tài khoản chính thức của trường", "See the school's official accounts")}</a>
                        </div>
                    }.into_any()),
                    Step::Checked(qr, AccountCheck::NotOfficial) => {
                        let bank = crate::domain::banks::by_bin(&qr.bin).map(|b| b.short_name.to_string()).unwrap_or_else(|| qr.bin.clone());
                        Some(view! {
                            <div role="alert" data-testid="qr-verdict" data-official="false" class="rounded-xl border-2 border-red-700 bg-red-50 p-4">
                                <p class="text-xl font-bold text-red-900">{tr("⚠ KHÔNG phải tài khoản chính thức của trường nào", "⚠ NOT an official account of any school")}</p>
                                <QrDetails qr=qr bank holder=None/>
                                <p class="mt-2 font-semibold">{tr("Đừng chuyển tiền theo mã này.", "Do not pay with this code.")}</p>
                                <ul class="mt-1 list-disc space-y-1 pl-5">
                                    <li>{tr("Hỏi nhà trường bằng số điện thoại trên trang của trường hoặc thông báo giấy, không dùng số trong tin nhắn lạ.", "Ask the school using the phone numbers on its page or its paper notice, never a number from the message.")}</li>
                                    <li>{tr("Nhà trường không bao giờ đổi tài khoản qua tin nhắn, không hỏi mã OTP hay mật khẩu.", "The school never changes its account by message and never asks for an OTP or a password.")}</li>
                                    <li>{tr("Nếu đã chuyển: gọi ngay tổng đài ngân hàng của bạn để yêu cầu phong toả, rồi báo công an và nhà trường.", "If you already paid: call your bank's hotline at once to ask for a freeze, then tell the police and the school.")}</li>
                                </ul>
                                <p class="mt-2"><a class="inline-flex min-h-11 items-center text-teal-800 underline" href="/huong-dan/nhan-biet-lua-dao.html" rel="external">{tr("Cách nhận biết mã QR và tin nhắn giả", "How to recognise fake QR codes and messages")}</a></p>
                            </div>
                        }.into_any())
                    }
                }}
            </div>
            <p class="mt-6"><a class="inline-flex min-h-11 items-center text-teal-800 underline" href="/tai-khoan">{tr("Danh sách tài khoản chính thức của các trường", "The registry of schools' official accounts")}</a></p>
        </section>
    }
}

#[component]
fn QrDetails(qr: VietQr, bank: String, holder: Option<String>) -> impl IntoView {
    view! {
        <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-base">
            <dt class="text-gray-700">{tr("Ngân hàng", "Bank")}</dt><dd class="font-semibold">{bank}</dd>
            <dt class="text-gray-700">{tr("Số tài khoản", "Account")}</dt><dd class="font-semibold">{qr.account.clone()}</dd>
            {holder.map(|h| view! { <dt class="text-gray-700">{tr("Tên tài khoản", "Account name")}</dt><dd class="font-semibold">{h}</dd> })}
            {qr.amount.map(|a| view! { <dt class="text-gray-700">{tr("Số tiền", "Amount")}</dt><dd>{a.to_string()}</dd> })}
            {qr.purpose.clone().map(|p| view! { <dt class="text-gray-700">{tr("Nội dung", "Memo")}</dt><dd class="break-all">{p}</dd> })}
        </dl>
    }
}

fn unreadable(e: QrImageError) -> impl IntoView {
    let text = match e {
        QrImageError::NotFound => tr(
            "Không thấy mã QR nào trong ảnh. Chụp lại cho cả mã QR nằm gọn trong khung, đủ sáng, không bị mờ.",
            "No QR code in this picture. Take it again with the whole code in the frame, well lit and sharp.",
        ),
        QrImageError::Unreadable => tr(
            "Thấy mã QR nhưng không đọc được. Chụp lại gần hơn và giữ máy thật yên.",
            "A QR code is there but cannot be read. Take it again closer, holding the phone still.",
        ),
        QrImageError::BadPicture => tr(
            "Không mở được ảnh này. Hãy chọn một ảnh khác (JPG hoặc PNG).",
            "This picture cannot be opened. Pick another one (JPG or PNG).",
        ),
    };
    view! { <p role="alert" data-testid="qr-verdict" class="rounded-lg bg-amber-50 p-4 text-amber-950 ring-1 ring-amber-300">{text}</p> }
}

fn not_vietqr(other: NotVietQr) -> impl IntoView {
    let text = match other {
        NotVietQr::WebLink { host } => format!(
            "{} {host}. {}",
            tr("Đây không phải mã chuyển khoản mà là một đường dẫn tới trang", "This is not a transfer code but a link to the site"),
            tr("Đừng nhập thông tin ngân hàng, mã OTP hay mật khẩu vào trang lạ.", "Never type bank details, OTP codes or passwords into an unknown site.")
        ),
        NotVietQr::OtherScheme(_) => tr(
            "Đây là mã thanh toán của một hệ thống khác, không phải VietQR chuyển khoản ngân hàng: hocphi không kiểm tra được. Nhà trường chỉ thu qua các tài khoản trong danh sách chính thức.",
            "This is a payment code of another scheme, not a VietQR bank transfer: hocphi cannot check it. Schools only collect through the accounts in the official registry.",
        )
        .to_string(),
        NotVietQr::Broken(_) => tr(
            "Mã này giống VietQR nhưng bị hỏng hoặc đã bị sửa (sai mã kiểm tra). Đừng dùng nó để chuyển tiền.",
            "This code looks like a VietQR but is damaged or was altered (its checksum is wrong). Do not pay with it.",
        )
        .to_string(),
        NotVietQr::Other => tr(
            "Đây không phải mã VietQR chuyển khoản. Nhà trường chỉ thu qua mã VietQR trên hocphi hoặc các tài khoản trong danh sách chính thức.",
            "This is not a VietQR transfer code. Schools only collect through hocphi's VietQR codes or the accounts in the official registry.",
        )
        .to_string(),
    };
    view! { <p role="alert" data-testid="qr-verdict" data-official="false" class="rounded-lg bg-amber-50 p-4 text-amber-950 ring-1 ring-amber-300">{text}</p> }
}
