//! A school's page for its staff: profile, bank accounts, payment methods,
//! contacts, teachers, students and the change log. Teachers see it read-only.

use super::home::ManagedStaff;
use super::widgets::*;
use super::workspace::{Attention, Changes, SetupWarnings, Task, TaskNav};
use super::{session, tr, Session};
use crate::api::school_setup::{
    load_school_profile, save_account, save_contacts, save_school_details, save_school_logo,
    set_methods,
};
use crate::api::staff_admin::invite;
use crate::api::students::{list_students, mark_student_left, save_student};
use crate::domain::banks;
use crate::staff::{cashless_ready, Contact, Me, PaymentMethod, Role, SchoolProfile, StudentRow};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SchoolPage() -> impl IntoView {
    let Session(me) = session();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    // The page under the school: `None` for an address that names no task.
    let task = Memo::new(move |_| match params.read().get("task") {
        None => Some(Task::Home),
        Some(slug) => Task::from_slug(&slug),
    });
    move || match me.get() {
        None => view! { <p class="py-8">{tr("Đang tải…", "Loading…")}</p> }.into_any(),
        Some(None) => view! { <super::home::Home/> }.into_any(),
        Some(Some(m)) => {
            view! { <SchoolView school_id=id.get() me=m task=task.into()/> }.into_any()
        }
    }
}

fn method_name(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::QrTransfer => tr(
            "Chuyển khoản bằng mã QR (VietQR)",
            "QR bank transfer (VietQR)",
        ),
        PaymentMethod::Website => tr(
            "Thanh toán qua website (cổng thanh toán)",
            "Website payment (gateway)",
        ),
        PaymentMethod::MobileMoney => tr("Mobile Money / ví điện tử", "Mobile Money / e-wallet"),
        PaymentMethod::CardPos => tr("Thẻ qua máy POS", "Card at a POS terminal"),
        PaymentMethod::Cash => tr(
            "Tiền mặt (không tính là không dùng tiền mặt)",
            "Cash (not counted as cashless)",
        ),
    }
}

/// What the last save on the settings page did, shown at the bottom of the
/// screen where it is seen whichever section was saved.
#[derive(Clone, Copy)]
struct Flash(RwSignal<Option<Outcome>>);

impl Flash {
    fn done(self, message: impl Into<String>) {
        self.0.set(Some(Outcome::Done(message.into())));
    }
}

#[component]
pub fn SchoolView(school_id: i64, me: Me, task: Signal<Option<Task>>) -> impl IntoView {
    // Read again on every page: a payment at the office changes the methods'
    // readiness that the settings page shows.
    let profile = LocalResource::new(move || {
        task.track();
        load_school_profile(school_id)
    });
    // The last profile read. A save reads it again and the sections that show
    // it follow, but the page is not drawn again: what was typed, unsaved, in
    // another form stays. A failed re-read keeps the last good one.
    let live = Memo::new(
        move |last: Option<&Option<SchoolProfile>>| match profile.get() {
            Some(Ok(p)) => Some(p),
            _ => last.cloned().flatten(),
        },
    );
    let loaded = Memo::new(move |_| live.with(Option::is_some));
    let me_for_view = me.clone();
    let flashed = RwSignal::new(None);
    provide_context(Flash(flashed));
    Changes::provide();
    // What the last save did belongs to its page: another page starts clean.
    Effect::new(move |_| {
        task.track();
        flashed.set(None);
    });
    view! {
        <div class="fixed inset-x-0 bottom-2 z-10 mx-auto max-w-xl px-4">
            <OutcomeNotice outcome=flashed/>
        </div>
        {move || {
            if loaded.get() {
                let me = me_for_view.clone();
                // `loaded` turns true once and `live` never goes back to none.
                let shown = Signal::derive(move || live.get().expect("the profile was read"));
                return view! { <Workspace profile=shown me task=task.get() refresh=move || profile.refetch()/> }.into_any();
            }
            match profile.get() {
                Some(Err(e)) => view! { <OutcomeNotice outcome=RwSignal::new(Some(Outcome::Failed(e)))/> }.into_any(),
                _ => view! { <p class="py-8">{tr("Đang tải…", "Loading…")}</p> }.into_any(),
            }
        }}
    }
}

/// The school's name, the menu, and the page of the task at hand.
#[component]
fn Workspace(
    profile: Signal<SchoolProfile>,
    me: Me,
    task: Option<Task>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (id, name, has_accountant) =
        profile.with_untracked(|p| (p.id, p.name.clone(), p.has_accountant));
    let nav_me = me.clone();
    let role = me.role;
    let current = task.unwrap_or(Task::Home);
    // The office, at a school that has its own accountant: it reads.
    let office_reads = role == Role::Officer && has_accountant;
    let page = {
        let me = me.clone();
        match task {
            // The menu stays, so a mistyped or outdated address still leads somewhere.
            None => view! { <p class="py-8 text-lg">{tr("Không tìm thấy trang này.", "Page not found.")}</p> }.into_any(),
            Some(t) if !Task::for_staff(me.role, has_accountant).contains(&t) => view! {
                <p class="py-8 text-lg">{tr("Trang này dành cho kế toán của trường.", "This page is for the school's accountant.")}</p>
            }.into_any(),
            Some(t) => view! { <TaskPage task=t profile me refresh/> }.into_any(),
        }
    };
    view! {
        <div class="lg:flex lg:gap-6">
            <TaskNav school_id=id me=nav_me current school_has_accountant=has_accountant/>
            <div class="min-w-0 flex-1">
                <p class="mt-4 text-sm text-gray-700 lg:mt-6" data-testid="school-name">{name}</p>
                <h1 class="text-2xl font-bold">{current.label_for(role)}</h1>
                {office_reads.then(|| view! {
                    <p class="mt-2 rounded-lg bg-sky-100 p-3 text-sky-900" data-testid="office-reads">{tr(
                        "Trường đã có kế toán: cơ quan quản lý xem số liệu, tài khoản và nhật ký; các thay đổi do kế toán của trường thực hiện.",
                        "The school has its own accountant: the office reads figures, accounts and the log; the accountant makes the changes.")}</p>
                })}
                {page}
            </div>
        </div>
    }
}

/// One part of the profile, as a memo: drawn again only when that part changed,
/// not after every save on the page.
fn part<T: Clone + PartialEq + Send + Sync + 'static>(
    profile: Signal<SchoolProfile>,
    read: fn(&SchoolProfile) -> T,
) -> Signal<T> {
    Signal::from(Memo::new(move |_| profile.with(read)))
}

/// One task's sections.
#[component]
fn TaskPage(
    task: Task,
    profile: Signal<SchoolProfile>,
    me: Me,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (id, slug, has_accountant) =
        profile.with_untracked(|p| (p.id, p.slug.clone(), p.has_accountant));
    let accountant = me.role == Role::Accountant;
    // The office changes a school's settings only while it has no accountant.
    let can_edit = !(me.role == Role::Officer && has_accountant);
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    // What the school still lacks follows each save on the page. Memos: a part
    // is drawn again only when it changed, not after every save of the page.
    let methods_ready: Signal<bool> = part(profile, |p| {
        crate::staff::cashless_ready_count(&p.readiness) >= crate::staff::REQUIRED_CASHLESS_METHODS
    });
    let has_contacts: Signal<bool> = part(profile, |p| !p.contacts.is_empty());
    // Forms start from what was saved when the page opened; after a save they
    // already hold what was saved.
    let saved = profile.get_untracked();
    let parents_link = view! {
        <div class="mt-3">
            <crate::ui::components::copy::CopyRow label=tr("Đường dẫn cho phụ huynh (gửi vào nhóm lớp)", "Parents' link (share in class groups)")
                value=format!("{origin}/s/{slug}")/>
        </div>
    };
    match task {
        // A teacher's home is their class.
        Task::Home if me.role == Role::Teacher => view! {
            {parents_link}
            <super::class::ClassSection school_id=id/>
        }.into_any(),
        Task::Home => view! {
            <Attention school_id=id methods_ready has_contacts/>
            {parents_link}
        }.into_any(),
        Task::Students if me.role == Role::Teacher => view! { <Students school_id=id can_edit=false/> }.into_any(),
        Task::Students => view! {
            <super::class::ClassSection school_id=id manage=can_edit/>
            <super::import::ImportStudents school_id=id/>
            <Students school_id=id can_edit=true/>
            <super::new_year::NewYear school_id=id/>
            <super::privacy::Privacy school_id=id/>
        }.into_any(),
        Task::Fees => view! { <super::billing::Billing school_id=id/> }.into_any(),
        Task::Invoices => view! { <super::invoices::InvoiceList school_id=id/> }.into_any(),
        Task::Reconcile => view! { <super::reconcile::Reconcile school_id=id/> }.into_any(),
        Task::Office => view! { <super::office::OfficePayments school_id=id/> }.into_any(),
        Task::Receipts => view! { <super::receipts::Receipts school_id=id/> }.into_any(),
        Task::Complaints => view! { <super::complaints::Complaints school_id=id can_edit=true/> }.into_any(),
        Task::Reports => view! { <super::dashboard::SchoolFigures school_id=id can_submit=accountant/> }.into_any(),
        Task::School => view! {
            <SetupWarnings methods_ready has_contacts link=None/>
            <Details profile=saved.clone() can_edit refresh/>
            <Logo school_id=id slug has_logo=part(profile, |p| p.has_logo) can_edit refresh/>
            <super::certificate::Certificate school_id=id can_edit/>
            <Accounts school_id=id accounts=part(profile, |p| p.accounts.clone()) can_edit refresh/>
            <Methods school_id=id current=saved.methods.clone() readiness=part(profile, |p| p.readiness.clone()) can_edit refresh/>
            <Contacts school_id=id current=saved.contacts.clone() can_edit refresh/>
            {can_edit.then(|| view! { <super::office::GatewaySetup school_id=id current=part(profile, |p| p.gateway_merchant.clone()) refresh/> })}
        }.into_any(),
        Task::Staff if accountant => view! {
            <InviteBox school_id=id role=Role::Teacher/>
            <ManagedStaff title=tr("Giáo viên", "Teachers")/>
            <AssignTeacher school_id=id/>
        }.into_any(),
        Task::Staff => view! { <InviteBox school_id=id role=Role::Accountant/> }.into_any(),
        Task::Connections => view! {
            <super::api_keys::ApiKeys school_id=id/>
            <super::webhooks::Webhooks school_id=id/>
        }.into_any(),
        Task::Log => view! { <super::change_log::AuditList school_id=Some(id)/> }.into_any(),
    }
}

#[component]
fn Details(
    profile: SchoolProfile,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let legal_name = RwSignal::new(profile.legal_name.clone());
    let address = RwSignal::new(profile.address.clone());
    let tax_code = RwSignal::new(profile.tax_code.clone());
    let receipt_form = RwSignal::new(profile.receipt_form_number.clone());
    let receipt_series = RwSignal::new(profile.receipt_series.clone());
    let outcome = RwSignal::new(None);
    let id = profile.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Read before the request: the page may be gone when it answers.
        let (name_now, address_now) = (legal_name.get_untracked(), address.get_untracked());
        let (form_now, series_now) = (receipt_form.get_untracked(), receipt_series.get_untracked());
        let numbering = if form_now.trim().is_empty() && series_now.trim().is_empty() {
            tr("biên lai đánh số của hocphi", "receipts numbered by hocphi").to_string()
        } else {
            format!(
                "{} {} · {} {}",
                tr("biên lai mẫu số", "receipt form"),
                form_now.trim().to_uppercase(),
                tr("ký hiệu", "series"),
                series_now.trim().to_uppercase()
            )
        };
        spawn_local(async move {
            match save_school_details(
                id,
                legal_name.get_untracked(),
                address.get_untracked(),
                tax_code.get_untracked(),
                form_now,
                series_now,
            )
            .await
            {
                Ok(()) => {
                    flash.done(format!(
                        "{} {name_now} · {address_now} · {numbering}",
                        tr("Đã lưu thông tin đơn vị:", "Details saved:"),
                    ));
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="details-title">
            <h2 id="details-title" class=H2>{tr("Thông tin đơn vị", "School details")}</h2>
            <form class="mt-2 grid gap-3 sm:grid-cols-2" on:submit=submit>
                <Field id="legal-name" label=tr("Tên đơn vị đầy đủ", "Full legal name") value=legal_name/>
                <Field id="tax-code" label=tr("Mã số thuế", "Tax code") value=tax_code/>
                <div class="sm:col-span-2"><Field id="address" label=tr("Địa chỉ", "Address") value=address/></div>
                // Printed on receipts only when the school registered them: a
                // code that looks like a registration must be one.
                <Field id="receipt-form" label=tr("Mẫu số biên lai đã đăng ký (nếu có)", "Registered receipt form (if any)") value=receipt_form
                    hint=tr("Đúng như thông báo phát hành biên lai với cơ quan thuế, ví dụ 01BLP0-001. Để trống nếu trường chưa đăng ký: biên lai chỉ mang số của hocphi.",
                        "Exactly as in the school's notice to the tax office, e.g. 01BLP0-001. Leave empty if the school registered none: receipts then carry hocphi's number only.")/>
                <Field id="receipt-series" label=tr("Ký hiệu biên lai đã đăng ký (nếu có)", "Registered receipt series (if any)") value=receipt_series
                    hint=tr("Ví dụ AA/26E. Cần điền cùng mẫu số.", "E.g. AA/26E. Goes with the form.")/>
                {can_edit.then(|| view! {
                    <div class="sm:col-span-2">
                        <OutcomeNotice outcome/>
                        <button type="submit" class=format!("{BUTTON} mt-2")>{tr("Lưu", "Save")}</button>
                    </div>
                })}
            </form>
        </section>
    }
}

#[component]
fn Logo(
    school_id: i64,
    slug: String,
    has_logo: Signal<bool>,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let outcome = RwSignal::new(None);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let id = school_id;
    // A new logo at the same address: the image is asked for again after a save.
    let version = RwSignal::new(0u32);
    let upload = move |_| {
        let Some(input) = input_ref.get() else { return };
        let input: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(input);
        spawn_local(async move {
            let Some(b64) = super::import::read_file(&input).await else {
                return;
            };
            match save_school_logo(id, b64).await {
                Ok(()) => {
                    flash.done(tr("Đã lưu biểu trưng.", "Logo saved."));
                    version.update(|v| *v += 1);
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="logo-title">
            <h2 id="logo-title" class=H2>{tr("Biểu trưng", "Logo")}</h2>
            {move || if has_logo.get() {
                let src = match version.get() {
                    0 => format!("/logo/{slug}"),
                    v => format!("/logo/{slug}?v={v}"),
                };
                view! { <img src=src alt=tr("Biểu trưng của trường", "The school's logo") class="mt-2 h-20 w-20 object-contain"/> }.into_any()
            } else {
                view! { <p class="text-sm text-gray-600">{tr("Chưa có biểu trưng.", "No logo yet.")}</p> }.into_any()
            }}
            {can_edit.then(|| view! {
                <div class="mt-2 flex flex-wrap items-end gap-3">
                    <div>
                        <label for="logo-file" class="block text-sm font-semibold">{tr("Ảnh PNG, JPEG hoặc WebP, tối đa 200 KB", "PNG, JPEG or WebP, at most 200 KB")}</label>
                        <input id="logo-file" type="file" accept="image/png,image/jpeg,image/webp" node_ref=input_ref class=FILE_INPUT/>
                    </div>
                    <button type="button" class=BUTTON on:click=upload>{tr("Lưu biểu trưng", "Save logo")}</button>
                </div>
                <OutcomeNotice outcome/>
            })}
        </section>
    }
}

#[component]
fn Accounts(
    school_id: i64,
    accounts: Signal<Vec<crate::staff::BeneficiaryAccount>>,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let bin = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    // Deliberate: a new account replaces the one on every QR only when ticked
    // (the school's first account is the default anyway).
    let make_default = RwSignal::new(accounts.with_untracked(Vec::is_empty));
    let bank_search = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let pending = OneAtATime::new();
    let id = school_id;
    // The account whose "make it the default" waits for a second, explicit yes.
    let confirming = RwSignal::new(None::<i64>);
    let history = RwSignal::new(0u32);
    let changed = move || {
        history.update(|v| *v += 1);
        refresh();
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.run(async move {
            let (chosen_bin, typed_number, holder, as_default) = (
                bin.get_untracked(),
                number.get_untracked(),
                name.get_untracked(),
                make_default.get_untracked(),
            );
            let r = save_account(
                id,
                chosen_bin.clone(),
                typed_number.clone(),
                holder,
                as_default,
            )
            .await;
            match r {
                Ok(()) => {
                    // Which account, as saved, and what happens next.
                    let bank = banks::by_bin(&chosen_bin)
                        .map(|b| b.short_name)
                        .unwrap_or_default();
                    let number = crate::domain::validate::account_number(&typed_number)
                        .unwrap_or(typed_number);
                    flash.done(format!(
                        "{} {bank} · {number}{}. {}",
                        tr("Đã lưu tài khoản", "Account saved:"),
                        if as_default {
                            tr(" (mặc định)", " (default)")
                        } else {
                            ""
                        },
                        tr(
                            "Xem trạng thái xác nhận trong danh sách phía trên.",
                            "See its confirmation in the list above."
                        )
                    ));
                    // The next account is another one: it becomes the default only when ticked.
                    make_default.set(false);
                    changed();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    // The same account saved again as the default: its name is unchanged, so
    // its confirmation stands.
    let make_it_default = move |bin: String, number: String, holder: String, label: String| {
        pending.run(async move {
            match save_account(id, bin, number, holder, true).await {
                Ok(()) => {
                    flash.done(format!(
                        "{} {label}. {}",
                        tr(
                            "Tài khoản mặc định bây giờ là",
                            "The default account is now"
                        ),
                        tr(
                            "Mã QR trên hoá đơn dùng tài khoản này.",
                            "Invoice QR codes use this account."
                        )
                    ));
                    changed();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="accounts-title">
            <h2 id="accounts-title" class=H2>{tr("Tài khoản nhận tiền", "Receiving accounts")}</h2>
            <p class="text-sm text-gray-600">{tr("Mã QR trên hoá đơn dùng tài khoản mặc định, khi cơ quan quản lý đã xác nhận. Đổi tên tài khoản thì cần xác nhận lại.", "Invoice QR codes use the default account once the supervising office confirmed it. A changed account name needs confirming again.")}</p>
            <ul class="mt-2 divide-y divide-gray-100">
                {move || accounts.get().into_iter().map(|a| view! {
                    <li class="py-2" data-testid="account-row">
                        <span class="font-semibold">{format!("{} · {}", a.bank_short_name, a.account_number)}</span>
                        <span class="ml-2 text-gray-700">{a.account_name.clone()}</span>
                        {a.is_default.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-2 text-sm" data-testid="default-badge">{tr("mặc định", "default")}</span> })}
                        <div class="text-sm" data-testid="account-status">
                            {match (&a.suspended, &a.confirmed) {
                                (Some((s, why)), _) => view! { <span class="font-semibold text-red-800">{format!("{} {} · {}: {why}. {}", tr("Đã tạm ngưng", "Suspended"),
                                    crate::domain::date::Date::moment_label(s.at), s.by, tr("Không dùng cho mã QR; lưu lại tài khoản để xin xác nhận lại.", "Not used in QR codes; save the account again to ask for a new confirmation."))}</span> }.into_any(),
                                (None, Some(c)) => view! { <span class="text-green-800">{format!("✓ {} {} · {}", tr("Cơ quan quản lý đã xác nhận", "Confirmed by the supervising office"),
                                    crate::domain::date::Date::moment_label(c.at), c.by)}</span> }.into_any(),
                                (None, None) => view! { <span class="font-semibold text-amber-800">{tr("Chờ cơ quan quản lý xác nhận: chưa dùng cho mã QR", "Awaiting the supervising office's confirmation: not used in QR codes yet")}</span> }.into_any(),
                            }}
                        </div>
                        {(can_edit && a.suspended.is_none() && !a.is_default).then(|| {
                            let (bin, number, holder) = (a.bin.clone(), a.account_number.clone(), a.account_name.clone());
                            let label = format!("{} · {}", a.bank_short_name, a.account_number);
                            let shown = label.clone();
                            let account = a.id;
                            // Where every parent's money goes: asked once more, in words, before it moves.
                            view! {
                                {move || if confirming.get() == Some(account) {
                                    let (bin, number, holder, label) = (bin.clone(), number.clone(), holder.clone(), label.clone());
                                    view! {
                                        <div class="mt-1 rounded-lg border border-amber-400 bg-amber-50 p-2 text-sm text-amber-950" data-testid="confirm-default">
                                            <p>{format!("{} {shown}. {}", tr("Mã QR trên mọi hoá đơn từ nay sẽ chuyển tiền vào", "From now on every invoice's QR pays into"),
                                                tr("Bạn có chắc muốn đổi tài khoản mặc định?", "Change the default account?"))}</p>
                                            <div class="mt-1 flex flex-wrap gap-2">
                                                <button type="button" class=BUTTON on:click=move |_| {
                                                    confirming.set(None);
                                                    make_it_default(bin.clone(), number.clone(), holder.clone(), label.clone())
                                                }>{tr("Đổi tài khoản mặc định", "Change the default account")}</button>
                                                <button type="button" class=BUTTON_QUIET on:click=move |_| confirming.set(None)>{tr("Không", "No")}</button>
                                            </div>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="min-h-11 px-1 text-sm underline" on:click=move |_| confirming.set(Some(account))>
                                            {tr("Dùng làm tài khoản mặc định", "Make it the default")}</button>
                                    }.into_any()
                                }}
                            }
                        })}
                        {(can_edit && a.suspended.is_none()).then(|| view! {
                            <super::account_duties::SuspendAccount
                                account_id=a.id
                                label=format!("{} · {}", a.bank_short_name, a.account_number)
                                pending=a.confirmed.is_none()
                                on_done=changed/>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            <super::account_duties::AccountHistory school_id=id version=history/>
            {can_edit.then(|| view! {
                <form class="mt-3 grid gap-3 sm:grid-cols-2" on:submit=submit>
                    <BankPicker bin search=bank_search/>
                    <div>
                        <Field id="account-number" label=tr("Số tài khoản", "Account number") value=number/>
                        {move || {
                            let typed = number.get();
                            (!typed.trim().is_empty()).then(|| match crate::domain::validate::account_number(&typed) {
                                Some(n) => view! { <p class="mt-1 text-sm text-gray-800" data-testid="account-number-read">{format!("= {n}")}</p> }.into_any(),
                                None => view! { <p class="mt-1 text-sm font-semibold text-red-800" data-testid="account-number-read">{tr(
                                    "Số tài khoản chỉ gồm chữ số, từ 6 đến 19 số.", "An account number is 6 to 19 digits only.")}</p> }.into_any(),
                            })
                        }}
                    </div>
                    <Field id="account-name" label=tr("Tên tài khoản (đúng như ngân hàng ghi)", "Account name (exactly as the bank holds it)") value=name/>
                    <label class="flex min-h-11 items-center gap-2 self-end">
                        <input type="checkbox" class="h-5 w-5" prop:checked=move || make_default.get()
                            on:change=move |ev| make_default.set(event_target_checked(&ev))/>
                        {tr("Dùng làm tài khoản mặc định (mã QR trên mọi hoá đơn sẽ dùng tài khoản này)",
                            "Make this the default account (every invoice's QR will use it)")}
                    </label>
                    <div class="sm:col-span-2">
                        <OutcomeNotice outcome/>
                        <button type="submit" class=format!("{BUTTON} mt-2") prop:disabled=move || pending.busy()>{tr("Lưu tài khoản", "Save account")}</button>
                    </div>
                </form>
            })}
        </section>
    }
}

/// The bank, found by typing part of its name or BIN: common banks first,
/// wallets and finance companies apart, each institution once, and the chosen
/// bank's full name spelled out before saving.
#[component]
fn BankPicker(bin: RwSignal<String>, search: RwSignal<String>) -> impl IntoView {
    let chosen = move || banks::by_bin(&bin.get());
    view! {
        <div class="sm:col-span-2 grid gap-3 sm:grid-cols-2">
            <div>
                <label for="bank-search" class="block text-sm font-semibold text-gray-900">{tr("Tìm ngân hàng", "Find the bank")}</label>
                <input id="bank-search" type="search" class=INPUT autocomplete="off"
                    placeholder=tr("Tên hoặc mã BIN, ví dụ: ngoại thương", "Name or BIN, e.g. vietcom")
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            </div>
            <div>
                <label for="bank" class="block text-sm font-semibold">{tr("Ngân hàng", "Bank")}</label>
                <select id="bank" class=INPUT on:change=move |ev| bin.set(event_target_value(&ev)) prop:value=move || bin.get()>
                    <option value="">{tr("Chọn ngân hàng", "Choose a bank")}</option>
                    {move || banks::choices(&search.get()).into_iter().map(|(group, list)| {
                        let (vi, en) = group.label();
                        view! {
                            <optgroup label=tr(vi, en)>
                                {list.into_iter().map(|b| view! {
                                    <option value=b.bin selected=move || bin.get() == b.bin>{format!("{} ({})", b.short_name, b.bin)}</option>
                                }).collect_view()}
                            </optgroup>
                        }
                    }).collect_view()}
                </select>
            </div>
            <p class="text-sm sm:col-span-2" data-testid="bank-chosen" aria-live="polite">
                {move || match chosen() {
                    Some(b) => format!("{} {} — {} · BIN {}", tr("Đã chọn:", "Chosen:"), b.short_name, b.name, b.bin),
                    None => tr("Chưa chọn ngân hàng.", "No bank chosen yet.").to_string(),
                }}
            </p>
        </div>
    }
}

#[component]
fn Methods(
    school_id: i64,
    current: Vec<PaymentMethod>,
    readiness: Signal<Vec<crate::staff::MethodReadiness>>,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let chosen = RwSignal::new(current);
    let outcome = RwSignal::new(None);
    let save = move |_| {
        spawn_local(async move {
            let methods = chosen.get_untracked();
            match set_methods(school_id, methods.clone()).await {
                Ok(()) => {
                    let names: Vec<_> = PaymentMethod::ALL
                        .into_iter()
                        .filter(|m| methods.contains(m))
                        .map(super::home::short_method)
                        .collect();
                    flash.done(if names.is_empty() {
                        tr(
                            "Đã lưu: trường chưa nhận phương thức nào.",
                            "Saved: the school accepts no method yet.",
                        )
                        .to_string()
                    } else {
                        format!(
                            "{} {} {}: {}.",
                            tr("Đã lưu", "Saved"),
                            names.len(),
                            tr("phương thức", "methods"),
                            names.join(", ")
                        )
                    });
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="methods-title">
            <h2 id="methods-title" class=H2>{tr("Phương thức thanh toán nhà trường nhận", "Payment methods the school accepts")}</h2>
            <fieldset class="mt-2 space-y-1" prop:disabled=!can_edit>
                <legend class="sr-only">{tr("Phương thức", "Methods")}</legend>
                {PaymentMethod::ALL.into_iter().map(|m| view! {
                    <label class="flex min-h-11 items-center gap-3">
                        <input type="checkbox" class="h-5 w-5" value=m.as_str()
                            prop:checked=move || chosen.read().contains(&m)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| { c.retain(|x| *x != m); if on { c.push(m) } });
                            }/>
                        <span>
                            {method_name(m)}
                            <br/>
                            {move || readiness.with(|all| all.iter().find(|r| r.method == m).map(readiness_text))}
                        </span>
                    </label>
                }).collect_view()}
            </fieldset>
            <p class="mt-2 text-sm" class:text-red-800=move || !cashless_ready(&chosen.read())>
                {move || format!("{} {}/4 · {}", tr("Đã chọn phương thức không dùng tiền mặt:", "Cashless methods chosen:"),
                    chosen.read().iter().filter(|m| m.is_cashless()).count(), tr("kế hoạch yêu cầu ít nhất 3", "the plan requires at least 3"))}
            </p>
            {can_edit.then(|| view! {
                <OutcomeNotice outcome/>
                <button type="button" class=format!("{BUTTON} mt-2") on:click=save>{tr("Lưu phương thức", "Save methods")}</button>
            })}
        </section>
    }
}

/// What a method still needs, or when money last came that way.
fn readiness_text(r: &crate::staff::MethodReadiness) -> impl IntoView {
    use crate::domain::date::Date;
    let (ok, text) = match (r.declared, r.configured, r.last_payment_at) {
        (false, _, _) => (false, tr("chưa nhận", "not accepted").to_string()),
        (true, false, _) => (
            false,
            match r.method {
                PaymentMethod::QrTransfer => tr(
                    "cần tài khoản ngân hàng được cơ quan quản lý xác nhận",
                    "needs a bank account confirmed by the supervising office",
                ),
                PaymentMethod::MobileMoney => tr(
                    "cần tài khoản ví điện tử được cơ quan quản lý xác nhận",
                    "needs an e-wallet account confirmed by the supervising office",
                ),
                PaymentMethod::Website => tr(
                    "cần mã đơn vị tại cổng thanh toán",
                    "needs a merchant account at the gateway",
                ),
                _ => tr("chưa cấu hình", "not set up"),
            }
            .to_string(),
        ),
        (true, true, Some(at)) => (
            true,
            format!(
                "{} · {} {}",
                tr("sẵn sàng", "ready"),
                tr("lần thu gần nhất", "last payment"),
                Date::moment_label(at)
            ),
        ),
        (true, true, None) => (
            true,
            tr("sẵn sàng · chưa có khoản thu nào", "ready · no payment yet").to_string(),
        ),
    };
    view! {
        <span class=if ok { "text-sm text-green-800" } else { "text-sm text-amber-900" } data-testid=format!("readiness-{}", r.method.as_str())>
            {text}
        </span>
    }
}

#[derive(Clone, Copy)]
struct ContactRow {
    key: usize,
    name: RwSignal<String>,
    role: RwSignal<String>,
    phone: RwSignal<String>,
    zalo: RwSignal<String>,
}

impl ContactRow {
    fn new(key: usize, c: Contact) -> Self {
        ContactRow {
            key,
            name: RwSignal::new(c.name),
            role: RwSignal::new(c.role),
            phone: RwSignal::new(c.phone),
            zalo: RwSignal::new(c.zalo.unwrap_or_default()),
        }
    }
}

#[component]
fn Contacts(
    school_id: i64,
    current: Vec<Contact>,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let next = StoredValue::new(current.len());
    let rows = RwSignal::new(
        current
            .into_iter()
            .enumerate()
            .map(|(i, c)| ContactRow::new(i, c))
            .collect::<Vec<_>>(),
    );
    let outcome = RwSignal::new(None);
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| {
            r.push(ContactRow::new(
                key,
                Contact {
                    name: String::new(),
                    role: String::new(),
                    phone: String::new(),
                    zalo: None,
                },
            ))
        });
    };
    let save = move |_| {
        let contacts: Vec<Contact> = rows
            .get_untracked()
            .iter()
            .map(|r| Contact {
                name: r.name.get_untracked(),
                role: r.role.get_untracked(),
                phone: r.phone.get_untracked(),
                zalo: Some(r.zalo.get_untracked()).filter(|z| !z.trim().is_empty()),
            })
            .collect();
        let count = contacts.len();
        spawn_local(async move {
            match save_contacts(school_id, contacts).await {
                Ok(()) => {
                    flash.done(format!(
                        "{} {count} {}",
                        tr("Đã lưu", "Saved"),
                        tr(
                            "người liên hệ. Phụ huynh sẽ thấy trên trang của trường.",
                            "contacts. Parents see them on the school's pages.",
                        )
                    ));
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="contacts-title">
            <h2 id="contacts-title" class=H2>{tr("Người liên hệ cho phụ huynh", "Contact people for parents")}</h2>
            <For each=move || rows.get() key=|r| r.key let:row>
                <fieldset class="mt-3 grid gap-2 rounded-lg border border-gray-200 p-3 sm:grid-cols-4" prop:disabled=!can_edit>
                    <legend class="sr-only">{tr("Người liên hệ", "Contact")}</legend>
                    // Each contact's inputs have their own ids, so each label names its own.
                    <Field id=format!("contact-name-{}", row.key) label=tr("Họ tên", "Name") value=row.name/>
                    <Field id=format!("contact-role-{}", row.key) label=tr("Vai trò", "Role") value=row.role/>
                    <Field id=format!("contact-phone-{}", row.key) label=tr("Điện thoại", "Phone") value=row.phone kind="tel"/>
                    <Field id=format!("contact-zalo-{}", row.key) label="Zalo" value=row.zalo kind="tel"/>
                    {can_edit.then(|| view! {
                        <button type="button" class=format!("{BUTTON_QUIET} sm:col-span-4 justify-self-start")
                            on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>
                            {tr("Bỏ người này", "Remove")}
                        </button>
                    })}
                </fieldset>
            </For>
            {can_edit.then(|| view! {
                <div class="mt-3 flex gap-2">
                    <button type="button" class=BUTTON_QUIET on:click=add>{tr("Thêm người liên hệ", "Add a contact")}</button>
                    <button type="button" class=BUTTON on:click=save>{tr("Lưu người liên hệ", "Save contacts")}</button>
                </div>
                <OutcomeNotice outcome/>
            })}
        </section>
    }
}

/// The accountant gives a teacher their homeroom class.
#[component]
fn AssignTeacher(school_id: i64) -> impl IntoView {
    let teachers = LocalResource::new(crate::api::staff_admin::staff_list);
    let teacher = RwSignal::new(String::new());
    let class = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let staff_id: i64 = teacher.get_untracked().parse().unwrap_or(0);
        spawn_local(async move {
            match crate::api::class_view::assign_teacher(school_id, staff_id, class.get_untracked())
                .await
            {
                Ok(()) => outcome.set(Some(Outcome::Done(format!(
                    "{} {}",
                    tr("Đã giao lớp", "Class assigned:"),
                    class.get_untracked()
                )))),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="assign-title">
            <h2 id="assign-title" class=H2>{tr("Giao lớp chủ nhiệm", "Homeroom classes")}</h2>
            <form class="mt-2 grid gap-3 sm:grid-cols-3" on:submit=submit>
                <div>
                    <label for="assign-teacher" class="block text-sm font-semibold">{tr("Giáo viên", "Teacher")}</label>
                    <select id="assign-teacher" class=INPUT on:change=move |ev| teacher.set(event_target_value(&ev))>
                        <option value="">{tr("Chọn giáo viên", "Choose a teacher")}</option>
                        {move || teachers.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(|t| t.active)
                            .map(|t| view! { <option value=t.id.to_string()>{t.display_name}</option> }).collect_view()}
                    </select>
                </div>
                <Field id="assign-class" label=tr("Lớp chủ nhiệm", "Class") value=class/>
                <div class="self-end"><button type="submit" class=BUTTON_QUIET>{tr("Giao lớp", "Assign")}</button></div>
            </form>
            <OutcomeNotice outcome/>
        </section>
    }
}

#[component]
fn InviteBox(school_id: i64, role: Role) -> impl IntoView {
    let link = RwSignal::new(None);
    let outcome = RwSignal::new(None);
    let make = move |_| {
        spawn_local(async move {
            match invite(role, school_id).await {
                Ok(l) => link.set(Some(l)),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let label = match role {
        Role::Accountant => tr("Mời kế toán của trường", "Invite the school's accountant"),
        _ => tr("Mời giáo viên", "Invite a teacher"),
    };
    view! {
        <section class=CARD>
            <h2 class=H2>{label}</h2>
            <button type="button" class=format!("{BUTTON} mt-2") on:click=make>{tr("Tạo đường dẫn mời", "Create an invitation link")}</button>
            {move || link.get().map(|l| view! {
                <LinkBox link=l note=tr("Gửi đường dẫn này cho người được mời (ví dụ qua Zalo). Dùng được một lần, trong 3 ngày.",
                    "Send this link to the person invited (e.g. by Zalo). It works once, for 3 days.")/>
            })}
            <OutcomeNotice outcome/>
        </section>
    }
}

#[component]
fn Students(school_id: i64, can_edit: bool) -> impl IntoView {
    let changes = Changes::here();
    let list = LocalResource::new(move || {
        changes.track();
        list_students(school_id)
    });
    let filter = RwSignal::new(String::new());
    // "class": the server's order, class by class as registers are; "name": the
    // whole school by name (Vietnamese order); "code": by student code.
    let order = RwSignal::new("class".to_string());
    let matching = Memo::new(move |_| {
        let query = crate::domain::search::Query::new(&filter.get());
        let all = list.get().and_then(Result::ok).unwrap_or_default();
        let mut found = all
            .into_iter()
            .filter(|s| query.matches_any(&[&s.class_name, &s.full_name, &s.code]))
            .collect::<Vec<StudentRow>>();
        match order.get().as_str() {
            "name" => {
                found.sort_by(|a, b| crate::domain::collate::name_cmp(&a.full_name, &b.full_name))
            }
            "code" => found.sort_by(|a, b| a.code.cmp(&b.code)),
            _ => {}
        }
        found
    });
    let page = RwSignal::new(0usize);
    // A new page is read from its top.
    let list_box = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        page.track();
        if let Some(el) = list_box.get_untracked() {
            el.set_scroll_top(0);
        }
    });
    // Narrowing the filter or another order starts again on its first page.
    Effect::new(move |_| {
        filter.track();
        order.track();
        page.set(0);
    });
    // The student being edited (None: a new one), and the form's fields.
    let editing = RwSignal::new(None::<Option<i64>>);
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let class = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let open_form = move |row: Option<StudentRow>| {
        outcome.set(None);
        match &row {
            Some(r) => {
                code.set(r.code.clone());
                name.set(r.full_name.clone());
                birth.set(r.birth_date.dmy());
                class.set(r.class_name.clone());
            }
            None => {
                for f in [code, name, birth, class] {
                    f.set(String::new());
                }
            }
        }
        editing.set(Some(row.map(|r| r.id)));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = editing.get_untracked() else {
            return;
        };
        // Said from what was sent (read now: the page may be gone when the answer comes).
        let saved_text = format!(
            "{} {} ({}), {} {}.",
            tr("Đã lưu học sinh", "Saved student"),
            name.get_untracked().trim(),
            code.get_untracked().trim(),
            tr("lớp", "class"),
            class.get_untracked().trim()
        );
        spawn_local(async move {
            let r = save_student(
                school_id,
                id,
                code.get_untracked(),
                name.get_untracked(),
                birth.get_untracked(),
                class.get_untracked(),
            )
            .await;
            match r {
                Ok(_) => {
                    editing.set(None);
                    outcome.set(Some(Outcome::Done(saved_text)));
                    changes.announce();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    // Children's data on a parent's request: their copy, or erasure (with the reason).
    let erasing = RwSignal::new(None::<StudentRow>);
    let erase_reason = RwSignal::new(String::new());
    let export = move |row: StudentRow| {
        spawn_local(async move {
            match crate::api::privacy::export_student(school_id, row.id).await {
                Ok(json) => {
                    use base64::Engine;
                    download(
                        &format!("du-lieu-hoc-sinh-{}.json", row.code),
                        "application/json",
                        &base64::engine::general_purpose::STANDARD.encode(json.as_bytes()),
                    );
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {}",
                        tr("Đã xuất dữ liệu của", "Exported the data of"),
                        row.full_name
                    ))));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let erase = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(row) = erasing.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match crate::api::privacy::erase_student(
                school_id,
                row.id,
                erase_reason.get_untracked(),
            )
            .await
            {
                Ok(()) => {
                    erasing.set(None);
                    outcome.set(Some(Outcome::Done(tr(
                        "Đã xoá dữ liệu cá nhân của học sinh. Hoá đơn, khoản nộp và biên lai được giữ theo quy định kế toán.",
                        "The student's personal data was erased. Invoices, payments and receipts are kept, as accounting rules require.").into())));
                    changes.announce();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let toggle_left = move |row: StudentRow| {
        spawn_local(async move {
            match mark_student_left(school_id, row.id, !row.left).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(
                        if row.left {
                            tr("Đã ghi nhận học sinh học lại.", "Marked as back.")
                        } else {
                            tr("Đã ghi nhận học sinh nghỉ học.", "Marked as left.")
                        }
                        .into(),
                    )));
                    changes.announce();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="students-title">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h2 id="students-title" class=H2>{tr("Học sinh", "Students")}</h2>
                {can_edit.then(|| view! {
                    <button type="button" class=BUTTON_QUIET on:click=move |_| open_form(None)>{tr("Thêm học sinh", "Add a student")}</button>
                })}
            </div>
            {move || editing.get().map(|id| view! {
                <form class="mt-3 grid gap-3 rounded-lg border border-slate-300 p-3 sm:grid-cols-4" on:submit=submit>
                    <Field id="student-code" label=tr("Mã học sinh", "Student code") value=code/>
                    <Field id="student-name" label=tr("Họ và tên", "Full name") value=name/>
                    <Field id="student-birth" label=tr("Ngày sinh", "Date of birth") value=birth hint=tr("ngày/tháng/năm", "day/month/year")/>
                    <Field id="student-class" label=tr("Lớp", "Class") value=class/>
                    <div class="flex gap-2 sm:col-span-4">
                        <button type="submit" class=BUTTON>{if id.is_some() { tr("Lưu thay đổi", "Save changes") } else { tr("Thêm", "Add") }}</button>
                        <button type="button" class=BUTTON_QUIET on:click=move |_| editing.set(None)>{tr("Huỷ", "Cancel")}</button>
                    </div>
                </form>
            })}
            {move || erasing.get().map(|row| view! {
                <form class="mt-3 space-y-2 rounded-lg border-2 border-red-300 bg-red-50 p-3" on:submit=erase data-testid="erase-form">
                    <p class="font-semibold text-red-900">{format!("{} {} ({})", tr("Xoá dữ liệu cá nhân của", "Erase the personal data of"), row.full_name, row.code)}</p>
                    <p class="text-sm">{tr("Họ tên, ngày sinh, căn cứ miễn giảm, nội dung khiếu nại sẽ bị xoá và không khôi phục được. Hoá đơn, khoản nộp và biên lai có chữ ký được giữ theo quy định kế toán.",
                        "Name, date of birth, exemption grounds and complaint texts are erased for good. Invoices, payments and signed receipts are kept, as accounting rules require.")}</p>
                    <Field id="erase-reason" label=tr("Lý do (ví dụ: đơn yêu cầu của phụ huynh ngày…)", "Reason (e.g. the parent's written request of…)") value=erase_reason/>
                    <div class="flex gap-2">
                        <button type="submit" class="min-h-11 rounded-lg bg-red-800 px-4 font-semibold text-white">{tr("Xoá vĩnh viễn", "Erase for good")}</button>
                        <button type="button" class=BUTTON_QUIET on:click=move |_| erasing.set(None)>{tr("Huỷ", "Cancel")}</button>
                    </div>
                </form>
            })}
            <OutcomeNotice outcome/>
            <div class="grid gap-3 sm:grid-cols-2">
                <Field id="student-filter" label=tr("Lọc theo lớp, tên hoặc mã", "Filter by class, name or code") value=filter/>
                <div>
                    <label for="student-order" class="block text-sm font-semibold">{tr("Sắp xếp", "Order")}</label>
                    <select id="student-order" class=INPUT on:change=move |ev| order.set(event_target_value(&ev))>
                        <option value="class">{tr("Theo lớp, như sổ điểm danh", "By class, as registers")}</option>
                        <option value="name">{tr("Theo tên cả trường", "By name, whole school")}</option>
                        <option value="code">{tr("Theo mã học sinh", "By student code")}</option>
                    </select>
                </div>
            </div>
            {move || view! { <Pages count=matching.with(Vec::len) page/> }}
            <div class="mt-2 max-h-[32rem] overflow-auto" node_ref=list_box>
                <table class="w-full text-left text-sm">
                    // On a phone each student is a card: name, then class, code and
                    // birth date, then the actions, each a full-size button.
                    <thead class="sticky top-0 hidden bg-white text-gray-600 sm:table-header-group">
                        <tr><th class="py-1 pr-2">{tr("Lớp", "Class")}</th><th class="pr-2">{tr("Mã", "Code")}</th>
                            <th class="pr-2">{tr("Họ và tên", "Name")}</th><th class="pr-2">{tr("Ngày sinh", "Born")}</th><th></th></tr>
                    </thead>
                    <tbody>
                        {move || {
                            let actions = move |s: StudentRow| {
                                let (edit_row, left_row, export_row, erase_row) = (s.clone(), s.clone(), s.clone(), s.clone());
                                can_edit.then(|| view! {
                                    <button type="button" class="min-h-11 px-2 underline" on:click=move |_| open_form(Some(edit_row.clone()))>
                                        {tr("Sửa", "Edit")}
                                    </button>
                                    <button type="button" class="min-h-11 px-2 underline" on:click=move |_| toggle_left(left_row.clone())>
                                        {if s.left { tr("Học lại", "Back") } else { tr("Nghỉ học", "Left") }}
                                    </button>
                                    <button type="button" class="min-h-11 px-2 underline" on:click=move |_| export(export_row.clone())>
                                        {tr("Xuất dữ liệu", "Export data")}
                                    </button>
                                    <button type="button" class="min-h-11 px-2 text-red-800 underline" on:click=move |_| { erase_reason.set(String::new()); erasing.set(Some(erase_row.clone())) }>
                                        {tr("Xoá dữ liệu", "Erase data")}
                                    </button>
                                })
                            };
                            let rows = crate::paging::page_rows(matching.get(), page.get()).into_iter().map(|s| {
                                let row_class = if s.left { "border-t border-gray-100 text-gray-500" } else { "border-t border-gray-100" };
                                view! {
                                    <tr class=row_class>
                                        <td class="hidden py-1 pr-2 sm:table-cell">{s.class_name.clone()}</td>
                                        <td class="hidden pr-2 sm:table-cell">{s.code.clone()}</td>
                                        <td class="py-2 pr-2 sm:py-1">
                                            <span class="font-semibold sm:font-normal">{s.full_name.clone()}</span>
                                            {s.left.then(|| format!(" ({})", tr("đã nghỉ", "left")))}
                                            <div class="text-gray-700 sm:hidden">{format!("{} · {} · {}", s.class_name, s.code, s.birth_date.dmy())}</div>
                                            <div class="-ml-2 flex flex-wrap sm:hidden">{actions(s.clone())}</div>
                                        </td>
                                        <td class="hidden pr-2 sm:table-cell">{s.birth_date.dmy()}</td>
                                        <td class="hidden whitespace-nowrap sm:table-cell">{actions(s.clone())}</td>
                                    </tr>
                                }
                            }).collect_view();
                            rows
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
