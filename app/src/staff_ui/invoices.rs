//! The accountant's invoice list: search, totals, export to .xlsx, void with a reason.

use super::tr;
use super::widgets::*;
use crate::api::invoices::{export_invoices, list_invoices, void_invoice, MAX_LISTED};
use crate::domain::invoice_status::PaymentState;
use crate::domain::money::Vnd;
use crate::paging::{page_rows, InvoiceOrder};
use crate::staff::{InvoiceFilter, InvoiceRow};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn status_text(r: &InvoiceRow) -> &'static str {
    match (r.status.state, r.status.overdue) {
        (_, true) => tr("quá hạn", "overdue"),
        (PaymentState::Paid, _) => tr("đã nộp đủ", "paid"),
        (PaymentState::PartlyPaid, _) => tr("nộp một phần", "partly paid"),
        (PaymentState::Unpaid, _) => tr("chưa nộp", "unpaid"),
        (PaymentState::Voided, _) => tr("đã huỷ", "voided"),
    }
}

fn order_label(order: InvoiceOrder) -> &'static str {
    match order {
        InvoiceOrder::NewestThenRegister => tr(
            "Kỳ mới nhất, rồi lớp, tên",
            "Newest period, then class and name",
        ),
        InvoiceOrder::MostOwed => tr("Còn nợ nhiều nhất lên đầu", "Most owed first"),
        InvoiceOrder::DueFirst => tr("Hạn nộp sớm nhất lên đầu", "Earliest due date first"),
    }
}

/// The invoice list's search, one per school, kept for the whole visit: an
/// accountant who goes to reconcile a transfer (or home, or anywhere) and comes
/// back finds the list as she left it (read again, so the match shows), not an
/// empty form. Signing out reloads the app, so nothing passes to the next person.
#[derive(Clone, Copy)]
pub struct InvoiceSearch {
    period: RwSignal<String>,
    class_name: RwSignal<String>,
    status: RwSignal<String>,
    search: RwSignal<String>,
    order: RwSignal<InvoiceOrder>,
    page: RwSignal<usize>,
}

impl InvoiceSearch {
    fn new() -> Self {
        InvoiceSearch {
            period: RwSignal::new(String::new()),
            class_name: RwSignal::new(String::new()),
            status: RwSignal::new(String::new()),
            search: RwSignal::new(String::new()),
            order: RwSignal::new(InvoiceOrder::default()),
            page: RwSignal::new(0),
        }
    }

    /// The school's, made the first time under the app's owner: a school's
    /// pages are built anew on some moves (its home and a task are two routes),
    /// and signals made there would go with them.
    fn for_school(school_id: i64) -> Self {
        let Some(all) = use_context::<InvoiceSearches>() else {
            return InvoiceSearch::new();
        };
        if let Some(kept) = all.kept.with_value(|k| k.get(&school_id).copied()) {
            return kept;
        }
        let made = all.owner.with(InvoiceSearch::new);
        all.kept.update_value(|k| {
            k.insert(school_id, made);
        });
        made
    }
}

/// Every school's [`InvoiceSearch`], held by the staff app itself.
#[derive(Clone)]
pub struct InvoiceSearches {
    owner: Owner,
    kept: StoredValue<std::collections::HashMap<i64, InvoiceSearch>>,
}

impl InvoiceSearches {
    /// In the staff app's root, which lasts as long as the page.
    pub fn provide() {
        if let Some(owner) = Owner::current() {
            provide_context(InvoiceSearches {
                owner,
                kept: StoredValue::new(Default::default()),
            });
        }
    }
}

#[component]
pub fn InvoiceList(school_id: i64) -> impl IntoView {
    let InvoiceSearch {
        period,
        class_name,
        status,
        search,
        order,
        page,
    } = InvoiceSearch::for_school(school_id);
    let filter = move || InvoiceFilter {
        period: period.get_untracked(),
        class_name: class_name.get_untracked(),
        status: status.get_untracked(),
        search: search.get_untracked(),
    };
    let rows = RwSignal::new(None::<Vec<InvoiceRow>>);
    // The invoice whose lines, payments and receipts are shown under its row.
    let opened = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None);
    let latest = Latest::new();
    let load = move || {
        latest.run(
            move || list_invoices(school_id, filter()),
            show_list(rows, outcome),
        )
    };
    // The page opens on the list (newest first, or as last searched), not on
    // an empty form.
    load();
    let search_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(0);
        load();
    };
    let export = move |_| {
        spawn_local(async move {
            match export_invoices(school_id, filter()).await {
                Ok(b64) => download(
                    "hoa-don.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &b64,
                ),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let void = move |code: String, reason: String| {
        spawn_local(async move {
            match void_invoice(school_id, code.clone(), reason).await {
                Ok(done) => {
                    outcome.set(Some(Outcome::Done(voided_message(&code, done))));
                    load();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="invoices-title">
            <h2 id="invoices-title" class=H2>{tr("Danh sách hoá đơn", "Invoices")}</h2>
            <form class="mt-2 grid gap-3 sm:grid-cols-4" on:submit=search_submit>
                <Field id="inv-period" label=tr("Kỳ thu (tháng/năm, để trống: tất cả)", "Period (month/year; empty: all)") value=period hint=tr("Ví dụ: 11/2026", "E.g. 11/2026")/>
                <Field id="inv-class" label=tr("Lớp (để trống: tất cả)", "Class (empty: all)") value=class_name/>
                <div>
                    <label for="inv-status" class="block text-sm font-semibold">{tr("Trạng thái", "Status")}</label>
                    <select id="inv-status" class=INPUT on:change=move |ev| status.set(event_target_value(&ev))>
                        {[
                            ("", tr("Tất cả", "All")),
                            ("open", tr("Chưa nộp đủ", "Not fully paid")),
                            ("overdue", tr("Quá hạn", "Overdue")),
                            ("paid", tr("Đã nộp đủ", "Paid")),
                            ("voided", tr("Đã huỷ", "Voided")),
                        ].into_iter().map(|(key, label)| view! {
                            <option value=key selected=move || status.with(|s| s == key)>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Field id="inv-search" label=tr("Tên, mã học sinh hoặc mã hoá đơn", "Name, student code or invoice code") value=search/>
                <div class="flex gap-2 sm:col-span-4">
                    <button type="submit" class=BUTTON>{tr("Tìm", "Search")}</button>
                    <button type="button" class=BUTTON_QUIET on:click=export>{tr("Xuất Excel (.xlsx)", "Export to Excel (.xlsx)")}</button>
                </div>
            </form>
            <OutcomeNotice outcome/>
            {move || rows.get().is_some().then(|| view! {
                // Full width on a phone: the longest order's name was cut at 360 px.
                <div class="mt-3 sm:max-w-sm">
                    <label for="inv-order" class="block text-sm font-semibold">{tr("Sắp xếp", "Order")}</label>
                    <select id="inv-order" class=INPUT on:change=move |ev| {
                        order.set(InvoiceOrder::from_key(&event_target_value(&ev)));
                        page.set(0);
                    }>
                        {InvoiceOrder::ALL.into_iter().map(|o| view! {
                            <option value=o.key() selected=move || order.get() == o>{order_label(o)}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            // The totals and the pager are drawn again for a new search only, so
            // "Trang sau" keeps the keyboard's focus and is announced.
            {move || rows.with(|list| list.as_ref().map(|list| {
                let live = || list.iter().filter(|r| r.status.state != PaymentState::Voided);
                let total: Vnd = live().map(|r| r.total).sum();
                let paid: Vnd = live().map(|r| r.paid).sum();
                let count = list.len();
                // The count goes with the sums: a voided invoice is in none
                // (what was paid on it is the family's credit now, counted
                // where it is used), and is counted apart.
                let live_count = live().count();
                let voided = count - live_count;
                let voided = if voided > 0 {
                    format!(" · {voided} {}", tr("hoá đơn đã huỷ (không tính)", "voided (not counted)"))
                } else {
                    String::new()
                };
                view! {
                    <p class="mt-3 font-semibold" data-testid="invoice-totals">
                        {format!("{live_count} {} · {} {} · {} {}{voided}", tr("hoá đơn", "invoices"), tr("phải nộp", "due"), total, tr("đã nộp", "paid"), paid)}
                    </p>
                    {(count >= MAX_LISTED).then(|| view! {
                        <p class="text-sm text-amber-900">{tr(
                            "Danh sách chỉ có các hoá đơn mới nhất: hãy chọn kỳ thu hoặc lớp để thấy đủ (và số tổng đúng).",
                            "Only the newest invoices are listed: choose a period or a class to see them all (and true totals).")}</p>
                    })}
                    <Pages count page/>
                }
            }))}
            {move || rows.get().map(|mut list| {
                order.get().sort(&mut list);
                let shown = page_rows(list, page.get());
                view! {
                    // On a phone each invoice is a card: the student, then code, class and
                    // period, then the figures and state; nothing off-screen.
                    <div class="mt-2 max-h-[32rem] overflow-auto">
                        <table class="w-full text-left text-sm">
                            <thead class="sticky top-0 hidden bg-white text-gray-600 sm:table-header-group"><tr>
                                <th class="py-1 pr-2">{tr("Mã", "Code")}</th><th class="pr-2">{tr("Học sinh", "Student")}</th>
                                <th class="pr-2">{tr("Lớp", "Class")}</th><th class="pr-2">{tr("Kỳ", "Period")}</th>
                                <th class="pr-2 text-right">{tr("Phải nộp", "Due")}</th><th class="pr-2 text-right">{tr("Đã nộp", "Paid")}</th>
                                <th class="pr-2">{tr("Trạng thái", "Status")}</th><th></th>
                            </tr></thead>
                            <tbody>
                                {shown.into_iter().map(|r| {
                                    let code = r.code.clone();
                                    let this = r.code.clone();
                                    // Copy handles: both the phone's and the laptop's button use them.
                                    let mine = StoredValue::new(r.code.clone());
                                    let is_open = move || opened.with(|o| mine.with_value(|m| o.as_deref() == Some(m.as_str())));
                                    // Read, then write: a signal is not read inside its own update.
                                    let toggle = move |_| {
                                        let next = if is_open() { None } else { Some(mine.get_value()) };
                                        opened.set(next);
                                    };
                                    let details_button = move || view! {
                                        <button type="button" class="min-h-11 px-1 underline" aria-expanded=move || is_open().to_string() on:click=toggle>
                                            {move || if is_open() { tr("Ẩn chi tiết", "Hide details") } else { tr("Chi tiết", "Details") }}
                                        </button>
                                    };
                                    let voided = r.status.state == PaymentState::Voided;
                                    let state = format!("{}{}", status_text(&r), r.void_reason.clone().map(|why| format!(" ({why})")).unwrap_or_default());
                                    let void_button = move || (!voided).then(|| {
                                        let code = code.clone();
                                        view! { <ReasonButton label=tr("Huỷ hoá đơn", "Void")
                                            ask=format!("{} {code}", tr("Lý do huỷ hoá đơn", "Why void invoice"))
                                            on_reason=move |reason| void(code.clone(), reason)/> }
                                    });
                                    view! {
                                        <tr class="border-t border-gray-100" class:text-gray-600=voided data-testid="invoice-row"
                                            data-owed=if voided { 0 } else { (r.total - r.paid).clamp_non_negative().dong() }>
                                            <td class="hidden py-1 pr-2 font-mono sm:table-cell">{r.code.clone()}</td>
                                            <td class="py-2 pr-2 sm:py-1">
                                                <span class="font-semibold sm:font-normal">{r.student_name.clone()}</span>
                                                <div class="text-gray-700 sm:hidden"><span class="font-mono">{r.code.clone()}</span>
                                                    {format!(" · {} {} · {}", tr("lớp", "class"), r.class_name, r.period.label())}</div>
                                                // Each figure named, in the laptop's column order.
                                                <div class="sm:hidden" data-testid="invoice-figures">
                                                    {tr("Phải nộp", "Due")}" "<span class="whitespace-nowrap" class:line-through=voided>{r.total.to_string()}</span>
                                                    {format!(" · {} ", tr("đã nộp", "paid"))}<span class="whitespace-nowrap" class:line-through=voided>{r.paid.to_string()}</span>
                                                    {format!(" · {state}")}
                                                </div>
                                                <div class="flex flex-wrap gap-x-3 sm:hidden">{details_button()}{void_button()}</div>
                                            </td>
                                            <td class="hidden pr-2 sm:table-cell">{r.class_name.clone()}</td>
                                            <td class="hidden pr-2 sm:table-cell">{r.period.label()}</td>
                                            <td class="hidden pr-2 text-right whitespace-nowrap sm:table-cell" class:line-through=voided>{r.total.to_string()}</td>
                                            <td class="hidden pr-2 text-right whitespace-nowrap sm:table-cell" class:line-through=voided>{r.paid.to_string()}</td>
                                            <td class="hidden pr-2 sm:table-cell">{state.clone()}</td>
                                            <td class="hidden whitespace-nowrap sm:table-cell">{details_button()}{void_button()}</td>
                                        </tr>
                                        {move || is_open().then(|| view! {
                                            <tr><td colspan="8" class="pb-3"><InvoicePanel school_id code=this.clone()/></td></tr>
                                        })}
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            })}
        </section>
    }
}

/// An invoice as its family sees it: each line (voluntary ones marked, declined
/// ones struck through and not counted), the total, what was paid and when, and
/// the receipts issued for it.
#[component]
fn InvoicePanel(school_id: i64, code: String) -> impl IntoView {
    use crate::api::invoices::staff_invoice_detail;
    use crate::domain::receipt::method_label;
    let detail = LocalResource::new(move || staff_invoice_detail(school_id, code.clone()));
    move || {
        detail.get().map(|r| match r {
            Err(e) => view! { <LoadFailed error=e retry=move || detail.refetch()/> }.into_any(),
            Ok(d) => view! {
                <div class="rounded-lg border border-slate-300 bg-slate-50 p-3" data-testid="invoice-detail">
                    <p class="font-semibold">{format!("{} · {} {} · {} {}", d.student_name, tr("lớp", "class"), d.class_name,
                        tr("hạn nộp", "due"), d.summary.due_on.dmy())}</p>
                    <table class="mt-1 w-full text-sm">
                        <tbody>
                            {d.lines.iter().map(|l| {
                                // The description already says "21 ngày × 30.000 đ" where it counts.
                                let mark = match (l.voluntary, l.declined) {
                                    (true, true) => format!(" · {}", tr("tự nguyện, gia đình không tham gia", "voluntary, declined")),
                                    (true, false) => format!(" · {}", tr("tự nguyện", "voluntary")),
                                    _ => String::new(),
                                };
                                view! {
                                    <tr class="border-t border-slate-200" class:line-through=l.declined class:text-gray-500=l.declined data-testid="invoice-line">
                                        <td class="py-1 pr-2">{format!("{}{mark}", l.description)}</td>
                                        <td class="py-1 text-right whitespace-nowrap">{l.amount.to_string()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                        <tfoot>
                            <tr class="border-t border-slate-400 font-semibold"><td class="py-1 pr-2">{tr("Tổng cộng", "Total")}</td>
                                <td class="py-1 text-right whitespace-nowrap">{d.summary.total.to_string()}</td></tr>
                        </tfoot>
                    </table>
                    {if d.payments.is_empty() {
                        view! { <p class="mt-1 text-sm text-gray-700">{tr("Chưa có khoản nộp nào.", "No payment yet.")}</p> }.into_any()
                    } else {
                        view! {
                            <p class="mt-2 text-sm font-semibold">{tr("Đã nộp", "Paid")}</p>
                            <ul class="text-sm">
                                {d.payments.iter().map(|p| view! {
                                    <li>{format!("{} · {} · {}", p.received_on.dmy(), method_label(tr, &p.source), p.amount)}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {(!d.receipts.is_empty()).then(|| view! {
                        <p class="mt-2 text-sm">{tr("Biên lai: ", "Receipts: ")}
                            {d.receipts.iter().map(|r| view! {
                                <a class="mr-3 inline-flex min-h-11 items-center font-mono underline" href=format!("/r/{}", r.code) target="_blank" rel="noopener">{r.label.clone()}</a>
                            }).collect_view()}
                        </p>
                    })}
                </div>
            }.into_any(),
        })
    }
}

/// What voiding an invoice did, with its figures: only what happened (an
/// unpaid invoice's void moves no money).
fn voided_message(code: &str, done: crate::staff::VoidDone) -> String {
    let mut text = format!("{} {code}.", tr("Đã huỷ hoá đơn", "Voided invoice"));
    let moved = [
        (
            done.paid,
            tr(
                "đã nộp được giữ làm tiền dư, trừ vào hoá đơn phát hành lại.",
                "paid on it is kept as a credit, taken off the reissued invoice.",
            ),
        ),
        (
            done.credits_back,
            tr(
                "tiền dư đã dùng cho hoá đơn này được hoàn lại.",
                "of credit used on this invoice is given back.",
            ),
        ),
    ];
    for (amount, what) in moved {
        if amount.is_positive() {
            text += &format!(" {amount} {what}");
        }
    }
    text
}
