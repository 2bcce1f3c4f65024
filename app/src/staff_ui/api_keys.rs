//! Keys for the school's management software (the REST API under `/api/v1`):
//! made with a name and a scope, the secret shown once, revoked at any time.

use super::tr;
use super::widgets::*;
use crate::api::api_keys::{create_api_key, list_api_keys, revoke_api_key};
use crate::domain::date::Date;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ApiKeys(school_id: i64) -> impl IntoView {
    let keys = LocalResource::new(move || list_api_keys(school_id));
    let name = RwSignal::new(String::new());
    let can_write = RwSignal::new(false);
    let shown = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Outcome>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match create_api_key(school_id, name.get_untracked(), can_write.get_untracked()).await {
                Ok(k) => {
                    shown.set(Some(k.secret));
                    outcome.set(None);
                    keys.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let revoke = move |id: i64| {
        spawn_local(async move {
            match revoke_api_key(school_id, id).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(
                        tr("Đã thu hồi khoá.", "Key revoked.").into(),
                    )));
                    keys.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="api-keys-title">
            <h2 id="api-keys-title" class=H2>{tr("Kết nối phần mềm quản lý trường (API)", "School software connection (API)")}</h2>
            <p class="text-sm text-gray-700">{tr(
                "Khoá API cho phép phần mềm quản lý của trường đọc học sinh, khoản thu, hoá đơn, thanh toán và biên lai qua /api/v1, và nếu cho phép, ghi (cập nhật học sinh, khoản thu, lập hoá đơn tháng).",
                "An API key lets the school's software read students, fees, invoices, payments and receipts through /api/v1 and, if allowed, write (update students and fees, issue a month's invoices).")}
                " "<a class="text-teal-800 underline" href="/api/v1/docs" target="_blank" rel="noopener">{tr("Tài liệu API", "API reference")}</a></p>
            <form class="mt-2 flex flex-wrap items-end gap-3" on:submit=create>
                <div class="w-64"><Field id="api-key-name" label=tr("Tên khoá (phần mềm nào dùng)", "Key name (which software)") value=name/></div>
                <label class="flex min-h-11 items-center gap-2 text-sm">
                    <input type="checkbox" class="h-5 w-5" on:change=move |ev| can_write.set(event_target_checked(&ev))/>
                    {tr("Cho phép ghi (học sinh, khoản thu, lập hoá đơn)", "May write (students, fees, invoice runs)")}
                </label>
                <button type="submit" class=BUTTON>{tr("Tạo khoá", "Create key")}</button>
            </form>
            {move || shown.get().map(|secret| view! {
                <div class="mt-3 rounded-lg border-2 border-amber-400 bg-amber-50 p-3" data-testid="api-key-secret">
                    <p class="font-semibold text-amber-950">{tr("Chép khoá này ngay: nó chỉ hiện một lần.", "Copy this key now: it is shown once.")}</p>
                    <crate::ui::components::copy::CopyRow label=tr("Khoá API", "API key") value=secret/>
                </div>
            })}
            <OutcomeNotice outcome/>
            <ul class="mt-2 divide-y divide-gray-100 text-sm">
                {move || keys.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|k| {
                    let id = k.id;
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="api-key-row">
                            <span>
                                <span class="font-semibold">{k.name.clone()}</span>
                                {format!(" · {}… · {} · {} {}", k.prefix, if k.can_write { tr("đọc và ghi", "read and write") } else { tr("chỉ đọc", "read only") },
                                    tr("tạo", "created"), Date::moment_label(k.created_at))}
                                {k.last_used_at.map(|t| format!(" · {} {}", tr("dùng lần cuối", "last used"), Date::moment_label(t)))}
                            </span>
                            {match k.revoked_at {
                                Some(t) => view! { <span class="text-gray-600">{format!("{} {}", tr("đã thu hồi", "revoked"), Date::moment_label(t))}</span> }.into_any(),
                                None => view! { <button type="button" class=BUTTON_QUIET on:click=move |_| revoke(id)>{tr("Thu hồi", "Revoke")}</button> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
