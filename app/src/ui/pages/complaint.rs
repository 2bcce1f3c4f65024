//! A parent's complaints: filing one from an invoice or a receipt, the ones
//! this phone filed, and following one by its tracking code (which travels
//! after `#`, never to a server log).

use crate::api::complaints::{
    file_complaint, reply_to_complaint, track_complaint, ComplaintKind, ComplaintView,
    ANSWER_WITHIN_DAYS,
};
use crate::domain::date::Date;
use crate::domain::tracking_code::{tidy, TrackingCodeError};
use crate::error::AppError;
use crate::ui::components::copy::CopyRow;
use crate::ui::components::notice::{ErrorNotice, Loading};
use crate::ui::storage;
use crate::ui::tr;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

const KEPT: &str = storage::COMPLAINTS_KEY;
const INPUT: &str = "mt-1 block min-h-12 w-full rounded-lg border border-gray-400 bg-white px-3 text-lg text-gray-900";
const LABEL: &str = "block text-base font-semibold text-gray-900";
const BUTTON: &str = "min-h-12 w-full rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white disabled:opacity-60";
/// Photos are shrunk on the phone to this longest side before sending.
const PHOTO_SIDE: f64 = 1600.0;

/// A complaint this phone filed: its code, and what it was about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Filed {
    code: String,
    subject: String,
    at: i64,
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn filed() -> Vec<Filed> {
    local()
        .and_then(|s| s.get_item(KEPT).ok()?)
        .and_then(|j| serde_json::from_slice(j.as_bytes()).ok())
        .unwrap_or_default()
}

fn keep(entry: Filed) {
    let mut list = filed();
    list.retain(|f| f.code != entry.code);
    list.insert(0, entry);
    if let (Some(s), Ok(j)) = (local(), serde_json::to_string(&list)) {
        let _ = s.set_item(KEPT, &j);
    }
}

fn track_href(code: &str) -> String {
    format!("/khieu-nai/theo-doi#{code}")
}

/// What is wrong with a typed tracking code, in words a parent can act on.
fn code_problem(e: TrackingCodeError) -> String {
    match e {
        TrackingCodeError::Empty => tr(
            "Hãy nhập mã theo dõi, dạng KN-XXXXX-XXXXX.",
            "Type the tracking code, like KN-XXXXX-XXXXX.",
        )
        .to_string(),
        TrackingCodeError::NotKn => tr(
            "Mã theo dõi bắt đầu bằng KN, ví dụ KN-ABCDE-23456. Mã này có vẻ là mã khác (mã hoá đơn, mã giao dịch của ngân hàng).",
            "A tracking code starts with KN, e.g. KN-ABCDE-23456. This looks like another code (an invoice's, the bank's reference).",
        )
        .to_string(),
        TrackingCodeError::WrongLength { count } => tr(
            "Sau KN, mã theo dõi có 10 chữ và số; mã này có {count}. Hãy xem lại mã.",
            "After KN a tracking code has 10 letters and digits; this one has {count}. Check the code.",
        )
        .replace("{count}", &count.to_string()),
        TrackingCodeError::BadCharacter(c) => tr(
            "Mã theo dõi không có ký tự \"{c}\" (mã không dùng 0, O, 1, I, L). Hãy xem lại mã.",
            "Tracking codes have no \"{c}\" (they use no 0, O, 1, I, L). Check the code.",
        )
        .replace("{c}", &c.to_string()),
    }
}

/// The photo, shrunk to a JPEG `data:` address (a phone photo is several MB).
async fn shrink(file: web_sys::File) -> Option<String> {
    crate::ui::components::picture::draw_scaled(&file, PHOTO_SIDE)
        .await?
        .to_data_url_with_type_and_encoder_options(
            "image/jpeg",
            &wasm_bindgen::JsValue::from_f64(0.8),
        )
        .ok()
}

/// Filing: which child (the one the invoice is for, or chosen), the kind of
/// problem, the bank reference, what happened, and an optional photo.
#[component]
pub fn NewComplaintPage() -> impl IntoView {
    let q = |k: &str| crate::ui::router::query(k).unwrap_or_default();
    let (invoice, receipt) = (q("hd"), q("bl"));
    let children = storage::children();
    let child = RwSignal::new(
        storage::child(&q("con"))
            .or_else(|| (children.len() == 1).then(|| children[0].clone()))
            .map(|c| c.id)
            .unwrap_or_default(),
    );
    let kind = RwSignal::new(ComplaintKind::PaidNotShown);
    let reference = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let photo = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let subject = if !invoice.is_empty() {
        format!("{} {invoice}", tr("Hoá đơn", "Invoice"))
    } else if !receipt.is_empty() {
        // By its printed number, never the link's long code (a capability,
        // and too long for a phone's line).
        format!(
            "{} {}",
            tr("Biên lai", "Receipt"),
            q("so").chars().take(24).collect::<String>()
        )
        .trim_end()
        .to_string()
    } else {
        String::new()
    };
    let subject_for_keep = subject.clone();
    let on_photo = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            spawn_local(async move { photo.set(shrink(file).await) });
        }
    };
    // The form sent with no child chosen: said beside the choice, not as an
    // expired session (there was none).
    let unchosen = RwSignal::new(false);
    let child_select = NodeRef::<leptos::html::Select>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if child.with_untracked(String::is_empty) {
            unchosen.set(true);
            if let Some(select) = child_select.get_untracked() {
                let _ = select.focus();
            }
            return;
        }
        let Some(saved) = storage::child(&child.get_untracked()) else {
            error.set(Some(AppError::AccessExpired));
            return;
        };
        pending.set(true);
        let (invoice, receipt, subject) =
            (invoice.clone(), receipt.clone(), subject_for_keep.clone());
        spawn_local(async move {
            let result = file_complaint(
                saved.access.token.clone(),
                invoice,
                receipt,
                kind.get_untracked(),
                reference.get_untracked(),
                text.get_untracked(),
                photo.get_untracked().unwrap_or_default(),
            )
            .await;
            pending.set(false);
            match result {
                Ok(done) => {
                    keep(Filed {
                        code: done.tracking_code.clone(),
                        subject: format!("{} · {subject}", saved.access.student_name),
                        at: (js_sys::Date::now() / 1000.0) as i64,
                    });
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().set_href(&track_href(&done.tracking_code));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="py-6" aria-labelledby="complaint-title">
            <crate::ui::components::to_fees::ToFees/>
            <h1 id="complaint-title" class="text-2xl font-bold text-gray-900">{tr("Báo sai sót, khiếu nại", "Report a problem")}</h1>
            <p class="mt-1 text-base text-gray-700">{format!("{} {ANSWER_WITHIN_DAYS} {}",
                tr("Nhà trường trả lời trong", "The school answers within"), tr("ngày. Bạn nhận một mã để theo dõi.", "days. You get a code to follow it."))}</p>
            {(!subject.is_empty()).then(|| view! { <p class="mt-2 font-semibold break-words">{subject.clone()}</p> })}
            // A complaint is filed for a child this phone has looked up (the
            // school must know whose it is). Without one, said before anything
            // is typed, with the way to do it.
            {children.is_empty().then(|| view! {
                <div class="mt-4 rounded-xl border-2 border-amber-500 bg-amber-50 p-4 text-lg text-amber-950" data-testid="complaint-needs-child">
                    <p>{tr("Để gửi khiếu nại, trước hết hãy tra cứu con trên điện thoại này bằng mã học sinh và ngày sinh, rồi mở lại biên lai hoặc khoản thu và bấm báo sai sót.",
                        "To send a complaint, first look up your child on this phone with the student code and date of birth, then open the receipt or invoice again and report the problem.")}</p>
                    <a href="/" class="mt-3 inline-flex min-h-12 items-center rounded-lg bg-teal-800 px-4 font-semibold text-white">{tr("Tra cứu con", "Look up your child")}</a>
                </div>
            })}
            <form class="mt-4 space-y-5 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" on:submit=submit class:hidden=children.is_empty()>
                {(children.len() > 1 || child.get_untracked().is_empty()).then(|| view! {
                    <div>
                        <label for="complaint-child" class=LABEL>{tr("Cho con nào", "For which child")}</label>
                        <select id="complaint-child" node_ref=child_select class=INPUT aria-describedby="complaint-child-hint" aria-invalid=move || unchosen.get().to_string()
                            on:change=move |ev| { unchosen.set(false); child.set(event_target_value(&ev)) } prop:value=move || child.get()>
                            <option value="">{tr("Chọn", "Choose")}</option>
                            {children.iter().map(|c| view! { <option value=c.id.clone()>{format!("{} · {}", c.access.student_name, c.access.school_name)}</option> }).collect_view()}
                        </select>
                        <p id="complaint-child-hint" class=move || if unchosen.get() { "mt-1 font-semibold text-red-800" } else { "hidden" }>
                            {tr("Khiếu nại này cho con nào? Hãy chọn.", "Which child is this complaint for? Please choose.")}
                        </p>
                    </div>
                })}
                <fieldset>
                    <legend class=LABEL>{tr("Vấn đề", "What happened")}</legend>
                    {ComplaintKind::ALL.into_iter().map(|k| {
                        let (vi, en) = k.label();
                        view! {
                            <label class="mt-1 flex min-h-11 items-center gap-3 text-lg">
                                <input type="radio" name="kind" class="h-5 w-5 shrink-0" prop:checked=move || kind.get() == k on:change=move |_| kind.set(k)/>
                                {tr(vi, en)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div>
                    <label for="complaint-reference" class=LABEL>{tr("Mã giao dịch của ngân hàng (nếu có)", "The bank's transaction reference (if any)")}</label>
                    <input id="complaint-reference" class=INPUT autocomplete="off" on:input=move |ev| reference.set(event_target_value(&ev))/>
                    <p class="mt-1 text-sm text-gray-600">{tr("Xem trong lịch sử giao dịch của ứng dụng ngân hàng.", "See the transaction history in your banking app.")}</p>
                </div>
                <div>
                    <label for="complaint-text" class=LABEL>{tr("Nội dung", "Details")}</label>
                    <textarea id="complaint-text" rows="4" class="mt-1 block w-full rounded-lg border border-gray-400 bg-white p-3 text-lg" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </div>
                <div>
                    <span id="complaint-photo-label" class=LABEL>{tr("Ảnh biên nhận chuyển khoản (không bắt buộc)", "Photo of the transfer slip (optional)")}</span>
                    // A button as wide as the form in the page's language, not
                    // the browser's small "Choose File" in the phone's.
                    <label class="mt-1 flex min-h-12 w-full cursor-pointer items-center justify-center rounded-lg border-2 border-teal-700 px-4 text-lg font-semibold text-teal-900 focus-within:outline focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-teal-700">
                        {move || if photo.get().is_some() { tr("Chọn ảnh khác", "Pick another photo") } else { tr("Chụp hoặc chọn ảnh", "Take or pick a photo") }}
                        <input id="complaint-photo" type="file" accept="image/*" class="sr-only" aria-labelledby="complaint-photo-label" on:change=on_photo/>
                    </label>
                    {move || photo.get().map(|_| view! { <p class="mt-1 text-sm text-green-800">{tr("Đã đính kèm ảnh.", "Photo attached.")}</p> })}
                </div>
                {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
                <button type="submit" class=BUTTON prop:disabled=move || pending.get()>
                    {move || if pending.get() { tr("Đang gửi…", "Sending…") } else { tr("Gửi khiếu nại", "Send") }}
                </button>
            </form>
        </section>
    }
}

/// The complaints this phone filed, and a box for a code from elsewhere.
#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let list = filed();
    let code = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match tidy(&code.get_untracked()) {
            Ok(code) => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_href(&track_href(&code));
                }
            }
            Err(e) => problem.set(Some(code_problem(e))),
        }
    };
    view! {
        <section class="py-6" aria-labelledby="complaints-title">
            <crate::ui::components::to_fees::ToFees/>
            <h1 id="complaints-title" class="text-2xl font-bold text-gray-900">{tr("Khiếu nại của bạn", "Your complaints")}</h1>
            {if list.is_empty() {
                view! { <p class="mt-2 text-gray-700">{tr("Máy này chưa gửi khiếu nại nào.", "This phone has not sent any complaint.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 divide-y divide-gray-100 rounded-xl bg-white px-4 ring-1 ring-gray-200">
                        {list.into_iter().map(|f| view! {
                            // A full load: the page reads its code from the address once.
                            <li><a class="flex min-h-12 flex-wrap items-center justify-between gap-x-2 py-2 text-teal-800 underline" href=track_href(&f.code) rel="external">
                                // The code whole (it is read out to the school), under the subject if need be.
                                <span>{f.subject.clone()}</span><span class="font-mono whitespace-nowrap">{f.code.clone()}</span>
                            </a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form class="mt-6" on:submit=open>
                <label for="tracking-code" class=LABEL>{tr("Mã theo dõi", "Tracking code")}</label>
                <input id="tracking-code" class=INPUT placeholder="KN-XXXXX-XXXXX" autocapitalize="characters" autocomplete="off"
                    aria-describedby="tracking-code-problem" on:input=move |ev| code.set(event_target_value(&ev))/>
                <p id="tracking-code-problem" role="alert" class="mt-1 text-base text-red-800">{move || problem.get()}</p>
                <button type="submit" class=format!("{BUTTON} mt-3")>{tr("Xem", "Open")}</button>
            </form>
        </section>
    }
}

/// A tracking code that opens nothing, said in words, with the way back to type it again.
#[component]
fn CodeProblem(text: String) -> impl IntoView {
    view! {
        <h1 class="text-2xl font-bold text-gray-900">{tr("Khiếu nại", "Complaint")}</h1>
        <p role="alert" data-testid="tracking-problem" class="my-4 rounded-lg border border-red-300 bg-red-50 p-4 text-base text-red-900">{text}</p>
        <a class="inline-flex min-h-11 items-center text-teal-800 underline" href="/khieu-nai">{tr("Nhập lại mã", "Type the code again")}</a>
    }
}

/// One complaint, by the code after `#`.
#[component]
pub fn TrackComplaintPage() -> impl IntoView {
    // Another code pasted into the address: read it as a fresh visit would.
    let reread = window_event_listener(leptos::ev::hashchange, |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    on_cleanup(move || reread.remove());
    // The address holds it percent-encoded ("kn22222%2022222" for a pasted space).
    let typed = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| {
            js_sys::decode_uri_component(&h)
                .ok()
                .and_then(|d| d.as_string())
                .unwrap_or(h)
        })
        .unwrap_or_default();
    // A code that cannot be one is said so here, without asking the server
    // (nor counting against the parent's attempts).
    let code = match tidy(&typed) {
        Ok(code) => code,
        Err(e) => {
            return view! {
                <section class="py-6"><crate::ui::components::to_fees::ToFees/><CodeProblem text=code_problem(e)/></section>
            }
            .into_any();
        }
    };
    // The address shows the code as it is written (a pasted "kn22222 22222" too).
    if typed.trim_start_matches('#') != code {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&track_href(&code)),
            );
        }
    }
    let code_for_load = code.clone();
    let view_res = crate::ui::fetch::Fetch::new(move || track_complaint(code_for_load.clone()));
    // The school answers while the page stays open: read again when the parent
    // comes back to it (the answer showed only after a reload). Not while a
    // reply is being typed: the page drawn again would lose it.
    let back = window_event_listener(leptos::ev::focus, move |_| {
        let typing = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("complaint-reply"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(e).ok())
            .is_some_and(|t| !t.value().trim().is_empty());
        // Offline, a failed read would replace the complaint on screen.
        let online = web_sys::window().is_some_and(|w| w.navigator().on_line());
        if online && !typing {
            view_res.refetch();
        }
    });
    on_cleanup(move || back.remove());
    view! {
        <section class="py-6">
            <crate::ui::components::to_fees::ToFees/>
            {move || match view_res.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(AppError::NotFound)) => view! {
                    <CodeProblem text=tr("Không có khiếu nại nào mang mã {code}. Hãy xem lại mã; nếu mã đúng, hãy gọi nhà trường.",
                        "No complaint has the code {code}. Check the code; if it is right, call the school.").replace("{code}", &code)/>
                }.into_any(),
                Some(Err(e)) => view! {
                    <h1 class="text-2xl font-bold text-gray-900">{tr("Khiếu nại", "Complaint")}</h1>
                    <ErrorNotice error=e/>
                    <a class="inline-flex min-h-11 items-center text-teal-800 underline" href="/khieu-nai">{tr("Các khiếu nại của bạn", "Your complaints")}</a>
                }.into_any(),
                Some(Ok(v)) => view! { <Tracked view=v code=code.clone() on_reply=move || view_res.refetch()/> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Tracked(
    view: ComplaintView,
    code: String,
    on_reply: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (kind_vi, kind_en) = view.kind.label();
    let (status_vi, status_en) = view.status.label();
    let closed = view.status.is_closed();
    let reply = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    // One message per press: a double tap sent it twice, and the school read it twice.
    let sending = RwSignal::new(false);
    let shown_code = code.clone();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        let code = code.clone();
        spawn_local(async move {
            let result = reply_to_complaint(code, reply.get_untracked()).await;
            sending.set(false);
            match result {
                Ok(()) => {
                    // Sent: the box is emptied, not left inviting a second send.
                    error.set(None);
                    reply.set(String::new());
                    on_reply()
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let badge = if closed {
        "bg-green-100 text-green-900"
    } else {
        "bg-amber-100 text-amber-900"
    };
    view! {
        <h1 class="text-2xl font-bold text-gray-900">{tr(kind_vi, kind_en)}</h1>
        <p class="text-gray-700">{format!("{} · {}", view.school, view.subject)}</p>
        // The code is the only way back to this page: shown large, to copy or
        // photograph (the address hides it after '#', which chat apps cut off).
        <div class="mt-3 rounded-xl bg-white px-4 py-2 ring-2 ring-teal-700" data-testid="tracking-code">
            <CopyRow label=tr("Mã theo dõi", "Tracking code") value=shown_code large=true/>
            <p class="pb-2 text-sm text-gray-700">{tr(
                "Giữ mã này (sao chép hoặc chụp màn hình) để xem câu trả lời của nhà trường.",
                "Keep this code (copy it or take a screenshot) to see the school's answer.")}</p>
        </div>
        <p class="mt-2"><span class=format!("rounded px-2 py-1 font-semibold {badge}") data-testid="complaint-status">{tr(status_vi, status_en)}</span></p>
        <p class="mt-2 text-sm text-gray-700">{format!("{} {} · {} {}", tr("Gửi lúc", "Sent"), Date::moment_label(view.created_at),
            tr("hạn trả lời", "answer due"), Date::moment_label(view.due_at))}</p>
        <ol class="mt-4 space-y-3" data-testid="complaint-messages">
            {view.messages.into_iter().map(|m| {
                let (who, class) = if m.from_school {
                    (tr("Nhà trường", "The school"), "rounded-xl bg-teal-50 p-3 ring-1 ring-teal-200")
                } else {
                    (tr("Bạn", "You"), "rounded-xl bg-white p-3 ring-1 ring-gray-200")
                };
                view! {
                    <li class=class>
                        <p class="text-sm text-gray-700">{format!("{who} · {}", Date::moment_label(m.at))}</p>
                        <p class="mt-1 whitespace-pre-line">{m.body}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
        {(!closed).then(|| view! {
            <form class="mt-4" on:submit=send>
                <label for="complaint-reply" class=LABEL>{tr("Bổ sung thông tin", "Add information")}</label>
                <textarea id="complaint-reply" rows="3" class="mt-1 block w-full rounded-lg border border-gray-400 bg-white p-3 text-lg" prop:value=move || reply.get() on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
                {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
                <button type="submit" class=format!("{BUTTON} mt-2") prop:disabled=move || sending.get()>
                    {move || if sending.get() { tr("Đang gửi…", "Sending…") } else { tr("Gửi", "Send") }}
                </button>
            </form>
        })}
        <p class="mt-6"><a class="inline-flex min-h-11 items-center text-teal-800 underline" href="/khieu-nai">{tr("Các khiếu nại của bạn", "Your complaints")}</a></p>
    }
}
