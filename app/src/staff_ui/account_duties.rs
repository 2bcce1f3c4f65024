//! Guarding a school's receiving accounts, for the school and its office alike:
//! taking an account off every QR (or rejecting a pending one) with a reason,
//! and the history of every change to the accounts, read by both sides.

use super::tr;
use super::widgets::*;
use crate::api::registry::{account_history, suspend_account};
use leptos::prelude::*;
use leptos::task::spawn_local;

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
    let busy = RwSignal::new(false);
    let (verb, done) = if pending {
        (tr("Từ chối", "Reject"), tr("Đã từ chối", "Rejected"))
    } else {
        (tr("Tạm ngưng", "Suspend"), tr("Đã tạm ngưng", "Suspended"))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let label = label.clone();
        spawn_local(async move {
            match suspend_account(account_id, reason.get_untracked()).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!("{done} {label}"))));
                    reason.set(String::new());
                    on_done();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="mt-2 flex flex-wrap items-end gap-2" on:submit=submit data-testid="suspend-account">
            <div class="grow">
                <Input id=format!("suspend-reason-{account_id}") label=tr("Lý do (cả trường và Phòng đều xem được)", "Reason (the school and the office both see it)") value=reason/>
            </div>
            <button type="submit" class=BUTTON_QUIET disabled=move || busy.get()>{verb}</button>
            <div class="w-full"><OutcomeNotice outcome/></div>
        </form>
    }
}

fn action_label(action: &str) -> &'static str {
    match action {
        "update" => tr("Thêm hoặc sửa", "Added or changed"),
        "confirm" => tr("Xác nhận", "Confirmed"),
        "suspend" => tr("Tạm ngưng", "Suspended"),
        "reject" => tr("Từ chối", "Rejected"),
        _ => tr("Thay đổi", "Changed"),
    }
}

/// What a history row's JSON says, in a line a person reads: the account, the
/// reason, and whether the office acted for a school without an accountant.
fn describe(after: Option<&str>) -> String {
    let Some(value) = after.and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()) else {
        return String::new();
    };
    let acting = value.get("acting_for_school_without_accountant").is_some();
    let change = value.get("change").unwrap_or(&value);
    let account = change.get("account").unwrap_or(change);
    let text =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    let mut parts: Vec<String> = [
        text(account, "account_number"),
        text(account, "account_name"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(reason) = text(change, "reason") {
        parts.push(format!("{} {reason}", tr("Lý do:", "Reason:")));
    }
    if acting {
        parts.push(
            tr(
                "(Phòng làm thay vì trường chưa có kế toán)",
                "(the office, for a school with no accountant)",
            )
            .into(),
        );
    }
    parts.join(" · ")
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
                Err(e) => view! { <OutcomeNotice outcome=RwSignal::new(Some(Outcome::Failed(e)))/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="text-sm text-gray-700">{tr("Chưa có thay đổi nào.", "No changes yet.")}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="divide-y divide-gray-100 text-sm">
                        {list.into_iter().map(|row| view! {
                            <li class="py-2">
                                <span class="font-semibold">{action_label(&row.action)}</span>
                                {format!(" · {} · {}", crate::domain::date::Date::moment_label(row.at), row.who.clone().unwrap_or_default())}
                                <div class="text-gray-700">{describe(row.after.as_deref())}</div>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </details>
    }
}
