//! The school's name, the menu, and the sections of the task at hand.

use super::settings::{Accounts, Contacts, Details, Logo, Methods};
use super::shared::part;
use super::staff::{AssignTeacher, InviteBox};
use super::students::Students;
use crate::staff::{Me, Role, SchoolProfile};
use crate::staff_ui::home::ManagedStaff;
use crate::staff_ui::tr;
use crate::staff_ui::workspace::{Attention, SetupWarnings, Task, TaskNav};
use leptos::prelude::*;

/// The school's name, the menu, and the page of the task at hand.
#[component]
pub(super) fn Workspace(
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
        // An office came here from its list of schools: the way back to it,
        // above the school's tasks (on a phone they are a row of tabs, and the
        // way back sat under them, where one looks for the page's content).
        {(role == Role::Officer).then(|| view! {
            <a href=crate::staff_ui::workspace::OfficeTask::Schools.href() class="mt-2 inline-flex min-h-11 items-center font-semibold text-slate-800 underline print:hidden" data-testid="back-to-schools">
                {tr("← Các trường", "← Schools")}
            </a>
        })}
        <div class="lg:flex lg:gap-6">
            <TaskNav school_id=id me=nav_me current school_has_accountant=has_accountant/>
            <div class="min-w-0 flex-1">
                <p class="mt-4 text-sm text-gray-700 lg:mt-6" data-testid="school-name">{name}</p>
                <h1 class="text-2xl font-bold">{current.label_for(role)}</h1>
                {office_reads.then(|| view! {
                    <p class="mt-2 rounded-lg bg-sky-100 p-3 text-sky-900" data-testid="office-reads">{tr(
                        "Trường đã có kế toán: cơ quan quản lý xem số liệu, khiếu nại, tài khoản và nhật ký; các thay đổi do kế toán của trường thực hiện.",
                        "The school has its own accountant: the office reads figures, complaints, accounts and the log; the accountant makes the changes.")}</p>
                })}
                {page}
            </div>
        </div>
    }
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
            <crate::ui::components::copy::CopyRow label=tr("Đường dẫn của trường cho phụ huynh", "The school's link for parents")
                value=format!("{origin}/s/{slug}") prose=true/>
        </div>
    };
    match task {
        // A teacher's home is their class.
        // The class's own link is in the class section: the school's one,
        // labelled for the class group, sent parents to choose a class again.
        Task::Home if me.role == Role::Teacher => view! {
            <crate::staff_ui::class::ClassSection school_id=id/>
        }.into_any(),
        Task::Home => view! {
            <Attention school_id=id tasks=Task::for_staff(me.role, has_accountant) methods_ready has_contacts/>
            {parents_link}
        }.into_any(),
        Task::Students if me.role == Role::Teacher => view! { <Students school_id=id can_edit=false/> }.into_any(),
        Task::Students => view! {
            <crate::staff_ui::class::ClassSection school_id=id manage=can_edit/>
            <crate::staff_ui::import::ImportStudents school_id=id/>
            <Students school_id=id can_edit=true/>
            <crate::staff_ui::new_year::NewYear school_id=id/>
            <crate::staff_ui::privacy::Privacy school_id=id/>
        }.into_any(),
        Task::Fees => view! { <crate::staff_ui::billing::Billing school_id=id/> }.into_any(),
        Task::Invoices => view! { <crate::staff_ui::invoices::InvoiceList school_id=id/> }.into_any(),
        Task::Reconcile => view! { <crate::staff_ui::reconcile::Reconcile school_id=id/> }.into_any(),
        Task::Office => view! { <crate::staff_ui::office::OfficePayments school_id=id/> }.into_any(),
        Task::Receipts => view! { <crate::staff_ui::receipts::Receipts school_id=id/> }.into_any(),
        Task::Complaints => view! { <crate::staff_ui::complaints::Complaints school_id=id can_edit/> }.into_any(),
        Task::Reports => view! { <crate::staff_ui::dashboard::SchoolFigures school_id=id can_submit=accountant/> }.into_any(),
        Task::School => view! {
            <SetupWarnings methods_ready has_contacts link=None/>
            <Details profile=saved.clone() can_edit refresh/>
            <Logo school_id=id slug has_logo=part(profile, |p| p.has_logo) can_edit refresh/>
            <crate::staff_ui::certificate::Certificate school_id=id can_edit/>
            <Accounts school_id=id accounts=part(profile, |p| p.accounts.clone()) can_edit refresh/>
            <Methods school_id=id current=saved.methods.clone() readiness=part(profile, |p| p.readiness.clone()) can_edit refresh/>
            <Contacts school_id=id current=saved.contacts.clone() can_edit refresh/>
            {can_edit.then(|| view! { <crate::staff_ui::office::GatewaySetup school_id=id current=part(profile, |p| p.gateway_merchant.clone()) refresh/> })}
        }.into_any(),
        Task::Staff if accountant => view! {
            <InviteBox school_id=id role=Role::Teacher/>
            <ManagedStaff title=tr("Giáo viên", "Teachers")/>
            <AssignTeacher school_id=id/>
        }.into_any(),
        Task::Staff => view! { <InviteBox school_id=id role=Role::Accountant/> }.into_any(),
        Task::Connections => view! {
            <crate::staff_ui::api_keys::ApiKeys school_id=id/>
            <crate::staff_ui::webhooks::Webhooks school_id=id/>
        }.into_any(),
        Task::Log => view! { <crate::staff_ui::change_log::AuditList school_id=Some(id)/> }.into_any(),
    }
}
