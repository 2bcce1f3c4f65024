//! Guarding a school's receiving accounts, for the school and its office alike:
//! taking an account off every QR (or rejecting a pending one) with a reason,
//! and the history of every change to the accounts, read by both sides.

use super::tr;
use super::widgets::*;
use crate::api::registry::{account_history, suspend_account};
use leptos::prelude::*;

/// A reason and a button that suspends (or, for a pending account, rejects)
/// one account. `on_done` refreshes whatever lists the account.
#[component]
pub fn SuspendAccount(
    account_id: i64,
    /// Shown in the confirmation: bank, number, name.
    label: String,
    /// A pending account is rejected; a confirmed one suspended.
    pending: bool,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = OneAtATime::new();
    let (verb, done) = if pending {
        (tr("Từ chối", "Reject"), tr("Đã từ chối", "Rejected"))
    } else {
        (tr("Tạm ngưng", "Suspend"), tr("Đã tạm ngưng", "Suspended"))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let label = label.clone();
        busy.run(async move {
            match suspend_account(account_id, reason.get_untracked()).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!("{done} {label}"))));
                    reason.set(String::new());
                    on_done();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <form class="mt-2 flex flex-wrap items-end gap-2" on:submit=submit data-testid="suspend-account">
            <div class="grow">
                <Input id=format!("suspend-reason-{account_id}") label=tr("Lý do (cả trường và cơ quan quản lý đều xem được)", "Reason (the school and the office both see it)") value=reason/>
            </div>
            <button type="submit" class=BUTTON_QUIET disabled=move || busy.busy()>{verb}</button>
            <div class="w-full"><OutcomeNotice outcome/></div>
        </form>
    }
}

/// Every change to the school's receiving accounts, newest first.
#[component]
pub fn AccountHistory(school_id: i64, version: RwSignal<u32>) -> impl IntoView {
    let rows = LocalResource::new(move || {
        version.track();
        account_history(school_id)
    });
    view! {
        <details class="mt-3" data-testid="account-history">
            <summary class="min-h-11 cursor-pointer py-2 font-semibold text-slate-800">{tr("Lịch sử thay đổi tài khoản nhận tiền", "History of the receiving accounts")}</summary>
            {move || rows.get().map(|r| match r {
                Err(e) => view! { <LoadFailed error=e retry=move || rows.refetch()/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="text-sm text-gray-700">{tr("Chưa có thay đổi nào.", "No changes yet.")}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="divide-y divide-gray-100 text-sm">
                        {list.into_iter().map(|row| view! {
                            <li class="py-2">
                                <div>{crate::audit_text::sentence(tr, &row)}</div>
                                <div class="text-gray-700">{format!("{} · {}", crate::domain::date::Date::moment_label(row.at), crate::audit_text::actor(&row).unwrap_or_default())}
                                    {crate::audit_text::by_office_for_school(&row).then(|| tr(" (cơ quan quản lý làm thay vì trường chưa có kế toán)", " (the office, for a school with no accountant)"))}</div>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </details>
    }
}
