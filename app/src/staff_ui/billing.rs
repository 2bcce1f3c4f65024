//! The accountant's billing screens: the fee catalogue, exemption policies, and
//! issuing a month's invoices for a class, a grade or the whole school.

use super::tr;
use super::widgets::*;
use crate::api::fees::{
    add_credit, cancel_credit, commit_invoice_run, grant_exemption, list_credits, list_fees,
    list_policies, preview_invoice_run, revoke_exemption, save_fee, save_policy,
};
use crate::domain::billing::Unit;
use crate::staff::{CreditRow, FeeInput, FeeItemRow, RunPreview, RunScope};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn unit_name(u: Unit) -> &'static str {
    u.per(tr)
}

const UNITS: [Unit; 5] = [
    Unit::Month,
    Unit::MealDay,
    Unit::Semester,
    Unit::Year,
    Unit::Once,
];

#[component]
pub fn Billing(school_id: i64) -> impl IntoView {
    let fees = LocalResource::new(move || list_fees(school_id));
    view! {
        <FeeCatalogue school_id fees/>
        <Exemptions school_id fees/>
        <Credits school_id/>
        <InvoiceRun school_id/>
    }
}

/// The fee catalogue: add a fee, correct one (the change applies to invoices
/// issued from now on; issued ones never change), or stop billing it and bring
/// it back. A fee is never deleted: invoices already name it.
#[component]
fn FeeCatalogue(
    school_id: i64,
    fees: LocalResource<Result<Vec<FeeItemRow>, crate::error::AppError>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let amount = AmountInput::new();
    let unit = RwSignal::new("month".to_string());
    let grades = RwSignal::new(String::new());
    let mandatory = RwSignal::new(true);
    // The fee being corrected, if any: the form saves over it.
    let editing = RwSignal::new(None::<i64>);
    // Whether the fee being corrected is billed now: set when its form opens
    // and when its row is stopped or restored meanwhile (before the list has
    // come back, a save must not read the old state from it).
    let editing_active = RwSignal::new(None::<bool>);
    let outcome = RwSignal::new(None);
    // One save at a time: a double click must not add the fee twice.
    let pending = OneAtATime::new();
    let reset = move || {
        editing.set(None);
        editing_active.set(None);
        name.set(String::new());
        amount.clear();
        grades.set(String::new());
        unit.set("month".into());
        mandatory.set(true);
    };
    // `from_form`: the form's own save, which empties it; a row's "Ngừng thu"
    // or "Thu lại" leaves what is being typed in the form alone.
    let save = move |fee: FeeInput, verb: &'static str, note: &'static str, from_form: bool| {
        pending.run(async move {
            match save_fee(school_id, fee.clone()).await {
                Ok(_) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{}{note}",
                        saved_fee_message(verb, &fee)
                    ))));
                    fees.refetch();
                    if from_form {
                        reset();
                    }
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(value) = amount.take() else { return };
        let id = editing.get_untracked();
        // A correction keeps the fee billed or not as it is now: "Ngừng thu"
        // pressed while its form was open must not be undone by saving it.
        let active = id.is_none() || editing_active.get_untracked().unwrap_or(true);
        let fee = FeeInput {
            id,
            name: name.get_untracked(),
            amount: value,
            unit: Unit::parse(&unit.get_untracked()).unwrap_or(Unit::Month),
            mandatory: mandatory.get_untracked(),
            grades: grades.get_untracked(),
            active,
        };
        let verb = if id.is_some() {
            tr("Đã sửa khoản thu", "Fee corrected:")
        } else {
            tr("Đã thêm khoản thu", "Fee added:")
        };
        save(fee, verb, "", true);
    };
    let edit = move |f: FeeItemRow| {
        editing.set(Some(f.id));
        editing_active.set(Some(f.active));
        name.set(f.name);
        amount.text.set(f.amount.grouped());
        unit.set(f.unit.as_str().into());
        grades.set(if f.scope.is_whole_school() {
            String::new()
        } else {
            f.scope.text()
        });
        mandatory.set(f.mandatory);
        outcome.set(None);
        focus("fee-name");
    };
    let toggle = move |f: FeeItemRow| {
        if editing.get_untracked() == Some(f.id) {
            editing_active.set(Some(!f.active));
        }
        let fee = FeeInput {
            id: Some(f.id),
            name: f.name,
            amount: f.amount,
            unit: f.unit,
            mandatory: f.mandatory,
            grades: f.scope.text(),
            active: !f.active,
        };
        let (verb, note) = if fee.active {
            (tr("Đã thu lại khoản", "Billing again:"), "")
        } else {
            (
                tr("Đã ngừng thu khoản", "Stopped billing:"),
                tr(
                    " Các hoá đơn đã lập vẫn giữ khoản này.",
                    " Invoices already issued keep it.",
                ),
            )
        };
        save(fee, verb, note, false);
    };
    view! {
        <section class=CARD aria-labelledby="fees-title">
            <h2 id="fees-title" class=H2>{tr("Các khoản thu", "Fee catalogue")}</h2>
            <ul class="mt-2 divide-y divide-gray-100">
                {move || fees.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|f| {
                    let (for_edit, for_toggle) = (f.clone(), f.clone());
                    let active = f.active;
                    view! {
                        <li class=if active { "flex flex-wrap items-center justify-between gap-2 py-2" } else { "flex flex-wrap items-center justify-between gap-2 py-2 text-gray-600" } data-testid="fee-row">
                            <div>
                                <span class="font-semibold">{f.name.clone()}</span>
                                {(!f.mandatory).then(|| view! { <span class="ml-2 text-sm font-normal text-gray-600">{tr("(tự nguyện)", "(voluntary)")}</span> })}
                                {(!active).then(|| view! { <span class="ml-2 text-sm font-semibold text-amber-900">{tr("(đã ngừng thu)", "(no longer billed)")}</span> })}
                                <div>{format!("{} {}", f.amount, unit_name(f.unit))}
                                    <span class="ml-2 text-sm text-gray-600">{scope_label(&f.scope)}</span>
                                </div>
                            </div>
                            <div class="flex gap-2">
                                {active.then(|| view! {
                                    <button type="button" class=BUTTON_QUIET on:click=move |_| edit(for_edit.clone())>{tr("Sửa", "Edit")}</button>
                                })}
                                <button type="button" class=BUTTON_QUIET on:click=move |_| toggle(for_toggle.clone())>
                                    {if active { tr("Ngừng thu", "Stop billing") } else { tr("Thu lại", "Bill again") }}
                                </button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="mt-3 grid gap-3 sm:grid-cols-2" on:submit=submit>
                {move || editing.get().is_some().then(|| view! {
                    <p class="rounded-lg bg-amber-50 p-2 text-amber-950 sm:col-span-2">{tr(
                        "Đang sửa khoản thu: số mới áp dụng cho các phiếu lập từ nay; phiếu đã lập không đổi.",
                        "Correcting a fee: the new figures apply to invoices issued from now on; issued ones keep theirs.")}</p>
                })}
                <Field id="fee-name" label=tr("Tên khoản thu", "Fee name") value=name/>
                <AmountField id="fee-amount" label=tr("Số tiền (đồng)", "Amount (đồng)") input=amount/>
                <div>
                    <label for="fee-unit" class="block text-sm font-semibold">{tr("Cách tính", "Charged")}</label>
                    <select id="fee-unit" class=INPUT on:change=move |ev| unit.set(event_target_value(&ev)) prop:value=move || unit.get()>
                        {UNITS.into_iter().map(|u| view! { <option value=u.as_str()>{unit_name(u)}</option> }).collect_view()}
                    </select>
                </div>
                <Field id="fee-grades" label=tr("Khối hoặc lớp áp dụng", "Grades or classes") value=grades hint=tr("Khối hoặc lớp, ví dụ: 1, 2, 3A. Để trống nếu áp dụng cả trường.", "Grades or classes, e.g. 1, 2, 3A. Empty for the whole school.")/>
                <label class="flex min-h-11 items-center gap-2">
                    <input type="checkbox" class="h-5 w-5" prop:checked=move || mandatory.get() on:change=move |ev| mandatory.set(event_target_checked(&ev))/>
                    {tr("Bắt buộc (bỏ chọn nếu phụ huynh được tự nguyện)", "Mandatory (untick if parents may decline)")}
                </label>
                <div class="sm:col-span-2">
                    <OutcomeNotice outcome/>
                    <div class="mt-2 flex flex-wrap gap-2">
                        <button type="submit" class=BUTTON prop:disabled=move || pending.busy()>
                            {move || if editing.get().is_some() { tr("Lưu thay đổi", "Save changes") } else { tr("Thêm khoản thu", "Add fee") }}
                        </button>
                        {move || editing.get().is_some().then(|| view! {
                            <button type="button" class=BUTTON_QUIET on:click=move |_| reset()>{tr("Huỷ sửa", "Cancel")}</button>
                        })}
                    </div>
                </div>
            </form>
        </section>
    }
}

/// Where a fee applies, in words.
fn scope_label(scope: &crate::domain::validate::FeeScope) -> String {
    if scope.is_whole_school() {
        tr("cả trường", "whole school").to_string()
    } else {
        format!("{} {}", tr("áp dụng:", "for:"), scope.text())
    }
}

/// What a save did, with its figures, so a typo shows at once:
/// "Đã thêm khoản thu Quỹ lớp: 50.000 đ mỗi tháng, áp dụng: 3."
fn saved_fee_message(verb: &str, fee: &FeeInput) -> String {
    let scope = crate::domain::validate::FeeScope::parse(&fee.grades)
        .map(|s| scope_label(&s))
        .unwrap_or_else(|| fee.grades.trim().to_string());
    format!(
        "{verb} {}: {} {}, {scope}{}.",
        fee.name.trim(),
        fee.amount,
        unit_name(fee.unit),
        if fee.mandatory {
            ""
        } else {
            tr(", tự nguyện", ", voluntary")
        },
    )
}

#[component]
fn Exemptions(
    school_id: i64,
    fees: LocalResource<Result<Vec<FeeItemRow>, crate::error::AppError>>,
) -> impl IntoView {
    let policies = LocalResource::new(move || list_policies(school_id));
    let name = RwSignal::new(String::new());
    let fee_id = RwSignal::new(String::new());
    let percent = RwSignal::new(String::new());
    let grant_policy = RwSignal::new(String::new());
    let grant_code = RwSignal::new(String::new());
    let grant_note = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    // Each form says what it did under itself, where the eyes are.
    let policy_outcome = RwSignal::new(None);
    // One save or grant at a time: a double click logged every grant twice.
    // (Ending an exemption asks for a reason first, so it cannot be doubled,
    // and must not be dropped while a grant is on its way.)
    let pending = OneAtATime::new();
    let fee_name = move |id: i64| {
        fees.get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .find(|f| f.id == id)
            .map(|f| f.name)
            .unwrap_or_default()
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fee: i64 = fee_id.get_untracked().parse().unwrap_or(0);
        let pct: u8 = percent
            .get_untracked()
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse()
            .unwrap_or(255);
        let policy = name.get_untracked();
        let reduced = fee_name(fee);
        pending.run(async move {
            match save_policy(school_id, policy.clone(), vec![(fee, pct)]).await {
                Ok(_) => {
                    policy_outcome.set(Some(Outcome::Done(format!(
                        "{} {}: {} {pct}% {reduced}.",
                        tr("Đã lưu diện miễn giảm", "Saved exemption policy"),
                        policy.trim(),
                        tr("giảm", "reduces"),
                    ))));
                    policies.refetch();
                }
                Err(e) => policy_outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let grant = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let policy: i64 = grant_policy.get_untracked().parse().unwrap_or(0);
        let policy_name = policies
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|l| l.into_iter().find(|p| p.id == policy))
            .map(|p| p.name)
            .unwrap_or_default();
        let (code, note) = (grant_code.get_untracked(), grant_note.get_untracked());
        pending.run(async move {
            match grant_exemption(school_id, policy, code.clone(), note.clone()).await {
                Ok(name) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {policy_name} {} {name}, {} {} ({} {}). {}",
                        tr("Đã áp dụng diện miễn giảm", "Granted"),
                        tr("cho em", "to"),
                        tr("mã", "code"),
                        code.trim(),
                        tr("căn cứ:", "grounds:"),
                        note.trim(),
                        // Issued invoices never change: the accountant must not
                        // expect this month's to drop by itself.
                        tr(
                            "Miễn giảm được áp dụng cho các hoá đơn lập từ nay; các hoá đơn đã lập giữ nguyên số tiền.",
                            "It applies to invoices issued from now on; invoices already issued keep their amounts."
                        )
                    ))));
                    policies.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let revoke = move |policy_id: i64, code: String, who: String, reason: String| {
        spawn_local(async move {
            match revoke_exemption(school_id, policy_id, code, reason).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {who}. {}",
                        tr("Đã bỏ miễn giảm của", "Ended the exemption of"),
                        tr(
                            "Hoá đơn đã phát hành giữ nguyên; từ kỳ sau không giảm nữa.",
                            "Invoices already issued stay; the next ones have no reduction."
                        )
                    ))));
                    policies.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="exemptions-title">
            <h2 id="exemptions-title" class=H2>{tr("Miễn giảm", "Exemptions and reductions")}</h2>
            <ul class="mt-2 space-y-3">
                {move || policies.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|p| {
                    let (policy_id, policy_name) = (p.id, p.name.clone());
                    let first_rate = p.rates.first().copied();
                    view! {
                        <li data-testid="policy-row">
                            <div class="flex flex-wrap items-baseline gap-x-3">
                                <span class="font-semibold">{p.name.clone()}</span>
                                <button type="button" class="min-h-11 px-1 text-sm underline" on:click=move |_| {
                                    // Fill the form: saving under the same name replaces its rates.
                                    name.set(policy_name.clone());
                                    if let Some((fee, pct)) = first_rate {
                                        fee_id.set(fee.to_string());
                                        percent.set(pct.to_string());
                                    }
                                    focus("policy-percent");
                                }>{tr("Sửa tỷ lệ", "Change rate")}</button>
                            </div>
                            <div class="text-sm text-gray-700">{p.rates.iter().map(|(f, pct)| format!("{pct}% {}", fee_name(*f))).collect::<Vec<_>>().join(" · ")}</div>
                            <ul class="text-sm text-gray-800">
                                {p.students.into_iter().map(|s| {
                                    let code = s.code.clone();
                                    let who = s.full_name.clone();
                                    view! {
                                        <li class="flex flex-wrap items-center gap-x-2" data-testid="exempted-student">
                                            <span>{format!("{} ({}): {}", s.full_name, s.class_name, s.note)}</span>
                                            <ReasonButton label=tr("Bỏ miễn giảm", "End exemption")
                                                ask=format!("{} {}", tr("Lý do bỏ miễn giảm của", "Why end the exemption of"), s.full_name)
                                                on_reason=move |reason| revoke(policy_id, code.clone(), who.clone(), reason)/>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="mt-3 grid gap-3 sm:grid-cols-3" on:submit=create>
                <Field id="policy-name" label=tr("Tên diện miễn giảm", "Policy name") value=name/>
                <div>
                    <label for="policy-fee" class="block text-sm font-semibold">{tr("Khoản được giảm", "Fee reduced")}</label>
                    <select id="policy-fee" class=INPUT on:change=move |ev| fee_id.set(event_target_value(&ev))>
                        <option value="">{tr("Chọn khoản thu", "Choose a fee")}</option>
                        // Fees still collected only: a retired fee reduces nothing any more.
                        {move || fees.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(|f| f.active).map(|f| {
                            let value = f.id.to_string();
                            let chosen = value.clone();
                            view! { <option value=value prop:selected=move || fee_id.get() == chosen>{f.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <Field id="policy-percent" label=tr("Tỷ lệ giảm (%)", "Reduction (%)") value=percent
                    hint=tr("Lưu với tên đã có: thay tỷ lệ của diện đó cho các hoá đơn phát hành từ nay.", "Saving under an existing name replaces its rate for invoices issued from now on.")/>
                <div class="sm:col-span-3"><button type="submit" class=BUTTON_QUIET prop:disabled=move || pending.busy()>{tr("Lưu diện miễn giảm", "Save policy")}</button></div>
                <div class="sm:col-span-3"><OutcomeNotice outcome=policy_outcome/></div>
            </form>
            <form class="mt-3 grid gap-3 sm:grid-cols-3" on:submit=grant>
                <div>
                    <label for="grant-policy" class="block text-sm font-semibold">{tr("Diện miễn giảm", "Policy")}</label>
                    <select id="grant-policy" class=INPUT on:change=move |ev| grant_policy.set(event_target_value(&ev))>
                        <option value="">{move || if policies.get().and_then(Result::ok).is_some_and(|l| l.is_empty()) {
                            tr("Chưa có diện nào, tạo ở trên", "No policy yet: create one above")
                        } else {
                            tr("Chọn diện", "Choose a policy")
                        }}</option>
                        {move || policies.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                    </select>
                </div>
                <Field id="grant-code" label=tr("Mã học sinh được miễn giảm", "Student code") value=grant_code/>
                <Field id="grant-note" label=tr("Căn cứ", "Grounds") value=grant_note hint=tr("Số quyết định, số sổ hộ nghèo…", "Decision or certificate number…")/>
                <div class="sm:col-span-3"><button type="submit" class=BUTTON_QUIET prop:disabled=move || pending.busy()>{tr("Ghi miễn giảm", "Grant")}</button></div>
            </form>
            <OutcomeNotice outcome/>
        </section>
    }
}

#[component]
fn Credits(school_id: i64) -> impl IntoView {
    // Read again after invoices are issued: they use credits up.
    let changes = super::workspace::Changes::here();
    let credits = LocalResource::new(move || {
        changes.track();
        list_credits(school_id)
    });
    let code = RwSignal::new(String::new());
    let amount = AmountInput::new();
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let pending = OneAtATime::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(value) = amount.take() else { return };
        pending.run(async move {
            let student = code.get_untracked();
            let r = add_credit(school_id, student.clone(), value, reason.get_untracked()).await;
            match r {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {value} {} {}. {}",
                        tr("Đã ghi khoản trừ", "Credit of"),
                        tr("cho học sinh", "recorded for student"),
                        student.trim(),
                        tr(
                            "Hoá đơn kỳ sau sẽ trừ khoản này.",
                            "The next invoice takes it off."
                        ),
                    ))));
                    code.set(String::new());
                    amount.clear();
                    reason.set(String::new());
                    credits.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let cancel = move |row: CreditRow, reason: String| {
        spawn_local(async move {
            match cancel_credit(school_id, row.id, reason).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {} {} {}.",
                        tr("Đã huỷ khoản trừ", "Cancelled the credit of"),
                        row.remaining,
                        tr("của", "for"),
                        row.student_name
                    ))));
                    credits.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="credits-title">
            <h2 id="credits-title" class=H2>{tr("Khoản trừ kỳ sau", "Credits for next invoices")}</h2>
            <p class="text-sm text-gray-700">{tr("Ví dụ: các ngày nghỉ không ăn bán trú, hoặc phụ huynh nộp thừa.", "E.g. meal days absent, or an overpayment.")}</p>
            <form class="mt-2 grid gap-3 sm:grid-cols-3" on:submit=submit>
                <Field id="credit-code" label=tr("Mã học sinh được trừ", "Student code") value=code/>
                <AmountField id="credit-amount" label=tr("Số tiền trừ (đồng)", "Amount (đồng)") input=amount/>
                <Field id="credit-reason" label=tr("Lý do trừ", "Reason") value=reason/>
                <div class="sm:col-span-3"><button type="submit" class=BUTTON_QUIET prop:disabled=move || pending.busy()>{tr("Ghi khoản trừ", "Record credit")}</button></div>
            </form>
            <OutcomeNotice outcome/>
            <h3 class="mt-3 font-semibold">{tr("Khoản trừ chưa dùng hết", "Credits not used up yet")}</h3>
            {move || credits.get().and_then(Result::ok).is_some_and(|l| l.is_empty()).then(|| view! {
                <p class="text-sm text-gray-700">{tr("Không có khoản trừ nào đang chờ.", "No credit is waiting.")}</p>
            })}
            <ul class="divide-y divide-gray-100 text-sm" data-testid="credit-list">
                {move || credits.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| {
                    let row = c.clone();
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-x-3 py-1" data-testid="credit-row">
                            <span>{format!("{} ({}, {}) · {} {} {} · {}", c.student_name, c.student_code, c.class_name,
                                tr("còn", "left"), c.remaining, if c.remaining == c.amount { String::new() } else { format!("/ {}", c.amount) }, c.reason)}</span>
                            {if c.from_payment {
                                view! { <span class="text-gray-700">{tr("từ khoản nộp thừa: hoàn tiền ở trang Đối soát", "from an overpayment: refund it in reconciliation")}</span> }.into_any()
                            } else {
                                view! { <ReasonButton label=tr("Huỷ khoản trừ", "Cancel credit")
                                    ask=format!("{} {} {} {}", tr("Lý do huỷ khoản trừ", "Why cancel the credit of"), row.remaining, tr("của", "for"), row.student_name)
                                    on_reason=move |reason| cancel(row.clone(), reason)/> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Every invoice a run would create, a page at a time (a whole school is
/// hundreds): class, child and amount.
#[component]
fn PreviewRows(rows: Vec<(String, String, crate::domain::money::Vnd)>) -> impl IntoView {
    let page = RwSignal::new(0usize);
    let count = rows.len();
    let rows = StoredValue::new(rows);
    view! {
        <Pages count page/>
        <table class="mt-2 w-full text-left text-sm">
            <thead class="text-gray-600"><tr>
                <th class="py-1 pr-2">{tr("Lớp", "Class")}</th>
                <th class="py-1 pr-2">{tr("Học sinh", "Student")}</th>
                <th class="py-1 text-right">{tr("Phải nộp", "Due")}</th>
            </tr></thead>
            <tbody data-testid="run-preview-rows">
                {move || crate::paging::page_rows(rows.get_value(), page.get()).into_iter().map(|(n, c, t)| view! {
                    <tr class="border-t border-gray-100"><td class="py-1 pr-2">{c}</td><td class="pr-2">{n}</td><td class="text-right whitespace-nowrap">{t.to_string()}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// What a run's preview was asked for, kept with its answer.
#[derive(Clone, Debug, PartialEq)]
struct RunRequest {
    period: String,
    due: String,
    scope: RunScope,
}

impl RunRequest {
    /// "12/2026" however it was typed ("2026-12", "12/2026").
    fn period_label(&self) -> String {
        crate::domain::date::Month::parse_typed(&self.period)
            .map(|m| m.label())
            .unwrap_or_else(|_| self.period.trim().to_string())
    }
}

#[component]
fn InvoiceRun(school_id: i64) -> impl IntoView {
    let period = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let scope_kind = RwSignal::new("class".to_string());
    let scope_value = RwSignal::new(String::new());
    // The preview and the request it answered: "Phát hành" issues exactly
    // what was previewed, never what the fields say after an edit.
    let preview = RwSignal::new(None::<(RunPreview, RunRequest)>);
    let outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    // A field edited after the preview: the preview no longer describes the
    // form, so it goes (its button with it) until previewed again.
    Effect::new(move |first: Option<()>| {
        period.track();
        due.track();
        scope_kind.track();
        scope_value.track();
        if first.is_some() {
            preview.set(None);
        }
    });
    let request = move || RunRequest {
        period: period.get_untracked(),
        due: due.get_untracked(),
        scope: match scope_kind.get_untracked().as_str() {
            "school" => RunScope::School,
            "grade" => RunScope::Grade(scope_value.get_untracked().trim().parse().unwrap_or(-1)),
            _ => RunScope::Class(scope_value.get_untracked()),
        },
    };
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        outcome.set(None);
        let asked = request();
        spawn_local(async move {
            let r = preview_invoice_run(
                school_id,
                asked.period.clone(),
                asked.due.clone(),
                asked.scope.clone(),
            )
            .await;
            busy.set(false);
            // A field edited while the preview was on its way: this answer
            // describes a form that is gone.
            if request() != asked {
                return;
            }
            match r {
                Ok(p) => preview.set(Some((p, asked))),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let changes = super::workspace::Changes::here();
    let issue = move |_| {
        let Some((seen, asked)) = preview.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let r = commit_invoice_run(
                school_id,
                asked.period.clone(),
                asked.due.clone(),
                asked.scope.clone(),
                Some(seen.total),
            )
            .await;
            busy.set(false);
            match r {
                // The preview on screen no longer says what would be issued.
                Err(
                    e @ crate::error::AppError::InvalidInput(crate::error::Field::PreviewChanged),
                ) => {
                    preview.set(None);
                    outcome.set(Some(Outcome::Failed(e)));
                }
                Ok(p) => {
                    preview.set(None);
                    // The credits they used up, the lists that count them.
                    changes.announce();
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {} {} · {} · {} {} · {} {}",
                        tr("Đã phát hành", "Issued"),
                        p.new_invoices,
                        tr("hoá đơn", "invoices"),
                        asked.scope.label(tr),
                        tr("kỳ", "period"),
                        asked.period_label(),
                        tr("tổng", "total"),
                        p.total
                    ))));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="run-title">
            <h2 id="run-title" class=H2>{tr("Phát hành hoá đơn tháng", "Issue a month's invoices")}</h2>
            <form class="mt-2 grid gap-3 sm:grid-cols-4" on:submit=check>
                <Field id="run-period" label=tr("Kỳ thu (tháng/năm)", "Period (month/year)") value=period hint=tr("Ví dụ: 12/2026", "E.g. 12/2026")/>
                <Field id="run-due" label=tr("Hạn nộp", "Due date") value=due hint=tr("ngày/tháng/năm", "day/month/year")/>
                <div>
                    <label for="run-scope" class="block text-sm font-semibold">{tr("Phạm vi", "For")}</label>
                    <select id="run-scope" class=INPUT on:change=move |ev| scope_kind.set(event_target_value(&ev)) prop:value=move || scope_kind.get()>
                        <option value="class">{tr("Một lớp", "One class")}</option>
                        <option value="grade">{tr("Một khối", "One grade")}</option>
                        <option value="school">{tr("Cả trường", "Whole school")}</option>
                    </select>
                </div>
                <Field id="run-target" label=tr("Lớp hoặc khối", "Class or grade") value=scope_value/>
                <div class="sm:col-span-4">
                    <button type="submit" class=BUTTON prop:disabled=move || busy.get()>{tr("Xem trước", "Preview")}</button>
                </div>
            </form>
            {move || busy.get().then(|| view! { <progress class="mt-2 w-full" aria-label=tr("Đang tính…", "Working…")></progress> })}
            <OutcomeNotice outcome/>
            {move || preview.get().map(|(p, asked)| view! {
                <div class="mt-3" data-testid="run-preview">
                    <p class="text-sm text-gray-700">{format!("{} · {} {} · {} {}", asked.scope.label(tr), tr("kỳ", "period"), asked.period_label(),
                        tr("hạn nộp", "due"), asked.due.trim())}</p>
                    <p class="font-semibold">{format!("{} {} · {} {} · {} {} · {} {}", tr("Học sinh:", "Students:"), p.students,
                        tr("hoá đơn mới", "new invoices"), p.new_invoices, tr("đã có hoá đơn kỳ này", "already invoiced"), p.already_invoiced,
                        tr("tổng", "total"), p.total)}</p>
                    {p.due_passed.then(|| view! {
                        <p role="alert" class="mt-2 rounded-lg border border-amber-400 bg-amber-50 p-3 text-amber-950" data-testid="due-passed">{format!("{} {} {}",
                            tr("Hạn nộp", "The due date"), asked.due.trim(),
                            tr("đã qua: các hoá đơn sẽ quá hạn ngay khi phát hành. Hãy sửa hạn nộp nếu nhầm.",
                                "has passed: the invoices would be overdue as soon as issued. Correct the due date if it is a mistake."))}</p>
                    })}
                    // Nothing new to issue: said in words, not as an empty table.
                    {if p.new_invoices == 0 {
                        view! {
                            <p role="status" class="mt-2 rounded-lg border border-slate-300 bg-slate-50 p-3" data-testid="run-nothing-new">{format!("{} {} {}",
                                tr("Không có hoá đơn mới để phát hành:", "Nothing new to issue:"), p.already_invoiced,
                                tr("học sinh trong phạm vi này đã có hoá đơn kỳ này (xem ở mục Hoá đơn, thông báo).",
                                    "students in this scope already have this period's invoice (see Invoices)."))}</p>
                        }.into_any()
                    } else {
                        view! { <PreviewRows rows=p.rows.clone()/> }.into_any()
                    }}
                    {(p.new_invoices > 0).then(|| view! {
                        <button type="button" class=format!("{BUTTON} mt-3") on:click=issue prop:disabled=move || busy.get()>
                            {format!("{} {} {}", tr("Phát hành", "Issue"), p.new_invoices, tr("hoá đơn", "invoices"))}
                        </button>
                    })}
                </div>
            })}
        </section>
    }
}
