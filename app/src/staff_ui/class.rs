//! The homeroom teacher's class: who has paid this period, a private link per
//! family, and a polite reminder for the class chat that names no child.

use super::tr;
use super::widgets::*;
use crate::api::class_view::{
    create_student_link, load_class_view, my_classes, remove_class, rename_class,
    revoke_student_links,
};
use crate::domain::invoice_status::PaymentState;
use crate::domain::money::Vnd;
use crate::staff::{ClassView, OneTimeLink};
use leptos::prelude::*;

fn state_name(s: Option<crate::domain::invoice_status::InvoiceStatus>) -> &'static str {
    match s.map(|s| s.state) {
        None => tr("chưa có hoá đơn", "no invoice"),
        Some(PaymentState::Paid) => tr("đã nộp đủ", "paid"),
        Some(PaymentState::PartlyPaid) => tr("nộp một phần", "partly paid"),
        Some(PaymentState::Unpaid) => tr("chưa nộp", "unpaid"),
        Some(PaymentState::Voided) => tr("đã huỷ", "voided"),
    }
}

/// The reminder a teacher posts in the class group: the class link, the due date,
/// and no child's name. A date passed (`today`, the server's) is said to be
/// passed, not "due on" a day gone.
pub fn reminder(
    view: &ClassView,
    origin: &str,
    today: Option<crate::domain::date::Date>,
) -> String {
    let due = view.due_on.map(|d| d.dmy()).unwrap_or_default();
    let passed = view
        .due_on
        .zip(today)
        .is_some_and(|(due, today)| due < today);
    let when = if passed {
        format!(
            "{} {due})",
            tr(
                "đã quá hạn nộp (hạn nộp ngày",
                "are overdue (they were due on"
            )
        )
    } else {
        format!("{} {due}", tr("có hạn nộp", "are due on"))
    };
    format!(
        "{} {}: {} {} {when}. {} {origin}{} {}",
        tr("Kính gửi quý phụ huynh lớp", "Dear parents of class"),
        view.class_name,
        tr("các khoản thu tháng", "the fees for"),
        view.period.label(),
        tr(
            "Phụ huynh chưa nộp xin tra cứu và nộp bằng mã QR tại",
            "If you have not paid yet, please look up and pay by QR at"
        ),
        crate::domain::route_path::class_path(&view.school_slug, &view.class_name),
        tr(
            "(chuyển khoản thẳng vào tài khoản của nhà trường). Xin cảm ơn!",
            "(straight to the school's account). Thank you!"
        )
    )
}

#[component]
pub fn ClassSection(
    school_id: i64,
    /// The accountant corrects a class's name or removes an empty one here.
    #[prop(optional)]
    manage: bool,
) -> impl IntoView {
    let changes = super::workspace::Changes::here();
    let classes = LocalResource::new(move || {
        changes.track();
        my_classes(school_id)
    });
    let chosen = RwSignal::new(None::<i64>);
    // What a rename or removal did: kept here, as the form is drawn again after it.
    let managed = RwSignal::new(None::<Outcome>);
    // Whether the rename form is open: kept here too, so it stays open with its outcome.
    let manage_open = RwSignal::new(false);

    Effect::new(move |_| {
        if chosen.get_untracked().is_none() {
            if let Some(Ok(list)) = classes.get() {
                chosen.set(list.first().map(|c| c.id));
            }
        }
    });
    view! {
        <section class=CARD aria-labelledby="class-title">
            <h2 id="class-title" class=H2>{tr("Tình hình nộp của lớp", "Who has paid, by class")}</h2>
            <label for="class-pick" class="mt-2 block text-sm font-semibold">{tr("Chọn lớp", "Choose a class")}</label>
            <select id="class-pick" class=INPUT on:change=move |ev| {
                // Another class: the last rename's outcome was about the one before.
                managed.set(None);
                chosen.set(event_target_value(&ev).parse().ok());
            }>
                {move || classes.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| {
                    let id = c.id;
                    view! { <option value=id.to_string() selected=move || chosen.get() == Some(id)>{c.name}</option> }
                }).collect_view()}
            </select>
            {move || (manage && chosen.get().is_some()).then(|| {
                let current = classes.get().and_then(Result::ok).unwrap_or_default().into_iter()
                    .find(|c| Some(c.id) == chosen.get_untracked());
                current.map(|c| view! { <ManageClass school_id class_id=c.id name=c.name outcome=managed open=manage_open on_removed=move || chosen.set(None)/> })
            })}
            <OutcomeNotice outcome=managed/>
            {move || chosen.get().map(|id| view! { <ClassTable class_id=id/> })}
        </section>
    }
}

#[component]
fn ClassTable(class_id: i64) -> impl IntoView {
    let changes = super::workspace::Changes::here();
    // None: the latest month the class was billed for.
    let chosen_period = RwSignal::new(None::<String>);
    let view_res = LocalResource::new(move || {
        changes.track();
        load_class_view(class_id, chosen_period.get())
    });
    let filter = RwSignal::new("all".to_string());
    let link = RwSignal::new(None::<(i64, String, OneTimeLink)>);
    let message = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None);
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let link_origin = origin.clone();
    // One request at a time: a double click made two live links, one never shown.
    let busy = OneAtATime::new();
    let make_link = move |student_id: i64, name: String| {
        busy.run(async move {
            match create_student_link(student_id).await {
                Ok(l) => {
                    // An earlier revocation's message is not about this link.
                    outcome.set(None);
                    link.set(Some((student_id, name, l)));
                    // The box is drawn under the whole list: on a phone the
                    // teacher would see nothing happen. Take them to it.
                    request_animation_frame(|| focus("private-link"));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let revoke = move |student_id: i64, name: String| {
        // Beside "Đường dẫn riêng", one tap from it: asked first, with what it does.
        let ask = format!(
            "{} {name}? {}",
            tr("Thu hồi mọi đường dẫn đã gửi cho phụ huynh em", "Revoke every link sent to the family of"),
            tr(
                "Điện thoại nào đang xem khoản thu của em sẽ phải tra cứu lại bằng mã học sinh và ngày sinh.",
                "Any phone viewing the child's fees will have to look up again by student code and date of birth."
            )
        );
        if !web_sys::window()
            .and_then(|w| w.confirm_with_message(&ask).ok())
            .unwrap_or(false)
        {
            return;
        }
        busy.run(async move {
            match revoke_student_links(student_id).await {
                Ok(n) => {
                    // The link on screen, if it was this child's, opens nothing
                    // now: not left there to be sent.
                    if link
                        .with_untracked(|l| l.as_ref().is_some_and(|(id, _, _)| *id == student_id))
                    {
                        link.set(None);
                    }
                    let links = if n == 0 {
                        format!(
                            "{} {name}.",
                            tr(
                                "Không có đường dẫn riêng nào đang mở của em",
                                "No private link is open for"
                            )
                        )
                    } else {
                        format!(
                            "{} {n} {} {name}.",
                            tr("Đã thu hồi", "Revoked"),
                            tr("đường dẫn riêng của em", "private link(s) of")
                        )
                    };
                    // The server ends every phone's view of the child too (it
                    // cannot tell a link's phone from a lookup's): said, so the
                    // teacher can warn the family.
                    outcome.set(Some(Outcome::Done(format!(
                        "{links} {}",
                        tr(
                            "Điện thoại nào đang xem khoản thu của em sẽ phải tra cứu lại bằng mã học sinh và ngày sinh.",
                            "Any phone viewing this child's fees must look the child up again with the student code and date of birth."
                        )
                    ))));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
            // Said under the whole list: on a phone, taken to it.
            request_animation_frame(|| focus("class-outcome"));
        });
    };
    view! {
        {move || view_res.get().map(|r| match r {
            Err(e) => view! { <LoadFailed error=e retry=move || view_res.refetch()/> }.into_any(),
            Ok(v) => {
                let total: Vnd = v.rows.iter().map(|r| r.total).sum();
                let paid: Vnd = v.rows.iter().map(|r| r.paid).sum();
                let count = |s: PaymentState| v.rows.iter().filter(|r| r.status.map(|x| x.state) == Some(s)).count();
                // Every child with an invoice is in one of the three counts.
                let summary = format!("{} {} · {} {} · {} {} · {} {} · {} {} / {}",
                    tr("Kỳ", "Period"), v.period.label(),
                    tr("đã nộp đủ", "paid"), count(PaymentState::Paid),
                    tr("một phần", "partly"), count(PaymentState::PartlyPaid),
                    tr("chưa nộp", "unpaid"), count(PaymentState::Unpaid),
                    tr("đã thu", "collected"), paid.unbroken(), total.unbroken());
                let today = super::session().0.get_untracked().flatten().map(|me| me.today);
                let reminder_text = reminder(&v, &origin, today);
                let class_link = format!("{origin}{}", crate::domain::route_path::class_path(&v.school_slug, &v.class_name));
                let rows = v.rows.clone();
                let period = v.period;
                // Other months still owed: said above the list, one press away.
                let owed_elsewhere: Vec<_> = v.periods.iter().filter(|p| p.period != period && p.unpaid > 0).cloned().collect();
                // Each month with what is owed; the month shown is always one
                // of them (a class not billed yet this year shows this month).
                let mut periods: Vec<(crate::domain::date::Month, String)> = v.periods.iter().map(|p| {
                    let owed = if p.unpaid > 0 {
                        format!("{} {}", p.unpaid, tr("em chưa nộp đủ", "not fully paid"))
                    } else {
                        tr("đã nộp đủ", "all paid").to_string()
                    };
                    (p.period, owed)
                }).collect();
                if !periods.iter().any(|(p, _)| *p == period) {
                    periods.insert(0, (period, tr("chưa lập hoá đơn", "not billed yet").to_string()));
                }
                view! {
                    {(!owed_elsewhere.is_empty()).then(|| view! {
                        <div role="status" class="mt-3 rounded-lg border border-amber-400 bg-amber-50 p-3 text-amber-950" data-testid="other-periods-owed">
                            <p class="font-semibold">{tr("Các kỳ khác còn nợ:", "Other months still owed:")}</p>
                            <ul class="mt-1 space-y-1">
                                {owed_elsewhere.into_iter().map(|p| {
                                    let month = p.period.to_string();
                                    view! {
                                        <li>
                                            <button type="button" class="inline-flex min-h-11 items-center text-left underline"
                                                on:click=move |_| { message.set(None); chosen_period.set(Some(month.clone())) }>
                                                {format!("{} {}: {} {} · {} {}", tr("Kỳ", "Period"), p.period.label(), p.unpaid,
                                                    tr("em chưa nộp đủ", "not fully paid"), tr("còn nợ", "owed"), p.outstanding.unbroken())}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    })}
                    {(periods.len() > 1).then(|| view! {
                        <div class="mt-3">
                            <label for="class-period" class="block text-sm font-semibold">{tr("Kỳ thu", "Period")}</label>
                            <select id="class-period" class=INPUT on:change=move |ev| {
                                // A reminder written for another month goes with it.
                                message.set(None);
                                chosen_period.set(Some(event_target_value(&ev)))
                            }>
                                {periods.into_iter().map(|(p, owed)| view! {
                                    <option value=p.to_string() selected=p == period>
                                        {format!("{} · {owed}", p.label())}
                                    </option>
                                }).collect_view()}
                            </select>
                        </div>
                    })}
                    // The link the reminder carries, to post on its own: it opens
                    // the lookup with this class's fees.
                    <div class="mt-3" data-testid="class-link">
                        // Across the card, its button under it: a link beside the button
                        // broke every few characters on a phone.
                        <crate::ui::components::copy::CopyRow label=tr("Đường dẫn của lớp cho phụ huynh (gửi vào nhóm lớp)", "The class's link for parents (share in the class group)")
                            value=class_link prose=true/>
                    </div>
                    <p class="mt-3 font-semibold" data-testid="class-summary">{summary}</p>
                    <div class="mt-2 flex flex-wrap items-end gap-3">
                        <div>
                            <label for="class-filter" class="block text-sm font-semibold">{tr("Hiện", "Show")}</label>
                            <select id="class-filter" class=INPUT on:change=move |ev| filter.set(event_target_value(&ev))>
                                <option value="all">{tr("Tất cả", "Everyone")}</option>
                                <option value="unpaid">{tr("Chưa nộp đủ", "Not fully paid")}</option>
                                <option value="paid">{tr("Đã nộp đủ", "Paid")}</option>
                            </select>
                        </div>
                        <a class=format!("{BUTTON_QUIET} inline-flex items-center") target="_blank"
                            href=format!("/staff/print/{}/{}", class_id, v.period)>
                            {tr("In thông báo cả lớp (A4)", "Print the class's notices (A4)")}
                        </a>
                        // The same notices as one PDF file: to send to a print shop or keep.
                        <FileDownload href=format!("/staff/notices/{}/{}/pdf", class_id, v.period)
                            label=tr("Tải PDF thông báo cả lớp", "Download the class's notices (PDF)")
                            fallback_name=format!("thong-bao-{}.pdf", v.period)/>
                        <button type="button" class=BUTTON_QUIET on:click=move |_| {
                            message.set(Some(reminder_text.clone()));
                            // Drawn under the whole list: on a phone, take the teacher to it.
                            request_animation_frame(|| focus("class-reminder"));
                        }>
                            {tr("Soạn tin nhắc nộp cho nhóm lớp", "Write a reminder for the class group")}
                        </button>
                    </div>
                    // On a phone each child is a card: name, state and amounts,
                    // then the actions as full-size buttons; nothing off-screen.
                    <table class="mt-2 w-full text-left text-sm">
                        <thead class="hidden text-gray-600 sm:table-header-group"><tr>
                            <th class="py-1 pr-2">{tr("Học sinh", "Student")}</th><th class="pr-2">{tr("Trạng thái", "Status")}</th>
                            <th class="pr-2 text-right">{tr("Đã nộp / phải nộp", "Paid / due")}</th><th></th>
                        </tr></thead>
                        <tbody>
                            {move || rows.iter().filter(|r| match filter.get().as_str() {
                                "paid" => r.status.is_some_and(|s| s.state == PaymentState::Paid),
                                "unpaid" => r.status.is_some_and(|s| s.is_open()),
                                _ => true,
                            }).map(|r| {
                                let (id, name) = (r.student_id, r.full_name.clone());
                                let state = format!("{}{}", state_name(r.status),
                                    if r.status.is_some_and(|s| s.overdue) { format!(" · {}", tr("quá hạn", "overdue")) } else { String::new() });
                                let amounts = format!("{} / {}", r.paid.unbroken(), r.total.unbroken());
                                let erased = r.erased;
                                let actions = move || {
                                    let (n1, n2) = (name.clone(), name.clone());
                                    (!erased).then(|| view! {
                                        <button type="button" class="min-h-11 px-2 underline" prop:disabled=move || busy.busy() on:click=move |_| make_link(id, n1.clone())>{tr("Đường dẫn riêng", "Private link")}</button>
                                        <button type="button" class="min-h-11 px-2 underline" prop:disabled=move || busy.busy() on:click=move |_| revoke(id, n2.clone())
                                            // Short beside "Đường dẫn riêng" on a phone; named in full for a screen reader and on hover.
                                            aria-label=format!("{} {name}", tr("Thu hồi mọi đường dẫn đã gửi cho phụ huynh em", "Revoke every link sent to the family of"))
                                            title=tr("Thu hồi mọi đường dẫn đã gửi", "Revoke every link sent")>{tr("Thu hồi", "Revoke")}</button>
                                        <a class="inline-flex min-h-11 items-center px-2 underline" target="_blank" href=format!("/staff/print/{class_id}/{period}?student={id}")>{tr("In (A5)", "Print (A5)")}</a>
                                    })
                                };
                                view! {
                                    <tr class="border-t border-gray-100">
                                        <td class="py-2 pr-2 sm:py-1">
                                            <span class="font-semibold sm:font-normal">{r.full_name.clone()}</span>
                                            {r.has_left.then(|| view! { <span class="text-gray-700" data-testid="has-left">{format!(" ({})", tr("đã nghỉ học", "has left"))}</span> })}
                                            <div class="text-gray-700 sm:hidden">{format!("{state} · {amounts}")}</div>
                                            <div class="-ml-2 flex flex-wrap sm:hidden">{actions()}</div>
                                        </td>
                                        <td class="hidden pr-2 sm:table-cell">{state.clone()}</td>
                                        <td class="hidden pr-2 text-right whitespace-nowrap sm:table-cell">{amounts.clone()}</td>
                                        <td class="hidden whitespace-nowrap sm:table-cell">{actions()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
        {move || link.get().map(|(_, name, l)| {
            let url = format!("{link_origin}{}", l.path);
            view! {
                <div id="private-link" tabindex="-1" class="mt-3 scroll-mt-4 focus:outline-none" data-testid="private-link">
                    <h3 class="font-semibold">{format!("{} {name}", tr("Đường dẫn riêng cho em", "Private link for"))}</h3>
                    <LinkBox link=l label=tr("Đường dẫn riêng của gia đình", "The family's private link") note=tr("Đường dẫn riêng mở thẳng các khoản thu của em này trên điện thoại phụ huynh, trong 30 ngày. Chỉ gửi riêng cho gia đình, không đăng vào nhóm lớp.",
                        "This private link opens this child's fees on the parent's phone, for 30 days. Send it to the family only, never to the class group.")/>
                    // Shared as it is: no child's name in what a chat app previews.
                    <div class="mt-2">
                        <crate::ui::components::share::ShareButton label=tr("Gửi cho gia đình…", "Send to the family…") title=tr("Các khoản thu của con", "Your child's fees").to_string()
                            text=tr("Đường dẫn riêng xem các khoản thu của con (chỉ dành cho gia đình):", "A private link to your child's fees (for the family only):").to_string() url class=BUTTON_QUIET/>
                    </div>
                </div>
            }
        })}
        {move || message.get().map(|m| view! {
            <div id="class-reminder" tabindex="-1" class="mt-3 scroll-mt-4 rounded-lg border border-slate-300 p-3 focus:outline-none">
                <crate::ui::components::copy::CopyRow label=tr("Tin nhắc nộp (không nêu tên học sinh)", "Reminder (names no child)") value=m.clone() prose=true/>
                <div class="mt-2">
                    <crate::ui::components::share::ShareButton label=tr("Chia sẻ…", "Share…") title=tr("Nhắc nộp khoản thu", "Payment reminder").to_string() text=m class=BUTTON_QUIET/>
                </div>
            </div>
        })}
        <div id="class-outcome" tabindex="-1" class="scroll-mt-4 focus:outline-none">
            <OutcomeNotice outcome/>
        </div>
    }
}

/// A class's name corrected (every invoice and link follows the class), or a
/// class made by mistake removed while it is still empty.
#[component]
fn ManageClass(
    school_id: i64,
    class_id: i64,
    name: String,
    outcome: RwSignal<Option<Outcome>>,
    open: RwSignal<bool>,
    on_removed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let changes = super::workspace::Changes::here();
    let new_name = RwSignal::new(name.clone());
    let pending = OneAtATime::new();
    let old_name = StoredValue::new(name.clone());
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = new_name.get_untracked().trim().to_string();
        pending.run(async move {
            match rename_class(school_id, class_id, wanted.clone()).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {} {} {wanted}. {}",
                        tr("Đã đổi tên lớp", "Renamed class"),
                        old_name.get_value(),
                        tr("thành", "to"),
                        tr(
                            "Đường dẫn lớp đã gửi cho phụ huynh vẫn dùng được và sẽ hiện tên lớp mới.",
                            "Class links already sent to parents still open the class, under its new name."
                        )
                    ))));
                    changes.announce();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let removed = name.clone();
    let remove = move |_| {
        let removed = removed.clone();
        pending.run(async move {
            match remove_class(school_id, class_id).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {removed}.",
                        tr("Đã xoá lớp", "Removed class")
                    ))));
                    on_removed();
                    changes.announce();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <details class="mt-2" data-testid="manage-class" prop:open=move || open.get_untracked()
            on:toggle=move |ev| {
                use wasm_bindgen::JsCast;
                if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    open.set(el.has_attribute("open"));
                }
            }>
            <summary class="min-h-11 cursor-pointer py-2 font-semibold text-slate-800">{tr("Sửa tên lớp hoặc xoá lớp tạo nhầm", "Rename the class, or remove one made by mistake")}</summary>
            <form class="flex flex-wrap items-end gap-2" on:submit=rename>
                <div class="min-w-0 grow">
                    <Field id=format!("class-name-{class_id}") label=tr("Tên lớp", "Class name") value=new_name
                        hint=tr("Hoá đơn, thông báo và khoản thu riêng của lớp sẽ mang tên mới; đường dẫn lớp đã gửi cho phụ huynh vẫn mở được lớp.", "The class's invoices, notices and class fees take the new name; class links already sent to parents still open the class.")/>
                </div>
                <button type="submit" class=BUTTON_QUIET prop:disabled=move || pending.busy()>{tr("Lưu tên lớp", "Save the name")}</button>
                <button type="button" class="min-h-11 px-2 text-red-800 underline" prop:disabled=move || pending.busy() on:click=remove>
                    {tr("Xoá lớp (chỉ khi lớp trống)", "Remove (empty classes only)")}</button>
            </form>
        </details>
    }
}
