//! Reconciliation for the accountant: import a bank statement (preview, then
//! write all at once), and decide what no code settled: match or split, not a
//! school fee, undo, refund.

use super::import::read_file;
use super::tr;
use super::widgets::*;
use crate::api::reconcile::{
    commit_statement, list_transfers, load_statement_setup, mark_transfer_not_fee, match_transfer,
    preview_statement, refund_transfer, undo_transfer,
};
use crate::domain::date::{Date, Month};
use crate::domain::money::Vnd;
use crate::domain::settlement::Outcome as Settled;
use crate::domain::statement::Mapping;
use crate::domain::suggest::Reason;
use crate::reconciliation::{
    MappingChoice, Part, StatementPreview, TransferFilter, TransferOrder, TransferRow,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

pub fn outcome_text(o: Settled) -> &'static str {
    match o {
        Settled::Matched => tr("đã gạch nợ đủ", "settled in full"),
        Settled::PartlyPaid => tr("nộp một phần", "partly paid"),
        Settled::Overpaid => tr("nộp thừa (thành tiền dư)", "overpaid (credit)"),
        Settled::Duplicate => tr("có thể nộp trùng", "possible double payment"),
        Settled::Unmatched => tr("chưa tìm thấy hoá đơn", "no invoice found"),
        Settled::NotFee => tr("không phải khoản thu", "not a school fee"),
    }
}

/// The same, in a statement's preview: what recording will do, not what was done.
fn outcome_to_come(o: Settled) -> &'static str {
    match o {
        Settled::Matched => tr("sẽ gạch nợ đủ", "will settle in full"),
        Settled::PartlyPaid => tr("sẽ ghi nộp một phần", "will record a part payment"),
        Settled::Overpaid => tr(
            "sẽ ghi nộp thừa (thành tiền dư)",
            "will record an overpayment (credit)",
        ),
        other => outcome_text(other),
    }
}

fn outcome_class(o: Settled) -> &'static str {
    match o {
        Settled::Matched => "bg-green-100 text-green-900",
        Settled::PartlyPaid | Settled::Overpaid => "bg-amber-100 text-amber-950",
        Settled::Duplicate | Settled::Unmatched => "bg-red-100 text-red-900",
        Settled::NotFee => "bg-gray-200 text-gray-900",
    }
}

#[component]
fn Badge(
    outcome: Settled,
    /// In a preview: said as what recording will do.
    #[prop(optional)]
    to_come: bool,
) -> impl IntoView {
    let text = if to_come {
        outcome_to_come(outcome)
    } else {
        outcome_text(outcome)
    };
    view! {
        <span class=format!("inline-block rounded px-2 py-0.5 text-sm font-semibold {}", outcome_class(outcome))
            data-outcome=outcome.as_str()>
            {text}
        </span>
    }
}

/// A hand decision as the accountant calls it.
fn action_name(action: &str) -> &'static str {
    match action {
        "match" => tr("gạch nợ", "settled"),
        "not_fee" => tr("không phải khoản thu", "not a school fee"),
        "undo" => tr("hoàn tác", "undone"),
        "refund" => tr("hoàn tiền", "refunded"),
        _ => tr("xử lý", "decision"),
    }
}

fn reason_text(r: Reason) -> &'static str {
    match r {
        Reason::InvoiceCode => tr("có mã hoá đơn", "invoice code in memo"),
        Reason::StudentCode => tr("có mã học sinh", "student code in memo"),
        Reason::FullName => tr("có họ tên học sinh", "student's name"),
        Reason::Amount => tr("đúng số tiền còn nợ", "exact amount due"),
        Reason::Class => tr("đúng lớp", "class named"),
        Reason::GivenName => tr("có tên học sinh", "given name"),
    }
}

/// Reads an amount as the accountant types it, as the fee form does:
/// "780000", "780.000", "780k".
fn typed_amount(text: &str) -> Option<Vnd> {
    crate::domain::typed_amount::parse(text).ok()
}

#[component]
pub fn Reconcile(school_id: i64) -> impl IntoView {
    // Bumped after an import, so the queue below reloads.
    let changed = RwSignal::new(0u32);
    view! {
        <section class=CARD aria-labelledby="reconcile-title">
            <h2 id="reconcile-title" class=H2>{tr("Đối soát ngân hàng", "Bank reconciliation")}</h2>
            <p class="mt-1 text-sm text-gray-700">
                {tr("Chuyển khoản có mã hoá đơn được gạch nợ tự động khi ngân hàng báo hoặc khi nhập sao kê. Giao dịch không có mã chờ kế toán xử lý ở đây.",
                    "Transfers carrying an invoice code are settled automatically when the bank notifies or a statement is imported. Those without one wait here for you.")}
            </p>
            <StatementImport school_id changed/>
            <TransferQueue school_id changed/>
        </section>
    }
}

#[component]
fn StatementImport(school_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let setup = LocalResource::new(move || load_statement_setup(school_id));
    let account = RwSignal::new(String::new());
    let preset = RwSignal::new(String::new());
    let stage = RwSignal::new(Stage::Idle);
    let content = StoredValue::new(String::new());
    let preview = RwSignal::new(None::<StatementPreview>);
    let outcome = RwSignal::new(None);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    // The columns chosen by hand when the headings were not recognised.
    let custom = [(); 5].map(|_| RwSignal::new(String::new()));
    let use_custom = RwSignal::new(false);

    let choice = move || {
        if use_custom.get_untracked() {
            let [date, credit, reference, memo, payer] = custom.map(|s| s.get_untracked());
            MappingChoice::Custom(Mapping {
                date,
                credit,
                reference,
                memo,
                payer: (!payer.is_empty()).then_some(payer),
            })
        } else if preset.get_untracked().is_empty() {
            MappingChoice::Auto
        } else {
            MappingChoice::Preset(preset.get_untracked())
        }
    };
    let account_id = move || {
        account.get_untracked().parse::<i64>().ok().or_else(|| {
            setup
                .get_untracked()
                .and_then(Result::ok)
                .and_then(|s| s.accounts.first().map(|a| a.0))
        })
    };
    let run_preview = move || {
        let Some(account_id) = account_id() else {
            return;
        };
        stage.set(Stage::Checking);
        spawn_local(async move {
            let r = preview_statement(school_id, account_id, content.get_value(), choice()).await;
            stage.set(Stage::Idle);
            match r {
                Ok(p) => preview.set(Some(p)),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let check = move |_| {
        let Some(input) = input_ref.get() else { return };
        let input: web_sys::HtmlInputElement = input.unchecked_into();
        outcome.set(None);
        preview.set(None);
        use_custom.set(false);
        stage.set(Stage::Reading);
        spawn_local(async move {
            let Some(b64) = read_file(&input).await else {
                stage.set(Stage::Idle);
                outcome.set(Some(Outcome::Done(
                    tr("Hãy chọn tệp sao kê.", "Please choose a statement file.").into(),
                )));
                return;
            };
            content.set_value(b64);
            run_preview();
        });
    };
    let remap = move |_| {
        // One preview at a time: a second, answered late, would show other
        // columns' outcomes than the ones "Ghi sao kê" then records.
        if stage.get_untracked() != Stage::Idle {
            return;
        }
        use_custom.set(true);
        run_preview();
    };
    let commit = move |_| {
        let Some(account_id) = account_id() else {
            return;
        };
        stage.set(Stage::Writing);
        spawn_local(async move {
            let r = commit_statement(school_id, account_id, content.get_value(), choice()).await;
            stage.set(Stage::Idle);
            match r {
                Ok(done) => {
                    preview.set(None);
                    changed.update(|n| *n += 1);
                    outcome.set(Some(Outcome::Done(recorded_message(&done))));
                }
                Err(e) => {
                    // Part of the file was recorded: the list shows it now.
                    if matches!(e, crate::error::AppError::ImportCutShort { .. }) {
                        changed.update(|n| *n += 1);
                    }
                    outcome.set(Some(Outcome::Failed(e)));
                }
            }
        });
    };

    view! {
        <h3 class="mt-4 text-lg font-bold">{tr("Nhập sao kê ngân hàng", "Import a bank statement")}</h3>
        <p class="text-sm text-gray-700">{tr("Tệp .xlsx hoặc .csv tải từ ngân hàng điện tử. Giao dịch đã ghi nhận (qua thông báo hoặc lần nhập trước) không bị tính hai lần.",
            "An .xlsx or .csv file from internet banking. Transfers already recorded (notified, or imported before) are never counted twice.")}</p>
        <div class="mt-2 grid gap-3 sm:grid-cols-2">
            <div>
                <label for="statement-account" class="block text-sm font-semibold">{tr("Tài khoản", "Account")}</label>
                <select id="statement-account" class=INPUT on:change=move |ev| account.set(event_target_value(&ev))>
                    {move || setup.get().and_then(Result::ok).map(|s| s.accounts.into_iter().map(|(id, label)| view! {
                        <option value=id.to_string()>{label}</option>
                    }).collect_view())}
                </select>
            </div>
            <div>
                <label for="statement-bank" class="block text-sm font-semibold">{tr("Mẫu sao kê", "Statement layout")}</label>
                <select id="statement-bank" class=INPUT on:change=move |ev| preset.set(event_target_value(&ev))>
                    <option value="">{tr("Tự nhận diện", "Recognise it")}</option>
                    {move || setup.get().and_then(Result::ok).map(|s| s.presets.into_iter().map(|(id, bank)| view! {
                        <option value=id>{bank}</option>
                    }).collect_view())}
                </select>
                <p class="mt-1 text-sm text-gray-600">{tr("Nhận ra mẫu sao kê của các ngân hàng thường gặp, hoặc dùng lại các cột đã chọn lần trước.",
                    "Recognises the usual banks' layouts, or uses the columns chosen last time.")}</p>
            </div>
        </div>
        <div class="mt-3 flex flex-wrap items-end gap-3">
            <div>
                <label for="statement-file" class="block text-sm font-semibold">{tr("Tệp sao kê", "Statement file")}</label>
                <input id="statement-file" type="file" accept=".xlsx,.csv,text/csv" node_ref=input_ref class=FILE_INPUT/>
            </div>
            <button type="button" class=BUTTON on:click=check prop:disabled=move || stage.get() != Stage::Idle>
                {tr("Kiểm tra sao kê", "Check the statement")}
            </button>
        </div>
        <StageProgress stage checking=tr("Đang đối chiếu từng giao dịch với hoá đơn…", "Matching every transfer to invoices…") writing=tr("Đang ghi và gạch nợ…", "Recording and settling…")/>
        <OutcomeNotice outcome/>
        {move || preview.get().map(|p| {
            let can_commit = p.can_commit();
            let new_lines = p.lines.iter().filter(|l| !l.known).count();
            view! {
                {p.mapping.is_none().then(|| view! { <MapColumns headings=p.headings.clone() custom remap busy=Signal::derive(move || stage.get() != Stage::Idle)/> })}
                <StatementPreviewView preview=p.clone()/>
                {can_commit.then(|| view! {
                    <button type="button" class=format!("{BUTTON} mt-3") on:click=commit prop:disabled=move || stage.get() != Stage::Idle>
                        {format!("{} ({new_lines})", tr("Ghi các giao dịch mới", "Record the new transfers"))}
                    </button>
                })}
            }
        })}
    }
}

#[component]
fn MapColumns(
    headings: Vec<String>,
    custom: [RwSignal<String>; 5],
    remap: impl Fn(leptos::ev::MouseEvent) + 'static,
    /// A preview or a commit is on its way.
    busy: Signal<bool>,
) -> impl IntoView {
    let fields = [
        ("map-date", tr("Cột ngày giao dịch", "Date column")),
        (
            "map-credit",
            tr("Cột số tiền ghi có (tiền vào)", "Credit (money in) column"),
        ),
        ("map-reference", tr("Cột số tham chiếu", "Reference column")),
        ("map-memo", tr("Cột nội dung / mô tả", "Description column")),
        (
            "map-payer",
            tr(
                "Cột người chuyển (không bắt buộc)",
                "Payer column (optional)",
            ),
        ),
    ];
    view! {
        <div class="mt-3 rounded-lg border border-amber-400 bg-amber-50 p-3" data-testid="map-columns">
            <p class="font-semibold">{tr("Không nhận ra các cột của sao kê này. Hãy chọn cột tương ứng:",
                "The columns of this statement were not recognised. Please choose them:")}</p>
            <div class="mt-2 grid gap-3 sm:grid-cols-2">
                {fields.into_iter().zip(custom).map(|((id, label), signal)| {
                    let headings = headings.clone();
                    view! {
                        <div>
                            <label for=id class="block text-sm font-semibold">{label}</label>
                            <select id=id class=INPUT on:change=move |ev| signal.set(event_target_value(&ev))>
                                <option value="">{tr("— chọn —", "— choose —")}</option>
                                {headings.into_iter().map(|h| view! { <option value=h.clone()>{h.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
            </div>
            <button type="button" class=format!("{BUTTON_QUIET} mt-3") on:click=remap prop:disabled=move || busy.get()>{tr("Kiểm tra lại với các cột này", "Check again with these columns")}</button>
        </div>
    }
}

/// How many of a statement's lines the preview lists (the summary counts all).
const PREVIEW_LINES: usize = 100;

#[component]
fn StatementPreviewView(preview: StatementPreview) -> impl IntoView {
    // The money in, every line of it (new and already known): the figure to hold
    // against the bank's own "Tổng ghi có" before anything is written.
    let money_in: Vnd = preview.lines.iter().map(|l| l.amount).sum();
    // (The amount kept on one line with its "đ".)
    let lines_total = format!(
        "{} {} · {} {} · {} {} · {} {}",
        tr("Dòng tiền vào:", "Money-in lines:"),
        preview.lines.len(),
        tr("tổng", "total"),
        money_in.unbroken(),
        tr("đã có từ trước", "already known"),
        preview.known(),
        tr(
            "bỏ qua (tiền ra, dòng tổng cộng)",
            "skipped (money out, total rows)"
        ),
        preview.skipped,
    );
    // What writing would do: said in the future, as nothing is done yet.
    let summary = format!(
        "{} {} {} · {} {} · {} {} · {} {} · {} {}",
        tr("Sau khi ghi:", "Once recorded:"),
        tr("gạch nợ đủ", "settled"),
        preview.count(Settled::Matched),
        tr("một phần", "partly"),
        preview.count(Settled::PartlyPaid),
        tr("nộp thừa", "overpaid"),
        preview.count(Settled::Overpaid),
        tr("có thể trùng", "possible duplicates"),
        preview.count(Settled::Duplicate),
        tr("chờ xử lý", "to review"),
        preview.count(Settled::Unmatched),
    );
    let shown = preview.lines.len().min(PREVIEW_LINES);
    let only_some = (preview.lines.len() > shown).then(|| {
        format!(
            "{} {shown} {} {} {}",
            tr("Dưới đây là", "Below are the first"),
            tr("dòng đầu trong", "lines of"),
            preview.lines.len(),
            tr("dòng tiền vào.", "money-in lines."),
        )
    });
    view! {
        <div class="mt-3" data-testid="statement-preview">
            // Nothing is recorded yet: say so before the outcomes, which read as done.
            <p class="rounded-lg bg-sky-100 p-2 text-sky-950">{tr(
                "Đây là bản xem trước: chưa ghi giao dịch nào. Kết quả dưới đây sẽ có khi bấm «Ghi các giao dịch mới».",
                "This is a preview: nothing is recorded yet. The outcomes below happen when you press “Record the new transfers”.")}</p>
            <p class="mt-2 font-semibold" data-testid="preview-total">{lines_total}</p>
            <p class="font-semibold" data-testid="preview-outcomes">{summary}</p>
            {(!preview.errors.is_empty()).then(|| view! {
                <div role="alert" class="mt-2 rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
                    <p class="font-semibold">{tr("Chưa ghi gì. Sao kê có dòng lỗi:", "Nothing was written. The statement has rows with errors:")}</p>
                    <ul class="mt-1 list-disc pl-5 text-sm">
                        {preview.errors.iter().take(200).map(|e| {
                            let (vi, en) = e.problem.describe();
                            let text = if crate::ui::current_lang() == crate::i18n::Lang::Vi { vi } else { en };
                            view! { <li>{format!("{} {}: {text}", tr("Dòng", "Row"), e.row)}</li> }
                        }).collect_view()}
                    </ul>
                </div>
            })}
            // On a phone each line is a card: the outcome and amount first, the
            // memo below at full width (not four characters a line).
            <table class="mt-2 w-full text-left text-sm">
                <thead class="hidden sm:table-header-group"><tr class="text-gray-700">
                    <th class="pr-2">{tr("Dòng", "Row")}</th>
                    <th class="pr-2">{tr("Ngày giao dịch", "Date")}</th>
                    <th class="pr-2">{tr("Số tham chiếu", "Reference")}</th>
                    <th class="pr-2 text-right">{tr("Số tiền", "Amount")}</th>
                    <th class="pr-2">{tr("Nội dung", "Description")}</th>
                    <th>{tr("Kết quả", "Result")}</th>
                </tr></thead>
                <tbody>
                    {preview.lines.iter().take(PREVIEW_LINES).map(|l| {
                        let moment = Date::transfer_moment_label(l.at);
                        let result = move || if l.known {
                            view! { <span class="text-sm text-gray-700">{tr("đã có từ trước", "already known")}</span> }.into_any()
                        } else {
                            view! { <Badge outcome=l.outcome to_come=true/> }.into_any()
                        };
                        view! {
                            <tr class="border-t border-gray-100 align-top" data-testid="preview-line">
                                <td class="py-2 pr-2 sm:py-1">
                                    <div class="flex flex-wrap items-baseline justify-between gap-2 sm:hidden">
                                        {result()}<span class="font-semibold tabular-nums">{l.amount.to_string()}</span>
                                    </div>
                                    <span class="text-gray-700 sm:hidden">{tr("Dòng ", "Row ")}</span>{l.row}
                                    <span class="text-gray-700 sm:hidden">{format!(" · {moment} · {}", l.reference)}</span>
                                    <div class="break-words sm:hidden">{l.memo.clone()}</div>
                                </td>
                                <td class="hidden pr-2 tabular-nums sm:table-cell">{moment.clone()}</td>
                                <td class="hidden pr-2 sm:table-cell">{l.reference.clone()}</td>
                                <td class="hidden pr-2 text-right tabular-nums whitespace-nowrap sm:table-cell">{l.amount.to_string()}</td>
                                <td class="hidden pr-2 wrap-anywhere sm:table-cell">{l.memo.clone()}</td>
                                <td class="hidden sm:table-cell">{result()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {only_some.map(|text| view! { <p class="mt-2 text-sm text-gray-700">{text}</p> })}
        </div>
    }
}

/// A toggle button that shows which filter is on.
const FILTER: &str = "min-h-11 rounded-lg border border-slate-400 px-3 text-sm font-medium text-slate-800 hover:bg-slate-100 \
    aria-pressed:bg-slate-800 aria-pressed:text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-slate-800";

fn transfer_order_label(order: TransferOrder) -> &'static str {
    match order {
        TransferOrder::Newest => tr("Mới nhất trước", "Newest first"),
        TransferOrder::Oldest => tr("Cũ nhất trước", "Oldest first"),
        TransferOrder::Largest => tr("Số tiền lớn nhất trước", "Largest amount first"),
    }
}

#[component]
fn TransferQueue(school_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let show_all = RwSignal::new(false);
    // What is typed, and what was last searched for (on pressing "Tìm").
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let order = RwSignal::new(TransferOrder::default());
    let page = RwSignal::new(0usize);
    // Another filter, search or order starts on its first page.
    let restart = move || page.set(0);
    let transfers = LocalResource::new(move || {
        changed.track();
        let filter = if show_all.get() {
            TransferFilter::All
        } else {
            TransferFilter::NeedsReview
        };
        list_transfers(
            school_id,
            filter,
            search.get(),
            page.get() as u32,
            order.get(),
        )
    });
    // The pager is drawn again only when the count changes, so "Trang sau"
    // keeps the keyboard's focus while the next page loads.
    let total = Memo::new(move |_| {
        transfers
            .get()
            .and_then(Result::ok)
            .map(|p| p.total)
            .unwrap_or(0)
    });
    let outcome = RwSignal::new(None);
    let reload = move || changed.update(|n| *n += 1);
    view! {
        <h3 class="mt-6 text-lg font-bold">{tr("Giao dịch chờ xử lý", "Transfers to review")}</h3>
        <div class="mt-2 flex gap-2" role="group" aria-label=tr("Lọc giao dịch", "Filter transfers")>
            <button type="button" class=FILTER aria-pressed=move || (!show_all.get()).to_string() on:click=move |_| { show_all.set(false); restart(); }>
                {tr("Chờ xử lý", "To review")}
            </button>
            <button type="button" class=FILTER aria-pressed=move || show_all.get().to_string() on:click=move |_| { show_all.set(true); restart(); }>
                {tr("Tất cả giao dịch", "All transfers")}
            </button>
        </div>
        <form class="mt-2 flex flex-wrap items-end gap-2" role="search"
            on:submit=move |ev| { ev.prevent_default(); search.set(typed.get_untracked()); restart(); }>
            <div class="min-w-0 grow">
                <Field id="transfer-search" label=tr("Tìm theo nội dung, người chuyển, số tham chiếu, mã hoá đơn hoặc số tiền", "Search memo, payer, reference, invoice code or amount") value=typed/>
            </div>
            <button type="submit" class=BUTTON_QUIET>{tr("Tìm giao dịch", "Find transfers")}</button>
        </form>
        <div class="mt-2 max-w-xs">
            <label for="transfer-order" class="block text-sm font-semibold">{tr("Sắp xếp", "Order")}</label>
            <select id="transfer-order" class=INPUT on:change=move |ev| {
                order.set(TransferOrder::from_key(&event_target_value(&ev)));
                restart();
            }>
                {TransferOrder::ALL.into_iter().map(|o| view! {
                    <option value=o.key() selected=move || order.get() == o>{transfer_order_label(o)}</option>
                }).collect_view()}
            </select>
        </div>
        <OutcomeNotice outcome/>
        {move || view! { <Pages count=total.get() page/> }}
        {move || match transfers.get() {
            None => view! { <p class="mt-2">{tr("Đang tải…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <LoadFailed error=e retry=move || transfers.refetch()/> }.into_any(),
            Some(Ok(found)) if found.rows.is_empty() => view! {
                <p class="mt-2 text-gray-700" data-testid="queue-empty">{
                    if show_all.get_untracked() || !search.get_untracked().is_empty() {
                        tr("Không có giao dịch nào khớp.", "No transfer matches.")
                    } else {
                        tr("Không có giao dịch nào chờ xử lý.", "Nothing waiting for review.")
                    }
                }</p>
            }.into_any(),
            Some(Ok(found)) => view! {
                <ul class="mt-2 space-y-3" data-testid="transfer-queue">
                    {found.rows.into_iter().map(|t| view! { <TransferCard school_id transfer=t outcome reload/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn TransferCard(
    school_id: i64,
    transfer: TransferRow,
    outcome: RwSignal<Option<Outcome>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = transfer.payment_id;
    let reference = StoredValue::new(transfer.reference.clone());
    let transfer_amount = transfer.amount;
    let unallocated = transfer.unallocated();
    let settled_by_match = !transfer.allocations.is_empty();
    let settled = settled_by_match || transfer.outcome == Settled::NotFee;
    // The split being prepared: (invoice code, amount typed).
    let parts = RwSignal::new(Vec::<(RwSignal<String>, AmountInput)>::new());
    let add_part = move |code: String, most: Option<Vnd>| {
        // A suggestion chosen twice (a double click) is one part, not two
        // that together exceed the transfer.
        let chosen = |p: &Vec<(RwSignal<String>, AmountInput)>| {
            !code.is_empty()
                && p.iter()
                    .any(|(c, _)| c.get_untracked().trim().eq_ignore_ascii_case(code.trim()))
        };
        if parts.with_untracked(chosen) {
            return;
        }
        // What is left of the transfer (at most what the invoice owes), not
        // an empty field the server then refuses as no amount.
        let given: Vnd = parts.with_untracked(|p| {
            p.iter()
                .filter_map(|(_, a)| typed_amount(&a.text.get_untracked()))
                .sum()
        });
        let left = (unallocated - given).clamp_non_negative();
        let amount = most.map_or(left, |most| most.min(left));
        // An empty amount to type in, not a "0" to delete first.
        let typed = if amount.is_positive() {
            amount.dong().to_string()
        } else {
            String::new()
        };
        let at = parts.with_untracked(Vec::len);
        parts.update(|p| p.push((RwSignal::new(code), AmountInput::with_text(typed))));
        // The part is drawn under the suggestions, off a phone's screen: shown,
        // or the tap seems to have done nothing.
        request_animation_frame(move || {
            if let Some(field) = document().get_element_by_id(&format!("part-amount-{id}-{at}")) {
                bring_into_view(&field);
            }
        });
    };
    let reason = RwSignal::new(String::new());
    let refund_amount = RwSignal::new(unallocated.dong().to_string());
    let refund_ref = RwSignal::new(String::new());
    let refund_date = RwSignal::new(String::new());
    // One action at a time on a transfer: a double click on "Gạch nợ" must
    // not send a second match, which the server refuses as already matched
    // and which would hide the first one's confirmation behind that error.
    let working = OneAtATime::new();
    let done = move |r: Result<(), crate::error::AppError>, message: String| match r {
        Ok(()) => {
            outcome.set(Some(Outcome::Done(message)));
            reload();
        }
        Err(e) => outcome.set(Some(Outcome::Failed(e))),
    };
    let submit_match = move |_| {
        // Every part's amount is read, so each field that cannot be read says
        // so under itself; the first of them gets the cursor.
        let read: Vec<(String, Option<Vnd>)> = parts
            .get_untracked()
            .iter()
            .map(|(code, amount)| (code.get_untracked().trim().to_string(), amount.take()))
            .collect();
        if let Some(bad) = read.iter().position(|(_, amount)| amount.is_none()) {
            outcome.set(None);
            if let Some(field) = document().get_element_by_id(&format!("part-amount-{id}-{bad}")) {
                bring_into_view(&field);
                if let Ok(field) = field.dyn_into::<web_sys::HtmlElement>() {
                    let _ = field.focus();
                }
            }
            return;
        }
        let list: Vec<Part> = read
            .into_iter()
            .filter_map(|(invoice_code, amount)| {
                Some(Part {
                    invoice_code,
                    amount: amount?,
                })
            })
            .collect();
        if list.is_empty() {
            return;
        }
        working.run(async move {
            let r = match_transfer(school_id, id, list).await;
            let message = r
                .as_ref()
                .map(|m| matched_message(&reference.get_value(), m))
                .unwrap_or_default();
            done(r.map(|_| ()), message)
        });
    };
    let not_fee = move |_| {
        working.run(async move {
            // Which transfer and how much: said, as every save is.
            done(
                mark_transfer_not_fee(school_id, id, reason.get_untracked()).await,
                format!(
                    "{} {} ({}) {}",
                    tr("Đã đánh dấu giao dịch", "Marked transfer"),
                    reference.get_value(),
                    transfer_amount.unbroken(),
                    tr("là không phải khoản thu.", "as not a school fee."),
                ),
            )
        });
    };
    let undo = move |_| {
        working.run(async move {
            // The receipts the match issued are cancelled with it: said, as
            // the family opening one will see it cancelled.
            let receipts = if settled_by_match {
                tr(
                    " Biên lai đã cấp cho giao dịch này đã được huỷ.",
                    " The receipts issued for it were cancelled.",
                )
            } else {
                ""
            };
            done(
                undo_transfer(school_id, id, reason.get_untracked()).await,
                format!(
                    "{} {} ({}) {}{receipts}",
                    tr("Đã hoàn tác giao dịch", "Undid transfer"),
                    reference.get_value(),
                    transfer_amount.unbroken(),
                    tr("— trở lại hàng chờ.", "— back in the queue."),
                ),
            )
        });
    };
    let refund = move |_| {
        let Some(amount) = typed_amount(&refund_amount.get_untracked()) else {
            outcome.set(Some(Outcome::Failed(crate::error::AppError::InvalidInput(
                crate::error::Field::PositiveAmount,
            ))));
            return;
        };
        working.run(async move {
            done(
                refund_transfer(
                    school_id,
                    id,
                    amount,
                    refund_ref.get_untracked(),
                    refund_date.get_untracked(),
                )
                .await,
                format!(
                    "{} {amount}.",
                    tr("Đã ghi nhận hoàn tiền", "Refund recorded:")
                ),
            )
        });
    };
    let key = |name: &str| format!("{name}-{id}");
    view! {
        <li class="rounded-lg border border-gray-300 p-3" data-testid="transfer" data-reference=transfer.reference.clone()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <p class="text-lg font-bold tabular-nums">{transfer.amount.to_string()}</p>
                <Badge outcome=transfer.outcome/>
            </div>
            <p class="text-sm text-gray-700">
                {format!("{} · {} {}", Date::transfer_moment_label(transfer.received_at), tr("Số tham chiếu", "Ref."), transfer.reference)}
                {transfer.payer.clone().map(|p| format!(" · {p}"))}
            </p>
            <p class="mt-1 wrap-anywhere"><span class="font-semibold">{tr("Nội dung: ", "Memo: ")}</span>{transfer.memo.clone()}</p>
            {(!transfer.allocations.is_empty()).then(|| view! {
                <ul class="mt-1 text-sm">
                    {transfer.allocations.iter().map(|(code, name, amount)| view! {
                        <li>{format!("→ {code} · {name} · {amount}")}</li>
                    }).collect_view()}
                </ul>
            })}
            {transfer.refunded.is_positive().then(|| view! {
                <p class="mt-1 text-sm">{format!("{} {}", tr("Đã hoàn:", "Refunded:"), transfer.refunded)}</p>
            })}
            {transfer.last_review.clone().map(|(action, detail, who, at)| view! {
                <p class="mt-1 text-sm text-gray-700">{format!("{} · {}: {} · {who}", Date::moment_label(at), action_name(&action),
                    detail.replace("credit:", tr("tiền dư:", "credit:")))}</p>
            })}
            {(transfer.outcome == Settled::Duplicate && unallocated.is_positive()).then(|| view! {
                <p class="mt-2 rounded bg-amber-50 p-2 text-sm text-amber-950">
                    {tr("Hoá đơn ghi trong nội dung đã được nộp đủ trước đó. Nếu phụ huynh nộp nhầm hai lần, hãy chuyển hoàn rồi ghi nhận ở mục «Xử lý khác»; nếu khoản này dành cho hoá đơn khác, hãy gạch nợ vào hoá đơn đó.",
                        "The invoice in the memo was already paid. If the family paid twice, send the money back and record it under “Other actions”; if it was meant for another invoice, settle it there.")}
                </p>
            })}
            {(!transfer.suggestions.is_empty()).then(|| view! {
                <p class="mt-2 text-sm font-semibold">{tr("Gợi ý hoá đơn:", "Suggested invoices:")}</p>
                <ul class="mt-1 space-y-1">
                    {transfer.suggestions.iter().map(|s| {
                        let (code, take) = (s.invoice_code.clone(), s.balance.min(unallocated));
                        let reasons = s.reasons.iter().map(|r| reason_text(*r)).collect::<Vec<_>>().join(", ");
                        view! {
                            <li class="flex flex-wrap items-center justify-between gap-2 rounded bg-slate-50 p-2" data-testid="suggestion">
                                <span class="text-sm">
                                    <span class="font-semibold">{format!("{} · {} {}", s.student_name, tr("lớp", "class"), s.class_name)}</span>
                                    {format!(" · {} · {} {} · {} {}", s.invoice_code, tr("còn nợ", "due"), s.balance, tr("kỳ", "period"), Month::label_of(&s.period))}
                                    <br/><span class="text-gray-700">{reasons}</span>
                                </span>
                                {
                                    let mine = code.clone();
                                    // Chosen, it says so (a second tap adds nothing).
                                    let chosen = Memo::new(move |_| parts.with(|p| p.iter().any(|(c, _)| c.get().trim().eq_ignore_ascii_case(mine.trim()))));
                                    let chosen = move || chosen.get();
                                    view! {
                                        <button type="button" class=BUTTON_QUIET aria-pressed=move || chosen().to_string()
                                            on:click=move |_| add_part(code.clone(), Some(take))>
                                            {move || if chosen() { tr("Đã chọn ✓", "Chosen ✓") } else { tr("Chọn hoá đơn này", "Use this invoice") }}
                                        </button>
                                    }
                                }
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!settled).then(|| view! {
                <div class="mt-2">
                    {move || parts.get().into_iter().enumerate().map(|(i, (code, amount))| view! {
                        <div class="mt-2 grid grid-cols-2 gap-2">
                            <Input id=format!("part-code-{id}-{i}") label=tr("Mã hoá đơn", "Invoice code") value=code/>
                            <AmountField id=format!("part-amount-{id}-{i}") label=tr("Số tiền (đồng)", "Amount (đồng)") input=amount/>
                        </div>
                        // A part chosen by mistake comes off again.
                        <button type="button" class="min-h-11 px-2 text-sm underline" data-testid="remove-part"
                            attr:aria-label=move || format!("{} {}", tr("Bỏ hoá đơn", "Remove invoice"), code.get())
                            on:click=move |_| parts.update(|p| { if i < p.len() { p.remove(i); } })>
                            {tr("Bỏ hoá đơn này", "Remove this invoice")}
                        </button>
                    }).collect_view()}
                    {move || (!parts.get().is_empty()).then(|| {
                        let given: Vnd = parts.get().iter().filter_map(|(_, a)| a.current()).sum();
                        let left = (unallocated - given).clamp_non_negative();
                        view! {
                            <p class="mt-2 text-sm" class:font-semibold=left.is_positive() data-testid="split-left">
                                {if left.is_positive() {
                                    format!("{} {left} {}", tr("Còn lại chưa chia:", "Not yet allocated:"),
                                        tr("(sẽ ghi thành tiền dư cho học sinh của hoá đơn đầu tiên)", "(becomes a credit for the first invoice's student)"))
                                } else {
                                    tr("Đã chia hết số tiền chuyển khoản.", "The whole transfer is allocated.").to_string()
                                }}
                            </p>
                        }
                    })}
                    <div class="mt-2 flex flex-wrap gap-2">
                        // The first invoice is typed in; more split the transfer.
                        <button type="button" class=BUTTON_QUIET on:click=move |_| add_part(String::new(), None)>
                            {move || if parts.get().is_empty() {
                                tr("Gạch vào một hoá đơn (nhập mã)", "Settle an invoice (type its code)")
                            } else {
                                tr("Thêm hoá đơn (chia giao dịch)", "Add an invoice (split)")
                            }}
                        </button>
                        {move || (!parts.get().is_empty()).then(|| view! {
                            <button type="button" class=BUTTON on:click=submit_match prop:disabled=move || working.busy()>{tr("Gạch nợ", "Settle")}</button>
                        })}
                    </div>
                </div>
            })}
            <details class="mt-2">
                <summary class="min-h-11 cursor-pointer py-2 text-sm font-semibold">{tr("Xử lý khác", "Other actions")}</summary>
                <div class="mt-1">
                    <Input id=key("reason") label=tr("Lý do", "Reason") value=reason/>
                    <div class="mt-2 flex flex-wrap gap-2">
                        {(!settled).then(|| view! {
                            <button type="button" class=BUTTON_QUIET on:click=not_fee prop:disabled=move || working.busy()>{tr("Không phải khoản thu", "Not a school fee")}</button>
                        })}
                        {settled.then(|| view! {
                            <button type="button" class=BUTTON_QUIET on:click=undo prop:disabled=move || working.busy()>{tr("Hoàn tác", "Undo")}</button>
                        })}
                    </div>
                </div>
                {unallocated.is_positive().then(|| view! {
                    <div class="mt-3 grid gap-2 sm:grid-cols-3">
                        <Input id=key("refund-amount") label=tr("Số tiền hoàn (đồng)", "Refund (đồng)") value=refund_amount/>
                        <Input id=key("refund-ref") label=tr("Số tham chiếu chuyển hoàn", "Refund reference") value=refund_ref/>
                        <Input id=key("refund-date") label=tr("Ngày hoàn (ngày/tháng/năm)", "Refund date (dd/mm/yyyy)") value=refund_date/>
                    </div>
                    <button type="button" class=format!("{BUTTON_QUIET} mt-2") on:click=refund prop:disabled=move || working.busy()>{tr("Ghi nhận đã hoàn tiền", "Record the refund")}</button>
                })}
            </details>
        </li>
    }
}

/// What a hand match did, as the server did it: what went to which invoice,
/// for which child, and the credit left and whose it is now.
fn matched_message(reference: &str, done: &crate::reconciliation::MatchDone) -> String {
    let mut message = format!(
        "{} {reference}: {}",
        tr("Đã gạch nợ giao dịch", "Settled transfer"),
        done.parts
            .iter()
            .map(|(code, name, amount)| format!("{amount} {} {code} ({name})", tr("vào", "to")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if done.credit.is_positive() {
        message.push_str(&format!(
            " · {} {}",
            done.credit,
            tr("ghi thành tiền dư", "kept as credit")
        ));
        if let Some(child) = &done.credit_to {
            message.push_str(&format!(" {} {child}", tr("của", "for")));
        }
    }
    message
}

/// What an import did, with its money: the new transfers and their total to
/// hold against the bank's statement, then only the outcomes that happened (a
/// row of zeros is noise on a phone), what may be a duplicate and what waits
/// for the accountant with their sums, and what was known already.
fn recorded_message(done: &crate::reconciliation::StatementResult) -> String {
    let mut parts = vec![format!(
        "{} {}, {} {}",
        tr(
            "Đã ghi sao kê. Giao dịch mới:",
            "Statement recorded. New transfers:"
        ),
        done.recorded,
        tr("tổng", "total"),
        done.recorded_amount
    )];
    let counted = [
        (done.matched, tr("gạch nợ đủ", "settled"), None),
        (done.partly_paid, tr("một phần", "partly"), None),
        (done.overpaid, tr("nộp thừa", "overpaid"), None),
        (
            done.duplicate,
            tr("có thể trùng", "possible duplicates"),
            Some(done.duplicate_amount),
        ),
        (
            done.unmatched,
            tr("chờ xử lý", "to review"),
            Some(done.unmatched_amount),
        ),
        (done.known, tr("đã có từ trước", "already known"), None),
    ];
    for (count, what, amount) in counted {
        if count > 0 {
            parts.push(match amount {
                Some(amount) => format!("{what} {count} ({amount})"),
                None => format!("{what} {count}"),
            });
        }
    }
    parts.join(" · ") + "." + &receipts_to_follow(done.receipts_pending)
}

/// What the import's answer adds when some receipts were still being issued.
fn receipts_to_follow(pending: usize) -> String {
    if pending == 0 {
        return String::new();
    }
    format!(
        " {} {pending} {}",
        tr("Biên lai của", "Receipts for"),
        tr(
            "giao dịch đang được phát hành, sẽ có trong danh sách biên lai khi xong.",
            "transfers are being issued and will be in the receipts list when done."
        )
    )
}
