//! Parents' complaints at a school: the queue by due date (overdue ones
//! flagged), each one with its photo, its conversation and the school's
//! transfers carrying the bank reference the parent gave; the accountant
//! answers and sets the status.

use super::tr;
use super::widgets::*;
use crate::api::complaints::{
    answer_complaint, open_complaint, school_complaints, ComplaintDetail, ComplaintStatus,
};
use crate::domain::date::Date;
use crate::domain::search::Query;
use leptos::prelude::*;

fn status_label(s: ComplaintStatus) -> &'static str {
    let (vi, en) = s.label();
    tr(vi, en)
}

#[component]
pub fn Complaints(school_id: i64, can_edit: bool) -> impl IntoView {
    let list = LocalResource::new(move || school_complaints(school_id));
    let open = RwSignal::new(None::<i64>);
    let filter = RwSignal::new(String::new());
    let only_open = RwSignal::new(false);
    // The server's order (open ones first, by the answer's due time), or the newest first.
    let newest_first = RwSignal::new(false);
    let page = RwSignal::new(0usize);
    // A narrower filter starts on its first page.
    Effect::new(move |_| {
        filter.track();
        page.set(0);
    });
    // The complaints the filter keeps, in the order asked.
    let matching = Memo::new(move |_| {
        list.get().map(|r| {
            r.map(|rows| {
                let query = Query::new(&filter.get());
                let mut rows: Vec<_> = rows
                    .into_iter()
                    .filter(|c| {
                        let (vi, en) = c.kind.label();
                        (!only_open.get() || !c.status.is_closed())
                            && query.matches_any(&[&c.student, &c.class_name, &c.subject, vi, en])
                    })
                    .collect();
                if newest_first.get() {
                    rows.sort_by_key(|c| std::cmp::Reverse((c.created_at, c.id)));
                }
                rows
            })
        })
    });
    // Outlives the opened complaint, which is drawn again after an answer.
    let outcome = RwSignal::new(None::<Outcome>);
    view! {
        <section class=CARD aria-labelledby="complaints-title">
            <h2 id="complaints-title" class=H2>{tr("Khiếu nại của phụ huynh", "Parents' complaints")}</h2>
            <div class="mt-2 flex flex-wrap items-end gap-3">
                <div class="min-w-0 grow">
                    <Field id="complaint-filter" label=tr("Lọc theo học sinh, lớp hoặc nội dung", "Filter by student, class or text") value=filter/>
                </div>
                <label class="flex min-h-11 items-center gap-2">
                    <input type="checkbox" class="h-5 w-5" prop:checked=move || only_open.get() on:change=move |ev| { only_open.set(event_target_checked(&ev)); page.set(0); }/>
                    {tr("Chỉ khiếu nại chưa xong", "Open ones only")}
                </label>
                <div>
                    <label for="complaint-order" class="block text-sm font-semibold">{tr("Sắp xếp", "Order")}</label>
                    <select id="complaint-order" class=INPUT on:change=move |ev| { newest_first.set(event_target_value(&ev) == "newest"); page.set(0); }>
                        <option value="due" selected=move || !newest_first.get()>{tr("Chưa xong trước, theo hạn trả lời", "Open first, by answer due")}</option>
                        <option value="newest" selected=move || newest_first.get()>{tr("Mới nhất trước", "Newest first")}</option>
                    </select>
                </div>
            </div>
            // The pager is drawn again only when the count changes: it keeps the focus.
            {move || {
                let count = matching.with(|m| m.as_ref().and_then(|r| r.as_ref().ok()).map(Vec::len).unwrap_or(0));
                view! { <Pages count page/> }
            }}
            {move || list.with(|r| r.as_ref().is_some_and(|r| r.as_ref().is_ok_and(Vec::is_empty))).then(|| view! {
                <p class="mt-2 text-gray-700">{tr("Chưa có khiếu nại nào.", "No complaints.")}</p>
            })}
            {move || matching.get().map(|r| match r {
                Err(e) => view! { <LoadFailed error=e retry=move || list.refetch()/> }.into_any(),
                Ok(rows) if rows.is_empty() && list.with(|r| r.as_ref().is_some_and(|r| r.as_ref().is_ok_and(Vec::is_empty))) => ().into_any(),
                Ok(rows) => {
                    let rows_empty = rows.is_empty();
                    let rows = crate::paging::page_rows(rows, page.get());
                    view! {
                    <div class="mt-2 overflow-x-auto">
                        <table class="w-full text-left text-sm">
                            // On a phone each complaint is a card: the child, the problem, then
                            // its state and due time, then "Mở"; nothing off-screen.
                            <thead class="hidden border-b text-gray-600 sm:table-header-group">
                                <tr>
                                    <th class="py-2 pr-2">{tr("Học sinh", "Student")}</th>
                                    <th class="py-2 pr-2">{tr("Vấn đề", "Problem")}</th>
                                    <th class="py-2 pr-2">{tr("Trạng thái", "Status")}</th>
                                    <th class="py-2 pr-2">{tr("Hạn trả lời", "Answer due")}</th>
                                    <th class="py-2"></th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|c| {
                                    let (vi, en) = c.kind.label();
                                    let due_class = if c.overdue { "font-semibold text-red-800" } else { "" };
                                    let due = format!("{}{}", Date::moment_label(c.due_at), if c.overdue { format!(" · {}", tr("quá hạn", "overdue")) } else { String::new() });
                                    let open_button = move || view! { <button type="button" class=BUTTON_QUIET on:click=move |_| open.set(Some(c.id))>{tr("Mở", "Open")}</button> };
                                    view! {
                                        <tr class="border-b border-gray-100" data-testid="complaint-row">
                                            <td class="py-2 pr-2">{format!("{} · {}", c.student, c.class_name)}<div class="text-xs text-gray-600">{c.subject.clone()}</div>
                                                <div class="sm:hidden">{tr(vi, en)}{format!(" · {}", status_label(c.status))}</div>
                                                <div class=format!("sm:hidden {due_class}")>{format!("{} {due}", tr("Hạn trả lời:", "Answer due:"))}</div>
                                                <div class="mt-1 sm:hidden">{open_button()}</div>
                                            </td>
                                            <td class="hidden py-2 pr-2 sm:table-cell">{tr(vi, en)}</td>
                                            <td class="hidden py-2 pr-2 sm:table-cell">{status_label(c.status)}</td>
                                            <td class=format!("hidden py-2 pr-2 sm:table-cell {due_class}")>{due.clone()}</td>
                                            <td class="hidden py-2 sm:table-cell">{open_button()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {rows_empty.then(|| view! { <p class="mt-2 text-gray-700">{tr("Không có khiếu nại nào khớp.", "No complaints match.")}</p> })}
                }.into_any()
                }
            })}
            {move || open.get().map(|id| view! { <Complaint school_id id can_edit outcome on_change=move || list.refetch()/> })}
            <OutcomeNotice outcome/>
        </section>
    }
}

#[component]
fn Complaint(
    school_id: i64,
    id: i64,
    can_edit: bool,
    outcome: RwSignal<Option<Outcome>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let detail = LocalResource::new(move || open_complaint(school_id, id));
    view! {
        {move || detail.get().map(|r| match r {
            Err(e) => view! { <LoadFailed error=e retry=move || detail.refetch()/> }.into_any(),
            Ok(d) => view! { <Opened school_id d can_edit outcome on_change=move || { detail.refetch(); on_change(); }/> }.into_any(),
        })}
    }
}

#[component]
fn Opened(
    school_id: i64,
    d: ComplaintDetail,
    can_edit: bool,
    outcome: RwSignal<Option<Outcome>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (vi, en) = d.row.kind.label();
    let id = d.row.id;
    let answer = RwSignal::new(String::new());
    let status = RwSignal::new(ComplaintStatus::InReview);
    // One answer at a time: a double click must not send it twice.
    let sending = OneAtATime::new();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (body, st) = (answer.get_untracked(), status.get_untracked());
        sending.run(async move {
            match answer_complaint(school_id, id, body, st).await {
                Ok(()) => {
                    // Sent: the box empties, so that nothing invites a second send.
                    answer.set(String::new());
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {}",
                        tr("Đã trả lời, trạng thái:", "Answered, status:"),
                        status_label(st)
                    ))));
                    on_change();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <article class="mt-4 rounded-lg border border-slate-300 p-3" data-testid="complaint-detail">
            <h3 class="text-lg font-bold">{format!("{} · {} · {}", tr(vi, en), d.row.student, d.row.class_name)}</h3>
            <p class="text-sm text-gray-700">{format!("{} · {} {} · {} {}", d.row.subject, tr("gửi", "sent"), Date::moment_label(d.row.created_at),
                tr("hạn", "due"), Date::moment_label(d.row.due_at))}</p>
            {d.row.bank_reference.clone().map(|r| view! { <p class="mt-1">{tr("Mã giao dịch phụ huynh đưa: ", "Reference given: ")}<span class="font-mono">{r}</span></p> })}
            <ol class="mt-2 space-y-2">
                {d.messages.into_iter().map(|m| view! {
                    <li class=if m.from_school { "rounded bg-slate-100 p-2" } else { "rounded bg-amber-50 p-2" }>
                        <p class="text-xs text-gray-600">{format!("{} · {}", if m.from_school { tr("Nhà trường", "School") } else { tr("Phụ huynh", "Parent") }, Date::moment_label(m.at))}</p>
                        <p class="whitespace-pre-line">{m.body}</p>
                    </li>
                }).collect_view()}
            </ol>
            {d.photo.map(|src| view! { <img src=src alt=tr("Ảnh biên nhận chuyển khoản", "Transfer slip photo") class="mt-2 max-h-96 rounded ring-1 ring-gray-300"/> })}
            <div class="mt-2">
                <p class="font-semibold">{tr("Giao dịch của trường có mã này", "The school's transfers with this reference")}</p>
                {if d.transfers.is_empty() {
                    view! { <p class="text-sm text-gray-700">{if can_edit {
                        tr("Không thấy giao dịch nào: kiểm tra sao kê, hoặc đối chiếu trong mục Đối soát.", "None found: check the statement, or look in Reconciliation.")
                    } else {
                        tr("Không thấy giao dịch nào.", "None found.")
                    }}</p> }.into_any()
                } else {
                    view! { <ul class="text-sm">{d.transfers.into_iter().map(|t| view! {
                        <li data-testid="complaint-transfer">{format!("{} · {} · {} · {}", t.reference, t.amount, Date::transfer_moment_label(t.received_at),
                            // In words, as the reconciliation page says it ("overpaid" was shown as stored).
                            crate::domain::settlement::Outcome::parse(&t.status).map(super::reconcile::outcome_text).unwrap_or(t.status.as_str()))}</li>
                    }).collect_view()}</ul> }.into_any()
                }}
                // The office reads; the school's accountant does the work.
                <p class="text-sm text-gray-700">{if can_edit {
                    tr("Ghép khoản nộp vào hoá đơn hoặc ghi nhận hoàn tiền trong mục Đối soát, rồi trả lời phụ huynh ở đây.",
                        "Match the transfer to the invoice or record a refund in Reconciliation, then answer the parent here.")
                } else {
                    tr("Kế toán của trường xử lý và trả lời phụ huynh về khiếu nại này.",
                        "The school's accountant handles this complaint and answers the parent.")
                }}</p>
            </div>
            {can_edit.then(|| view! {
                <form class="mt-3 space-y-2" on:submit=send>
                    <label for="complaint-answer" class="block text-sm font-semibold">{tr("Trả lời phụ huynh", "Answer the parent")}</label>
                    <textarea id="complaint-answer" rows="3" class="block w-full rounded-lg border border-gray-400 p-2" prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                    <label for="complaint-status" class="block text-sm font-semibold">{tr("Trạng thái khiếu nại", "Complaint status")}</label>
                    <select id="complaint-status" class=INPUT on:change=move |ev| {
                        if let Some(s) = ComplaintStatus::parse(&event_target_value(&ev)) { status.set(s) }
                    }>
                        {[ComplaintStatus::InReview, ComplaintStatus::Resolved, ComplaintStatus::Rejected].into_iter().map(|s| view! {
                            <option value=s.as_str() selected=s == ComplaintStatus::InReview>{status_label(s)}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class=BUTTON prop:disabled=move || sending.busy()>{tr("Gửi trả lời", "Send answer")}</button>
                </form>
            })}
        </article>
    }
}
