//! The school's staff page: inviting its accountant or teachers, and giving
//! teachers their homeroom classes.

use crate::api::staff_admin::invite;
use crate::staff::Role;
use crate::staff_ui::tr;
use crate::staff_ui::widgets::*;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The accountant gives a teacher their homeroom class.
#[component]
pub(super) fn AssignTeacher(school_id: i64) -> impl IntoView {
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
pub(super) fn InviteBox(school_id: i64, role: Role) -> impl IntoView {
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
