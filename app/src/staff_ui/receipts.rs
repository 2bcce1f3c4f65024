//! The school's receipts: the list of a period, each opening its page (to print
//! or check), cancel-and-replace with a reason, and the export for accounting.

use super::tr;
use super::widgets::*;
use crate::api::receipts::{export_receipts, list_receipts, replace_receipt};
use crate::domain::date::Date;
use crate::domain::receipt::method_label;
use crate::domain::search::Query;
use crate::staff::StaffReceiptRow;
use leptos::prelude::*;
use leptos::task::spawn_local;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[component]
pub fn Receipts(school_id: i64) -> impl IntoView {
    let period = RwSignal::new(String::new());
    let filter = RwSignal::new(String::new());
    let rows = RwSignal::new(None::<Vec<StaffReceiptRow>>);
    let page = RwSignal::new(0usize);
    // Narrowing the search starts again on its first page.
    Effect::new(move |_| {
        filter.track();
        page.set(0);
    });
    let outcome = RwSignal::new(None);
    let latest = Latest::new();
    let load = move || {
        latest.run(
            move || list_receipts(school_id, period.get_untracked()),
            show_list(rows, outcome),
        )
    };
    // The page opens on the list (newest first), not on an empty form.
    load();
    // "newest" (the server's order), "oldest", or "largest" amount first.
    let order = RwSignal::new("newest".to_string());
    Effect::new(move |_| {
        order.track();
        page.set(0);
    });
    // The receipts the search words find, in the order asked (stable: ties keep
    // the newest first).
    let found = move || {
        rows.get().map(|list| {
            let query = Query::new(&filter.get());
            let mut list: Vec<StaffReceiptRow> = list
                .into_iter()
                .filter(|r| {
                    query.matches_any(&[
                        &r.label,
                        &r.student,
                        &r.payer,
                        &r.invoice_code,
                        &r.class_name,
                        method_label(tr, &r.method),
                    ])
                })
                .collect();
            match order.get().as_str() {
                "oldest" => list.reverse(),
                "largest" => list.sort_by_key(|r| std::cmp::Reverse(r.total)),
                _ => {}
            }
            list
        })
    };
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(0);
        load();
    };
    let export = move |_| {
        spawn_local(async move {
            match export_receipts(school_id, period.get_untracked()).await {
                Ok(b64) => download("bien-lai.xlsx", XLSX, &b64),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="receipts-title">
            <h2 id="receipts-title" class=H2>{tr("Biên lai", "Receipts")}</h2>
            <p class="mt-1 text-sm text-gray-700">{tr(
                "Mỗi khoản đã gạch nợ có biên lai mang chữ ký điện tử của nhà trường (do hocphi tạo, không phải chữ ký số có chứng thư). Biên lai sai được huỷ có lý do và lập lại; không xoá biên lai nào.",
                "Every settled payment has a receipt the school signs. A wrong receipt is cancelled with a reason and replaced; none is ever deleted.")}</p>
            <form class="mt-2 flex flex-wrap items-end gap-3" on:submit=search>
                <Field id="receipt-period" label=tr("Kỳ thu của hoá đơn (tháng/năm, để trống: tất cả)", "Invoice period (month/year; empty: all)") hint=tr("Ví dụ: 11/2026", "E.g. 11/2026") value=period/>
                <button type="submit" class=BUTTON>{tr("Xem biên lai", "Show receipts")}</button>
                <button type="button" class=BUTTON_QUIET on:click=export>{tr("Xuất biên lai ra Excel (.xlsx)", "Export receipts to Excel (.xlsx)")}</button>
            </form>
            <OutcomeNotice outcome/>
            {move || rows.get().is_some().then(|| view! {
                <div class="mt-3 grid max-w-2xl gap-3 sm:grid-cols-2">
                    <Field id="receipt-filter" label=tr("Tìm số biên lai, học sinh, người nộp, mã hoá đơn hoặc hình thức", "Find a receipt number, student, payer, invoice code or method") value=filter/>
                    <div>
                        <label for="receipt-order" class="block text-sm font-semibold">{tr("Sắp xếp", "Order")}</label>
                        <select id="receipt-order" class=INPUT on:change=move |ev| order.set(event_target_value(&ev))>
                            <option value="newest" selected=move || order.get() == "newest">{tr("Mới nhất trước", "Newest first")}</option>
                            <option value="oldest" selected=move || order.get() == "oldest">{tr("Cũ nhất trước", "Oldest first")}</option>
                            <option value="largest" selected=move || order.get() == "largest">{tr("Số tiền lớn nhất trước", "Largest amount first")}</option>
                        </select>
                    </div>
                </div>
            })}
            // The count and the pager are drawn again for a new search only, so
            // "Trang sau" keeps the keyboard's focus and is announced.
            {move || found().map(|found| {
                let count = found.len();
                view! {
                    <p class="mt-3 font-semibold" data-testid="receipt-count">{format!("{count} {}", tr("biên lai", "receipts"))}</p>
                    // The server sends the newest 5,000: past that, a period narrows it.
                    {rows.with_untracked(|r| r.as_ref().is_some_and(|r| r.len() >= 5_000)).then(|| view! {
                        <p class="text-sm text-amber-900">{tr(
                            "Danh sách chỉ có 5.000 biên lai mới nhất (cả khi sắp xếp hay xuất Excel): hãy chọn kỳ thu để thấy đủ.",
                            "Only the newest 5,000 receipts are listed (also when sorted or exported): choose a period to see them all.")}</p>
                    })}
                    <Pages count page/>
                }
            })}
            {move || found().map(|found| view! {
                <ul class="mt-2 max-h-[32rem] space-y-2 overflow-auto">
                    {crate::paging::page_rows(found, page.get()).into_iter().map(|r| view! { <ReceiptRow school_id row=r outcome reload=load/> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn ReceiptRow(
    school_id: i64,
    row: StaffReceiptRow,
    outcome: RwSignal<Option<Outcome>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let payer = RwSignal::new(row.payer.clone());
    let code = row.code.clone();
    let label = row.label.clone();
    let old_label = row.label.clone();
    let key = move |name: &str| format!("{name}-{label}");
    // One replacement at a time: a double click would otherwise be answered
    // "already cancelled" over the first one's confirmation.
    let replacing = OneAtATime::new();
    let replace = move |_| {
        let code = code.clone();
        let old_label = old_label.clone();
        replacing.run(async move {
            match replace_receipt(
                school_id,
                code,
                reason.get_untracked(),
                payer.get_untracked(),
            )
            .await
            {
                Ok(_) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {old_label} {}",
                        tr("Đã huỷ biên lai", "Cancelled receipt"),
                        tr(
                            "và lập biên lai thay thế (xem trong danh sách).",
                            "and issued its replacement (see the list).",
                        )
                    ))));
                    reload();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let live = row.cancelled.is_none();
    view! {
        <li class="rounded-lg border border-gray-200 p-2" data-testid="receipt-row" data-label=row.label.clone() data-total=row.total.dong().to_string()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <a class="inline-flex min-h-11 items-center font-mono font-semibold text-slate-900 underline" href=format!("/r/{}", row.code) target="_blank" rel="noopener">{row.label.clone()}</a>
                <span class="font-semibold tabular-nums">{row.total.to_string()}</span>
            </div>
            <p class="text-sm">{format!("{} · {} · {} {} · {}", Date::moment_label(row.issued_at), row.student, tr("lớp", "class"), row.class_name, row.payer)}</p>
            <p class="text-sm text-gray-700" data-testid="receipt-method">{format!("{} · {} {}", method_label(tr, &row.method), tr("hoá đơn", "invoice"), row.invoice_code)}</p>
            {row.replaces.clone().map(|old| view! { <p class="text-sm text-gray-700">{format!("{} {old}", tr("Thay thế", "Replaces"))}</p> })}
            {row.cancelled.clone().map(|(at, why)| view! {
                <p class="text-sm font-semibold text-red-900">{format!("{} {} — {why}{}", tr("Đã huỷ", "Cancelled"), Date::moment_label(at),
                    row.replaced_by.clone().map(|b| format!(" · {} {b}", tr("thay bằng", "replaced by"))).unwrap_or_default())}</p>
            })}
            {live.then(|| view! {
                <button type="button" class="mt-1 min-h-11 text-sm underline" on:click=move |_| open.update(|o| *o = !*o)>
                    {tr("Huỷ và lập lại…", "Cancel and replace…")}
                </button>
                {move || open.get().then(|| view! {
                    <div class="mt-2 grid gap-2 sm:grid-cols-2">
                        <Input id=key("replace-reason") label=tr("Lý do huỷ", "Reason") value=reason/>
                        <Input id=key("replace-payer") label=tr("Người nộp tiền (sửa nếu sai)", "Payer (correct if wrong)") value=payer/>
                    </div>
                    <button type="button" class=format!("{BUTTON} mt-2") on:click=replace.clone() prop:disabled=move || replacing.busy()>{tr("Huỷ biên lai này và lập lại", "Cancel this receipt and replace it")}</button>
                })}
            })}
        </li>
    }
}
