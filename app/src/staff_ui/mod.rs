//! The staff's app: sign-in, the supervising office's schools and accountants, and
//! each school's workspace, one page per task (`workspace`): classes and their
//! import, fees and billing, invoices, reconciliation, receipts, complaints,
//! reports, the school's setup, staff, connections and the change log.

mod account_duties;
mod api_keys;
mod billing;
mod certificate;
mod change_log;
mod class;
mod complaints;
mod dashboard;
mod home;
mod import;
mod invoices;
mod links;
mod new_year;
mod office;
mod print;
mod privacy;
mod receipts;
mod reconcile;
mod report_calendar;
mod school;
mod webhooks;
mod widgets;
mod workspace;

use crate::api::staff_auth::{sign_out, whoami};
use crate::i18n::Lang;
use crate::staff::{Me, Role};
use crate::ui::Language;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// Who is signed in: `None` until known, then `Some(None)` (signed out) or `Some(Some(me))`.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<Option<Me>>>);

pub fn session() -> Session {
    expect_context::<Session>()
}

/// The staff app's texts, Vietnamese first: `tr("Lưu", "Save")`.
pub fn tr(vi: &'static str, en: &'static str) -> &'static str {
    match crate::ui::current_lang() {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// The signed-in person's office ("UBND phường Hồng Gai", "Sở GD&ĐT Quảng Ninh"):
/// for a school's staff, the office they report to. Named rather than "the office"
/// since July 2025, when the district office every school knew ended.
pub fn my_office() -> String {
    session()
        .0
        .get_untracked()
        .flatten()
        .map(|m| m.office_name)
        .unwrap_or_else(|| tr("cơ quan quản lý", "the supervising office").to_string())
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Officer => tr("Cán bộ quản lý giáo dục", "Education officer"),
        Role::Accountant => tr("Kế toán", "Accountant"),
        Role::Teacher => tr("Giáo viên chủ nhiệm", "Homeroom teacher"),
    }
}

#[component]
fn StaffApp() -> impl IntoView {
    let lang = RwSignal::new(crate::ui::storage_lang());
    provide_context(Language(lang));
    let me = RwSignal::new(None::<Option<Me>>);
    provide_context(Session(me));
    invoices::InvoiceSearches::provide();
    spawn_local(async move {
        me.set(Some(whoami().await.unwrap_or(None)));
    });
    view! {
        <Router base="/staff">
            {move || {
                lang.track();
                view! {
                    <div class="print:hidden"><Header/></div>
                    <main class="mx-auto max-w-7xl px-4 pb-16 print:max-w-none print:p-0">
                        <Routes fallback=|| view! { <p class="py-8 text-lg">{tr("Không tìm thấy trang này.", "Page not found.")}</p> }>
                            <Route path=path!("/") view=home::Home/>
                            <Route path=path!("/invite/:token") view=links::AcceptInvite/>
                            <Route path=path!("/reset/:token") view=links::ResetPassword/>
                            <Route path=path!("/password") view=links::ChangePassword/>
                            <Route path=path!("/school/:id") view=school::SchoolPage/>
                            <Route path=path!("/school/:id/:task") view=school::SchoolPage/>
                            <Route path=path!("/audit") view=change_log::OfficeAudit/>
                            <Route path=path!("/dashboard") view=dashboard::OfficeDashboard/>
                            <Route path=path!("/accounts") view=home::OfficeAccounts/>
                            <Route path=path!("/accountants") view=home::OfficeAccountants/>
                            <Route path=path!("/print/:class/:period") view=print::PrintPage/>
                        </Routes>
                    </main>
                }
            }}
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let Language(lang) = expect_context::<Language>();
    let Session(me) = session();
    let toggle = move |_| Language(lang).toggle();
    let out = move |_| {
        spawn_local(async move {
            let _ = sign_out().await;
            // The next person to sign in on this computer starts from their own
            // home, with nothing of the last one's pages left in memory: the
            // sign-in form appears once the app has started again there.
            let reloaded =
                web_sys::window().is_some_and(|w| w.location().set_href("/staff/").is_ok());
            if !reloaded {
                me.set(Some(None));
            }
        });
    };
    view! {
        <header class="bg-slate-800 text-white">
            <div class="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-2 px-4 py-3">
                // The office supervises schools: its staff are not "the school".
                <A href="/staff/" attr:class="inline-flex min-h-11 items-center text-xl font-bold tracking-tight">{move || {
                    if me.get().flatten().is_some_and(|m| m.role == Role::Officer) {
                        tr("hocphi · Cơ quan quản lý", "hocphi · Supervising office")
                    } else {
                        tr("hocphi · Nhà trường", "hocphi · Schools")
                    }
                }}</A>
                <div class="flex items-center gap-2">
                    {move || me.get().flatten().map(|m| view! {
                        <span class="hidden text-sm text-slate-200 sm:inline">{format!("{} · {}", m.display_name, role_name(m.role))}</span>
                        <A href="/staff/password" attr:class="inline-flex min-h-11 items-center rounded-lg px-3 text-sm hover:bg-slate-700">{tr("Mật khẩu", "Password")}</A>
                        <button type="button" class="min-h-11 rounded-lg px-3 text-sm hover:bg-slate-700" on:click=out>
                            {tr("Đăng xuất", "Sign out")}
                        </button>
                    })}
                    <button type="button" class="min-h-11 rounded-lg border border-slate-400 px-3 text-sm hover:bg-slate-700" on:click=toggle>
                        {tr("English", "Tiếng Việt")}
                    </button>
                </div>
            </div>
        </header>
    }
}

pub fn mount() {
    crate::ui::mount_app(StaffApp);
}
