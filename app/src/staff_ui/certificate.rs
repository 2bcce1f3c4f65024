//! The school's own digital-signature certificate (chữ ký số), on its settings page: whose it
//! is, which certification authority issued it, until when; its accountant adds the .p12/.pfx
//! file with its password, or stops using it with a reason. From then on the school's receipt
//! PDFs carry a PAdES signature made with it.

use super::tr;
use super::widgets::*;
use crate::api::signing_certificate::{load_certificate, retire_certificate, save_certificate};
use crate::domain::date::Date;
use crate::staff::SigningCertificate;
use leptos::prelude::*;

#[component]
pub fn Certificate(school_id: i64, can_edit: bool) -> impl IntoView {
    let current = LocalResource::new(move || load_certificate(school_id));
    let outcome = RwSignal::new(None::<Outcome>);
    let password = RwSignal::new(String::new());
    let pending = OneAtATime::new();
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = input_ref.get() else { return };
        let input: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(input);
        let typed = password.get_untracked();
        pending.run(async move {
            let Some(b64) = super::import::read_file(&input).await else {
                outcome.set(Some(Outcome::Done(
                    tr(
                        "Hãy chọn tệp chứng thư số (.p12 hoặc .pfx).",
                        "Choose the certificate file (.p12 or .pfx).",
                    )
                    .into(),
                )));
                return;
            };
            match save_certificate(school_id, b64, typed).await {
                Ok(c) => {
                    password.set(String::new());
                    input.set_value("");
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {} ({} {}), {} {}.",
                        tr("Đã lưu chứng thư số của", "Saved the certificate of"),
                        c.owner,
                        tr("do", "issued by"),
                        c.issuer,
                        tr("hiệu lực đến", "valid until"),
                        Date::in_vietnam(c.not_after).dmy()
                    ))));
                    current.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let retire = Callback::new(move |reason: String| {
        pending.run(async move {
            match retire_certificate(school_id, reason).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(
                        tr("Đã thôi dùng chứng thư số. Biên lai mới chỉ còn chữ ký điện tử của hocphi.",
                           "The certificate is no longer used. New receipt PDFs carry hocphi's electronic signature only.").into(),
                    )));
                    current.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    });
    view! {
        <section class=CARD aria-labelledby="certificate-title" data-testid="certificate">
            <h2 id="certificate-title" class=H2>{tr("Chữ ký số của nhà trường", "The school's digital signature")}</h2>
            <p class="mt-1 text-sm text-gray-700">{tr(
                "Chứng thư số do tổ chức cung cấp dịch vụ chứng thực chữ ký số cấp cho nhà trường (tệp .p12 hoặc .pfx). Khi có, tệp PDF biên lai và báo cáo được ký số bằng chứng thư này, bên cạnh đường dẫn kiểm tra của hocphi. hocphi kiểm tra mật khẩu, khoá và thời hạn; không kiểm tra tổ chức cấp có được cấp phép hay không.",
                "A certificate a licensed certification authority issued to the school (.p12 or .pfx file). With it, receipt and report PDFs are digitally signed with it, beside hocphi's verification link. hocphi checks the password, the key and the dates, not whether the authority is licensed.")}</p>
            {move || current.get().map(|r| match r {
                Ok(Some(c)) => view! { <Holder c/> }.into_any(),
                Ok(None) => view! { <p class="mt-2 text-sm font-semibold text-gray-800">{tr("Chưa có chứng thư số: biên lai chỉ có chữ ký điện tử của hocphi.", "No certificate yet: receipts carry hocphi's electronic signature only.")}</p> }.into_any(),
                Err(e) => view! { <LoadFailed error=e retry=move || current.refetch()/> }.into_any(),
            })}
            {can_edit.then(|| view! {
                <form class="mt-3 grid gap-3 sm:grid-cols-2" on:submit=upload>
                    <div>
                        <label for="certificate-file" class="block text-sm font-semibold">{tr("Tệp chứng thư số (.p12, .pfx)", "Certificate file (.p12, .pfx)")}</label>
                        <input id="certificate-file" type="file" accept=".p12,.pfx,application/x-pkcs12" node_ref=input_ref class=FILE_INPUT/>
                    </div>
                    <div>
                        <label for="certificate-password" class="block text-sm font-semibold">{tr("Mật khẩu của tệp", "The file's password")}</label>
                        <input id="certificate-password" type="password" autocomplete="off" class=INPUT
                            prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    </div>
                    <div class="sm:col-span-2">
                        <button type="submit" class=BUTTON prop:disabled=move || pending.busy()>{tr("Lưu chứng thư số", "Save the certificate")}</button>
                    </div>
                </form>
                {move || matches!(current.get(), Some(Ok(Some(_)))).then(|| view! {
                    <div class="mt-3">
                        <ReasonButton label=tr("Thôi dùng chứng thư này", "Stop using this certificate")
                            ask=tr("Lý do thôi dùng (ví dụ: đổi hiệu trưởng, mất thiết bị)", "Why (e.g. a new head, a lost device)").to_string()
                            on_reason=retire/>
                    </div>
                })}
            })}
            <OutcomeNotice outcome/>
        </section>
    }
}

#[component]
fn Holder(c: SigningCertificate) -> impl IntoView {
    let who = match &c.organization {
        Some(o) if o != &c.owner => format!("{} · {o}", c.owner),
        _ => c.owner.clone(),
    };
    view! {
        <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="certificate-holder">
            <dt class="text-gray-700">{tr("Chủ chứng thư", "Holder")}</dt><dd class="font-semibold">{who}</dd>
            <dt class="text-gray-700">{tr("Tổ chức cấp", "Issued by")}</dt><dd>{c.issuer.clone()}</dd>
            <dt class="text-gray-700">{tr("Hiệu lực", "Valid")}</dt>
            <dd>{format!("{} – {}", Date::in_vietnam(c.not_before).dmy(), Date::in_vietnam(c.not_after).dmy())}</dd>
            <dt class="text-gray-700">{tr("Số sê-ri", "Serial")}</dt><dd class="break-all">{c.serial_hex.clone()}</dd>
            <dt class="text-gray-700">{tr("Người thêm", "Added by")}</dt>
            <dd>{format!("{} · {}", c.added_by, Date::moment_label(c.added_at))}</dd>
        </dl>
    }
}
