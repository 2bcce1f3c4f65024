//! The start page: sign-in, then each role's home.

use super::widgets::*;
use super::workspace::{OfficePage, OfficeTask};
use super::{role_name, session, tr, Session};
use crate::api::staff_admin::{
    create_school, deactivate, reset_link, schools_overview, staff_list,
};
use crate::api::staff_auth::sign_in;
use crate::domain::office::{OfficeLevel, SchoolLevel};
use crate::domain::validate::slug_from_name;
use crate::staff::{Me, OneTimeLink, Role, StaffRow, REQUIRED_CASHLESS_METHODS};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn Home() -> impl IntoView {
    let Session(me) = session();
    move || {
        match me.get() {
        None => view! { <p class="py-8 text-center text-gray-600">{tr("Đang tải…", "Loading…")}</p> }.into_any(),
        Some(None) => view! { <SignIn/> }.into_any(),
        Some(Some(m)) => match (m.role, m.school_id) {
            (Role::Officer, _) => view! { <OfficerHome me=m/> }.into_any(),
            (_, Some(id)) => view! { <super::school::SchoolView school_id=id me=m task=Signal::stored(Some(super::workspace::Task::Home))/> }.into_any(),
            (_, None) => view! { <p>{tr("Tài khoản chưa gắn với trường nào.", "This account has no school.")}</p> }.into_any(),
        },
    }
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let Session(me) = session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.set(true);
        spawn_local(async move {
            let result = sign_in(username.get_untracked(), password.get_untracked()).await;
            pending.set(false);
            match result {
                Ok(m) => me.set(Some(Some(m))),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class="mx-auto mt-8 max-w-md">
            <h1 class="text-2xl font-bold">{tr("Đăng nhập", "Sign in")}</h1>
            <p class="mt-1 text-gray-700">{tr("Dành cho kế toán, giáo viên và cơ quan quản lý giáo dục (UBND xã/phường, Sở GD&ĐT).", "For accountants, teachers and education offices (communes and wards, the Department).")}</p>
            <form class=format!("{CARD} space-y-4") on:submit=submit>
                <Field id="username" label=tr("Tên đăng nhập", "User name") value=username autocomplete="username"/>
                <Field id="password" label=tr("Mật khẩu", "Password") value=password kind="password" autocomplete="current-password"/>
                <OutcomeNotice outcome/>
                <button type="submit" class=format!("{BUTTON} w-full") prop:disabled=move || pending.get()>
                    {tr("Đăng nhập", "Sign in")}
                </button>
                <p class="text-sm text-gray-600">
                    {tr("Quên mật khẩu? Hãy nhờ cơ quan quản lý của trường (với kế toán) hoặc kế toán của trường (với giáo viên) tạo đường dẫn đặt lại.",
                        "Forgot your password? Ask your school's supervising office (accountants) or your school's accountant (teachers) for a reset link.")}
                </p>
            </form>
        </section>
    }
}

#[component]
fn OfficerHome(me: Me) -> impl IntoView {
    let schools = LocalResource::new(schools_overview);
    // A Department's list names each school's own office (its ward, or the Department).
    let department = me.office_level == OfficeLevel::Department;
    let pending = LocalResource::new(crate::api::registry::pending_accounts);
    view! {
        <OfficePage current=OfficeTask::Schools>
        <p class="text-gray-700">{format!("{} · {} · {}", me.office_name, me.display_name, role_name(me.role))}</p>
        {move || pending.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|l| view! {
            <p class="mt-3 rounded-lg border border-amber-400 bg-amber-50 p-3 text-amber-950" data-testid="office-attention">
                <A href=OfficeTask::Accounts.href() attr:class="font-semibold underline">
                    {format!("{} {}", l.len(), tr("tài khoản nhận tiền chờ xác nhận", "receiving accounts await your confirmation"))}
                </A>
            </p>
        })}
        <p class="mt-3"><A href="/staff/dashboard" attr:class="inline-flex min-h-11 items-center rounded-lg bg-slate-800 px-4 font-semibold text-white">{tr("Bảng theo dõi thu không dùng tiền mặt", "Cashless collection dashboard")}</A></p>
        <section class=CARD aria-labelledby="schools-title">
            <h2 id="schools-title" class=H2>{tr("Danh sách trường", "List of schools")}</h2>
            <div class="mt-2 overflow-x-auto">
                <table class="w-full text-left text-sm">
                    <thead class="border-b text-gray-600">
                        <tr>
                            <th class="py-2 pr-2">{tr("Trường", "School")}</th>
                            <th class="py-2 pr-2">{tr("Phương thức không tiền mặt", "Cashless methods")}</th>
                            <th class="py-2 pr-2">{tr("Người liên hệ", "Contacts")}</th>
                            <th class="py-2 pr-2">{tr("Kế toán", "Accountants")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || schools.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|s| {
                            let ready = s.cashless_methods >= REQUIRED_CASHLESS_METHODS;
                            let methods_class = if ready { "py-2 pr-2 text-green-800" } else { "py-2 pr-2 font-semibold text-red-800" };
                            let has_contacts = s.contacts != 0;
                            let contacts_class = if has_contacts { "py-2 pr-2" } else { "py-2 pr-2 font-semibold text-red-800" };
                            let contacts_text = if has_contacts { s.contacts.to_string() } else { tr("chưa có", "none").to_string() };
                            view! {
                                <tr class="border-b border-gray-100">
                                    <td class="py-2 pr-2">
                                        <A href=format!("/staff/school/{}", s.id) attr:class="font-semibold text-slate-900 underline">{s.name.clone()}</A>
                                        <div class="text-xs text-gray-600">{format!("/s/{}", s.slug)}</div>
                                        {department.then(|| view! { <div class="text-xs text-gray-700" data-testid="school-office">{s.office.clone()}</div> })}
                                    </td>
                                    <td class=methods_class>
                                        {format!("{}/4", s.cashless_methods)}
                                        {(!ready).then(|| format!(" · {}", tr("chưa đủ 3", "fewer than 3")))}
                                        <div class="text-xs font-normal text-gray-700" data-testid="ready-methods">
                                            {s.ready_methods.iter().map(|m| short_method(*m)).collect::<Vec<_>>().join(" · ")}
                                        </div>
                                    </td>
                                    <td class=contacts_class>{contacts_text}</td>
                                    <td class="py-2 pr-2">{s.accountants}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <CreateSchool office_level=me.office_level on_created=move || schools.refetch()/>
        </OfficePage>
    }
}

/// The office's page of receiving accounts awaiting its confirmation.
#[component]
pub fn OfficeAccounts() -> impl IntoView {
    view! { <OfficePage current=OfficeTask::Accounts><PendingAccounts/></OfficePage> }
}

/// The office's page of the schools' accountants: reset links, deactivation.
#[component]
pub fn OfficeAccountants() -> impl IntoView {
    view! { <OfficePage current=OfficeTask::Accountants><ManagedStaff title=tr("Tài khoản kế toán", "Accountant accounts")/></OfficePage> }
}

/// The registry of official accounts: the office confirms each school's
/// receiving account before parents' QR codes may use it.
#[component]
fn PendingAccounts() -> impl IntoView {
    use crate::api::registry::{confirm_account, pending_accounts};
    let pending = LocalResource::new(pending_accounts);
    let outcome = RwSignal::new(None::<Outcome>);
    let confirm = move |id: i64, label: String| {
        spawn_local(async move {
            match confirm_account(id).await {
                Ok(_) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {label}",
                        tr("Đã xác nhận", "Confirmed")
                    ))));
                    pending.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="pending-accounts-title">
            // The page's title already says it: named for screen readers only.
            <h2 id="pending-accounts-title" class="sr-only">{tr("Tài khoản chờ xác nhận", "Accounts awaiting confirmation")}</h2>
            <p class="text-sm text-gray-700">{tr(
                "Chỉ xác nhận sau khi đối chiếu với văn bản của nhà trường (tên và số tài khoản đúng như ngân hàng ghi). Tài khoản đã xác nhận được công bố công khai và dùng cho mã QR.",
                "Confirm only after checking the school's written notice (name and number exactly as the bank holds them). Confirmed accounts are published and used in QR codes.")}</p>
            {move || pending.get().map(|r| match r {
                Err(e) => view! { <LoadFailed error=e retry=move || pending.refetch()/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="mt-2 text-green-800">{tr("Không có tài khoản nào chờ xác nhận.", "No account awaits confirmation.")}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="mt-2 divide-y divide-gray-100">
                        {list.into_iter().map(|a| {
                            let label = format!("{} · {} · {} · {}", a.school, a.bank_short_name, a.account_number, a.account_name);
                            let shown = label.clone();
                            view! {
                                <li class="py-2" data-testid="pending-account">
                                    <div class="flex flex-wrap items-center justify-between gap-2">
                                        <span>{shown.clone()}</span>
                                        <button type="button" class=BUTTON on:click=move |_| confirm(a.id, label.clone())>{tr("Xác nhận", "Confirm")}</button>
                                    </div>
                                    <super::account_duties::SuspendAccount account_id=a.id label=shown pending=true
                                        on_done=move || pending.refetch()/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <OutcomeNotice outcome/>
            <p class="mt-2 text-sm"><a class="inline-flex min-h-11 items-center text-slate-800 underline" href="/tai-khoan" rel="external">{tr("Xem danh sách công khai", "See the public registry")}</a></p>
        </section>
    }
}

#[component]
fn CreateSchool(
    office_level: OfficeLevel,
    on_created: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Only the levels this office supervises: a ward makes preschools, primary and
    // lower-secondary schools; the Department makes THPTs.
    let levels: Vec<SchoolLevel> = SchoolLevel::ALL
        .into_iter()
        .filter(|l| l.supervised_by() == office_level)
        .collect();
    let others = match office_level {
        OfficeLevel::Department => tr(
            "Trường mầm non, tiểu học, trung học cơ sở do UBND xã/phường nơi trường đặt trụ sở tạo.",
            "Preschools, primary and lower-secondary schools are added by their commune or ward.",
        ),
        OfficeLevel::Commune => tr(
            "Trường trung học phổ thông do Sở GD&ĐT tạo.",
            "Upper-secondary schools are added by the Department of Education.",
        ),
    };
    let name = RwSignal::new(String::new());
    let slug = RwSignal::new(String::new());
    let legal_name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let tax_code = RwSignal::new(String::new());
    let level = RwSignal::new(
        levels
            .first()
            .map(|l| l.as_str())
            .unwrap_or_default()
            .to_string(),
    );
    let outcome = RwSignal::new(None);
    // The page address follows the name until someone edits it.
    Effect::new(move |_| {
        let n = name.get();
        slug.set(slug_from_name(&n));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            let result = create_school(
                name.get_untracked(),
                legal_name.get_untracked(),
                slug.get_untracked(),
                address.get_untracked(),
                tax_code.get_untracked(),
                level.get_untracked(),
            )
            .await;
            match result {
                Ok(_) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {}",
                        tr("Đã tạo trường", "Created"),
                        name.get_untracked()
                    ))));
                    on_created();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="new-school-title">
            <h2 id="new-school-title" class=H2>{tr("Thêm trường", "Add a school")}</h2>
            <form class="mt-2 grid gap-3 sm:grid-cols-2" on:submit=submit>
                <Field id="school-name" label=tr("Tên trường", "School name") value=name/>
                <Field id="school-slug" label=tr("Địa chỉ trang cho phụ huynh", "Parents' page address") value=slug
                    hint=tr("Phụ huynh mở /s/<địa chỉ>", "Parents open /s/<address>")/>
                <Field id="school-legal" label=tr("Tên đơn vị đầy đủ", "Full legal name") value=legal_name/>
                <Field id="school-tax" label=tr("Mã số thuế", "Tax code") value=tax_code/>
                <Field id="school-address" label=tr("Địa chỉ", "Address") value=address/>
                <div>
                    <label for="school-level" class="block text-sm font-semibold">{tr("Cấp học", "Level")}</label>
                    <select id="school-level" class=INPUT aria-describedby="school-level-hint" on:change=move |ev| level.set(event_target_value(&ev)) prop:value=move || level.get()>
                        {levels.into_iter().map(|l| {
                            let (vi, en) = l.words();
                            view! { <option value=l.as_str()>{tr(vi, en)}</option> }
                        }).collect_view()}
                    </select>
                    <p id="school-level-hint" class="mt-1 text-xs text-gray-700">{others}</p>
                </div>
                <div class="sm:col-span-2">
                    <OutcomeNotice outcome/>
                    <button type="submit" class=format!("{BUTTON} mt-2")>{tr("Thêm trường", "Add school")}</button>
                </div>
            </form>
        </section>
    }
}

/// The people the signed-in user manages, with reset links and deactivation.
#[component]
pub fn ManagedStaff(title: &'static str) -> impl IntoView {
    let list = LocalResource::new(staff_list);
    let outcome = RwSignal::new(None);
    let link = RwSignal::new(None::<(String, OneTimeLink)>);
    let reset = move |row: StaffRow| {
        spawn_local(async move {
            match reset_link(row.id).await {
                Ok(l) => link.set(Some((row.display_name, l))),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let stop = move |row: StaffRow| {
        let ask = format!(
            "{} {}?",
            tr("Ngừng hoạt động tài khoản của", "Deactivate the account of"),
            row.display_name
        );
        if !web_sys::window()
            .and_then(|w| w.confirm_with_message(&ask).ok())
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            match deactivate(row.id).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {}",
                        tr("Đã ngừng hoạt động:", "Deactivated:"),
                        row.display_name
                    ))));
                    list.refetch();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD>
            <h2 class=H2>{title}</h2>
            <ul class="mt-2 divide-y divide-gray-100">
                {move || list.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|row| {
                    let (r1, r2) = (row.clone(), row.clone());
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 py-2">
                            <div>
                                <div class="font-semibold">{row.display_name.clone()}
                                    {(!row.active).then(|| view! { <span class="ml-2 text-sm text-red-800">{tr("(đã ngừng)", "(deactivated)")}</span> })}
                                </div>
                                <div class="text-sm text-gray-600">{format!("{} · {}", row.username, row.school_name.clone().unwrap_or_default())}</div>
                            </div>
                            {row.active.then(|| view! {
                                <div class="flex gap-2">
                                    <button type="button" class=BUTTON_QUIET on:click=move |_| reset(r1.clone())>{tr("Đặt lại mật khẩu", "Reset password")}</button>
                                    <button type="button" class=BUTTON_QUIET on:click=move |_| stop(r2.clone())>{tr("Ngừng hoạt động", "Deactivate")}</button>
                                </div>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || link.get().map(|(who, l)| view! {
                <LinkBox link=l note=tr("Gửi đường dẫn này cho người cần đặt lại mật khẩu. Dùng được một lần, trong 3 ngày.",
                    "Give this link to the person resetting their password. It works once, for 3 days.")/>
                <p class="sr-only">{who}</p>
            })}
            <OutcomeNotice outcome/>
        </section>
    }
}

/// A method's short name, for the office's table.
pub(super) fn short_method(m: crate::staff::PaymentMethod) -> &'static str {
    use crate::staff::PaymentMethod::*;
    match m {
        QrTransfer => "VietQR",
        Website => tr("Website", "Website"),
        MobileMoney => "Mobile Money",
        CardPos => tr("Thẻ POS", "Card POS"),
        Cash => tr("Tiền mặt", "Cash"),
    }
}
