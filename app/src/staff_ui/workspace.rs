//! A school's workspace, by task: one page per job an accountant does (import
//! the class lists, set fees, bill, reconcile, issue receipts…), each at its own
//! address (`/staff/school/<id>/<task>`, so links and the back button work), and
//! a home that says what needs attention today. A menu beside the page on a
//! laptop, a row of tabs above it on a phone. Teachers get their class and its
//! students; the office, supervising a school, the same pages as its accountant.

use super::tr;
use super::widgets::*;
use crate::api::dashboard::{school_dashboard, school_reports};
use crate::domain::report::{percent_label, share};
use crate::staff::{Me, Role};
use leptos::prelude::*;
use leptos_router::components::A;

/// Bumped after a write that changes what other parts of the page show (an
/// import adds students and classes; a new year moves them), so every list and
/// picker showing them loads again: the accountant never reloads to see it, and
/// never imports twice because the list looked empty.
#[derive(Clone, Copy)]
pub struct Changes(RwSignal<u64>);

impl Changes {
    pub fn provide() {
        provide_context(Changes(RwSignal::new(0)));
    }

    /// The page's, taken while the component is made (contexts are not
    /// reachable from an async task); a lone one outside a school's page.
    pub fn here() -> Changes {
        use_context::<Changes>().unwrap_or_else(|| Changes(RwSignal::new(0)))
    }

    /// Inside a resource's loader: load again after every change.
    pub fn track(self) {
        self.0.track();
    }

    pub fn announce(self) {
        self.0.update(|n| *n += 1);
    }
}

/// One page of the workspace. The slug is the page's address under the school.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    Home,
    Students,
    Fees,
    Invoices,
    Reconcile,
    Office,
    Receipts,
    Complaints,
    Reports,
    School,
    Staff,
    Connections,
    Log,
}

impl Task {
    const ALL: [Task; 13] = [
        Task::Home,
        Task::Students,
        Task::Fees,
        Task::Invoices,
        Task::Reconcile,
        Task::Office,
        Task::Receipts,
        Task::Complaints,
        Task::Reports,
        Task::School,
        Task::Staff,
        Task::Log,
        // Last, so the office's menu is the rest.
        Task::Connections,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Task::Home => "",
            Task::Students => "hoc-sinh",
            Task::Fees => "khoan-thu",
            Task::Invoices => "hoa-don",
            Task::Reconcile => "doi-soat",
            Task::Office => "thu-tai-truong",
            Task::Receipts => "bien-lai",
            Task::Complaints => "khieu-nai",
            Task::Reports => "bao-cao",
            Task::School => "thong-tin-truong",
            Task::Staff => "nhan-su",
            Task::Connections => "ket-noi",
            Task::Log => "nhat-ky",
        }
    }

    /// The page at an address; an unknown one is `None` (the app says so).
    pub fn from_slug(slug: &str) -> Option<Task> {
        Task::ALL.into_iter().find(|t| t.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            Task::Home => tr("Việc cần làm", "To do"),
            Task::Students => tr("Lớp và học sinh", "Classes and students"),
            // "Phiếu thu" is a receipt voucher to an accountant: these are invoices.
            Task::Fees => tr("Khoản thu, lập hoá đơn", "Fees and billing"),
            Task::Invoices => tr("Hoá đơn, thông báo", "Invoices and notices"),
            Task::Reconcile => tr("Đối soát ngân hàng", "Bank reconciliation"),
            Task::Office => tr("Thu tại trường", "Payments at the office"),
            Task::Receipts => tr("Biên lai", "Receipts"),
            Task::Complaints => tr("Khiếu nại", "Complaints"),
            Task::Reports => tr("Số liệu, báo cáo", "Figures and reports"),
            Task::School => tr("Thông tin trường", "School settings"),
            Task::Staff => tr("Nhân sự", "Staff"),
            Task::Connections => tr("Kết nối", "Connections"),
            Task::Log => tr("Nhật ký thay đổi", "Change log"),
        }
    }

    /// The title in a role's menu: a teacher's home is their class.
    pub fn label_for(self, role: Role) -> &'static str {
        match (self, role) {
            (Task::Home, Role::Teacher) => tr("Lớp chủ nhiệm", "My class"),
            (t, _) => t.label(),
        }
    }

    /// The pages a role has. A teacher's home is their class.
    pub fn for_role(role: Role) -> &'static [Task] {
        match role {
            Role::Teacher => &[Task::Home, Task::Students],
            Role::Accountant => &Task::ALL,
            // API keys and webhooks are the school's own software.
            Role::Officer => &Task::ALL[..12],
        }
    }

    /// The pages this person has at this school. The office acts for a school
    /// only while it has no accountant; once it has one, the office reads.
    pub fn for_staff(role: Role, school_has_accountant: bool) -> &'static [Task] {
        match role {
            // Read-only: the school's own people do its work, the office
            // watches it, parents' complaints included.
            Role::Officer if school_has_accountant => &[
                Task::Home,
                Task::Complaints,
                Task::Reports,
                Task::School,
                Task::Staff,
                Task::Log,
            ],
            role => Task::for_role(role),
        }
    }

    pub fn href(self, school_id: i64) -> String {
        match self {
            Task::Home => format!("/staff/school/{school_id}"),
            t => format!("/staff/school/{school_id}/{}", t.slug()),
        }
    }
}

/// The menu: beside the page on a laptop, a scrolling row of tabs on a phone.
#[component]
pub fn TaskNav(
    school_id: i64,
    me: Me,
    current: Task,
    school_has_accountant: bool,
) -> impl IntoView {
    let links = Task::for_staff(me.role, school_has_accountant)
        .iter()
        .map(|&t| {
            let here = t == current;
            let class = if here {
                "flex min-h-11 shrink-0 items-center whitespace-nowrap rounded-lg bg-slate-800 px-3 font-semibold text-white"
            } else {
                "flex min-h-11 shrink-0 items-center whitespace-nowrap rounded-lg px-3 text-slate-800 hover:bg-slate-200"
            };
            view! {
                <li>
                    // A plain link (the router still handles it): `A` marks every
                    // prefix of the address current, so the home would always be.
                    <a href=t.href(school_id) class=class
                        aria-current=if here { Some("page") } else { None }>{t.label_for(me.role)}</a>
                </li>
            }
        })
        .collect_view();
    let nav = NodeRef::<leptos::html::Nav>::new();
    show_current_tab(nav);
    view! {
        <nav node_ref=nav aria-label=tr("Công việc", "Tasks") class="print:hidden -mx-4 mt-3 overflow-x-auto px-4 lg:sticky lg:top-4 lg:mx-0 lg:mt-6 lg:w-56 lg:shrink-0 lg:overflow-visible lg:px-0">
            <ul class="flex gap-1 lg:flex-col">{links}</ul>
        </nav>
    }
}

/// On a phone the tabs are a row wider than the screen: scroll it sideways so
/// the current page's tab is in sight (and only sideways: the page stays put).
fn show_current_tab(nav: NodeRef<leptos::html::Nav>) {
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        let Some(nav) = nav.get() else { return };
        let current = nav
            .query_selector("a[aria-current='page']")
            .ok()
            .flatten()
            .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(tab) = current {
            // Offsets count from the nearest positioned box: the nav itself
            // when it is one, else a box both share.
            let nav_box: &web_sys::Element = &nav;
            let from_nav = if tab.offset_parent().as_ref() == Some(nav_box) {
                tab.offset_left()
            } else {
                tab.offset_left() - nav.offset_left()
            };
            let centre = from_nav + tab.offset_width() / 2 - nav.client_width() / 2;
            nav.set_scroll_left(centre.max(0));
        }
    });
}

/// The office's pages: its schools, the dashboard, accounts awaiting its
/// confirmation, the schools' accountants and the change log. A row of tabs at
/// every size: the dashboard's table needs the page's whole width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficeTask {
    Schools,
    Dashboard,
    Accounts,
    Accountants,
    Log,
}

impl OfficeTask {
    const ALL: [OfficeTask; 5] = [
        OfficeTask::Schools,
        OfficeTask::Dashboard,
        OfficeTask::Accounts,
        OfficeTask::Accountants,
        OfficeTask::Log,
    ];

    pub fn href(self) -> &'static str {
        match self {
            OfficeTask::Schools => "/staff/",
            OfficeTask::Dashboard => "/staff/dashboard",
            OfficeTask::Accounts => "/staff/accounts",
            OfficeTask::Accountants => "/staff/accountants",
            OfficeTask::Log => "/staff/audit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OfficeTask::Schools => tr("Các trường", "Schools"),
            OfficeTask::Dashboard => tr("Bảng theo dõi", "Dashboard"),
            OfficeTask::Accounts => tr("Tài khoản chờ xác nhận", "Accounts to confirm"),
            OfficeTask::Accountants => tr("Kế toán các trường", "School accountants"),
            OfficeTask::Log => tr("Nhật ký thay đổi", "Change log"),
        }
    }
}

/// An office page: the tabs, the page's title, its sections.
#[component]
pub fn OfficePage(
    current: OfficeTask,
    /// The page writes its own title (the dashboard's is printed with it).
    #[prop(optional)]
    own_title: bool,
    children: Children,
) -> impl IntoView {
    let links = OfficeTask::ALL
        .into_iter()
        .map(|t| {
            let here = t == current;
            let class = if here {
                "flex min-h-11 shrink-0 items-center whitespace-nowrap rounded-lg bg-slate-800 px-3 font-semibold text-white"
            } else {
                "flex min-h-11 shrink-0 items-center whitespace-nowrap rounded-lg px-3 text-slate-800 hover:bg-slate-200"
            };
            view! { <li><a href=t.href() class=class aria-current=if here { Some("page") } else { None }>{t.label()}</a></li> }
        })
        .collect_view();
    let nav = NodeRef::<leptos::html::Nav>::new();
    show_current_tab(nav);
    view! {
        <nav node_ref=nav aria-label=tr("Công việc", "Tasks") class="print:hidden -mx-4 mt-3 overflow-x-auto px-4">
            <ul class="flex gap-1">{links}</ul>
        </nav>
        {(!own_title).then(|| view! { <h1 class="mt-4 text-2xl font-bold">{current.label()}</h1> })}
        {children()}
    }
}

/// What needs the accountant today: transfers to match, complaints to answer,
/// this month's collection, reports the office sent back, set-up still missing.
/// Each leads to its page if the viewer has that page (`tasks`): an office
/// sees the counts, not a link to a page that is not its own.
#[component]
pub fn Attention(
    school_id: i64,
    tasks: &'static [Task],
    methods_ready: Signal<bool>,
    has_contacts: Signal<bool>,
) -> impl IntoView {
    let link = move |task: Task| tasks.contains(&task).then(|| task.href(school_id));
    // An office at a school with its own accountant: it watches, and may be the
    // office that sent a report back; the counts say so, not "do this".
    let watches = !tasks.contains(&Task::Reconcile);
    // This month by the server's clock, as the list by class below.
    let figures =
        LocalResource::new(move || school_dashboard(school_id, String::new(), String::new()));
    let reports = LocalResource::new(move || school_reports(school_id));
    let returned = move || {
        reports
            .get()
            .and_then(Result::ok)
            .map(|r| r.iter().filter(|r| r.returned).count())
            .unwrap_or(0)
    };
    view! {
        <section class=CARD aria-labelledby="attention-title">
            <h2 id="attention-title" class=H2>{tr("Việc cần làm hôm nay", "What needs doing today")}</h2>
            {move || figures.get().map(|r| match r {
                Err(e) => view! { <LoadFailed error=e retry=move || figures.refetch()/> }.into_any(),
                Ok(s) => {
                    let f = s.figures;
                    let outstanding = (f.due - f.collected).clamp_non_negative();
                    view! {
                        <ul class="mt-3 grid gap-3 sm:grid-cols-2" data-testid="attention">
                            <Item href=link(Task::Reconcile) count=f.unmatched
                                urgent={if !watches {
                                    tr("giao dịch ngân hàng chưa khớp với phiếu thu nào: hãy đối soát", "bank transfers match no invoice: reconcile them")
                                } else {
                                    tr("giao dịch ngân hàng chưa khớp với phiếu thu nào, chờ kế toán của trường đối soát", "bank transfers match no invoice, awaiting the school's accountant")
                                }}
                                calm=tr("Không có giao dịch nào chờ đối soát.", "No transfer waits to be matched.")/>
                            <Item href=link(Task::Complaints) count=f.complaints_open
                                urgent=tr("khiếu nại của phụ huynh chưa giải quyết xong", "parents' complaints are not resolved yet")
                                calm=tr("Không có khiếu nại nào đang mở.", "No open complaint.")/>
                            <li class="rounded-lg border border-gray-200 p-3">
                                <MaybeLink href=link(Task::Invoices) class="block min-h-11">
                                    <span class="block text-sm text-gray-700">{tr("Tháng này", "This month")}</span>
                                    <span class="block text-lg font-semibold">
                                        {format!("{} {} / {}", tr("Đã thu", "Collected"), f.collected, f.due)}
                                        {format!(" ({})", percent_label(f.collection_rate()))}
                                    </span>
                                    <span class="block text-sm text-gray-700">
                                        {format!("{} {}", tr("Còn phải thu:", "Still due:"), outstanding)}
                                    </span>
                                </MaybeLink>
                            </li>
                            {move || (returned() > 0).then(|| view! {
                                <Item href=link(Task::Reports) count=returned() as i64
                                    urgent={if watches {
                                        tr("báo cáo đã bị gửi trả, chờ trường nộp lại", "reports sent back, awaiting the school's resubmission")
                                    } else {
                                        tr("báo cáo bị cơ quan quản lý gửi trả: xem cần sửa gì", "reports sent back by the office: see what to fix")
                                    }}
                                    calm=""/>
                            })}
                        </ul>
                    }.into_any()
                }
            })}
            <ClassesThisMonth school_id/>
            <SetupWarnings methods_ready has_contacts link=link(Task::School)/>
        </section>
    }
}

/// This month class by class, in grade order: which classes to remind.
#[component]
fn ClassesThisMonth(school_id: i64) -> impl IntoView {
    let classes = LocalResource::new(move || {
        crate::api::dashboard::class_collection(school_id, String::new())
    });
    move || {
        classes.get().and_then(Result::ok).filter(|c| !c.is_empty()).map(|list| {
            view! {
                <h3 class="mt-4 font-semibold">{tr("Tháng này theo lớp", "This month by class")}</h3>
                <ul class="mt-1 grid gap-x-4 text-sm sm:grid-cols-2" data-testid="class-collection">
                    {list.into_iter().map(|c| {
                        let rate = percent_label(share(c.collected.dong(), c.due.dong()));
                        let behind = c.paid_in_full < c.invoices;
                        // The figures go under the class on a phone, beside it on a laptop.
                        view! {
                            <li class="flex flex-wrap justify-between gap-x-2 border-b border-gray-100 py-1">
                                <span class:font-semibold=behind>{format!("{} {} · {}/{} {}", tr("Lớp", "Class"), c.class_name,
                                    c.paid_in_full, c.invoices, tr("đã nộp đủ", "paid in full"))}</span>
                                <span class="tabular-nums">{format!("{} / {} ({rate})", c.collected, c.due)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        })
    }
}

/// What the school still lacks before parents can pay it as the plan asks:
/// on the home (with a link to the settings) and on the settings page itself.
#[component]
pub fn SetupWarnings(
    methods_ready: Signal<bool>,
    has_contacts: Signal<bool>,
    link: Option<String>,
) -> impl IntoView {
    move || {
        let (methods_ready, has_contacts) = (methods_ready.get(), has_contacts.get());
        let link = link.clone();
        (!methods_ready || !has_contacts).then(|| view! {
        <p role="alert" class="mt-3 rounded-lg border border-amber-400 bg-amber-50 p-3 text-amber-950">
            {(!methods_ready).then(|| tr("Trường mới sẵn sàng dưới 3 trong 4 phương thức không dùng tiền mặt mà kế hoạch yêu cầu. ",
                "This school is ready for fewer than 3 of the 4 cashless methods the plan requires. "))}
            {(!has_contacts).then(|| tr("Chưa có người liên hệ nào cho phụ huynh. ", "No contact person for parents yet. "))}
            {link.map(|href| view! {
                <A href=href attr:class="font-semibold underline">{tr("Hoàn tất thông tin trường", "Complete the school's settings")}</A>
            })}
        </p>
        })
    }
}

/// One line of the attention list: a count that asks for action, or a calm
/// sentence when there is nothing to do.
#[component]
fn Item(
    href: Option<String>,
    count: i64,
    urgent: &'static str,
    calm: &'static str,
) -> impl IntoView {
    if count == 0 {
        view! { <li class="rounded-lg border border-gray-200 p-3 text-green-800">{calm}</li> }
            .into_any()
    } else {
        view! {
            <li class="rounded-lg border border-amber-400 bg-amber-50 p-3">
                <MaybeLink href class="block min-h-11 text-amber-950">
                    <span class="text-2xl font-bold">{count}</span>" "{urgent}
                </MaybeLink>
            </li>
        }
        .into_any()
    }
}

/// A link to a page the viewer has, or the same words without one.
#[component]
fn MaybeLink(href: Option<String>, class: &'static str, children: Children) -> impl IntoView {
    match href {
        Some(href) => view! { <A href=href attr:class=class>{children()}</A> }.into_any(),
        None => view! { <div class=class>{children()}</div> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_has_its_own_address() {
        let mut slugs: Vec<_> = Task::ALL.iter().map(|t| t.slug()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), Task::ALL.len());
        for t in Task::ALL {
            assert_eq!(Task::from_slug(t.slug()), Some(t));
        }
        assert_eq!(Task::from_slug("khong-co"), None);
    }

    #[test]
    fn a_teacher_has_only_the_class_pages() {
        assert_eq!(Task::for_role(Role::Teacher), &[Task::Home, Task::Students]);
        assert!(!Task::for_role(Role::Officer).contains(&Task::Connections));
        assert!(Task::for_role(Role::Officer).contains(&Task::Log));
        // A school with its own accountant: the office reads, it does not bill or match.
        let reads = Task::for_staff(Role::Officer, true);
        assert!(
            reads.contains(&Task::Reports)
                && !reads.contains(&Task::Fees)
                && !reads.contains(&Task::Reconcile)
        );
        assert_eq!(
            Task::for_staff(Role::Accountant, true),
            Task::for_role(Role::Accountant)
        );
    }
}
