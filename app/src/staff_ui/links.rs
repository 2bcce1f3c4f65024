//! Pages behind one-time links (invitation, password reset) and the password change.

use super::widgets::*;
use super::{role_name, session, tr, Session};
use crate::api::staff_auth::{accept_invite, change_password, load_link, use_reset_link};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

fn token_param() -> String {
    use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default()
}

#[component]
pub fn AcceptInvite() -> impl IntoView {
    let token = token_param();
    let info = LocalResource::new({
        let token = token.clone();
        move || load_link(token.clone())
    });
    let Session(me) = session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = token.clone();
        let navigate = navigate.clone();
        spawn_local(async move {
            let r = accept_invite(
                token,
                username.get_untracked(),
                display_name.get_untracked(),
                password.get_untracked(),
            )
            .await;
            match r {
                Ok(m) => {
                    me.set(Some(Some(m)));
                    navigate("/", Default::default());
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class="mx-auto mt-8 max-w-md">
            <h1 class="text-2xl font-bold">{tr("Nhận lời mời", "Accept your invitation")}</h1>
            {move || match info.get() {
                None => view! { <p>{tr("Đang tải…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <LoadFailed error=e retry=move || info.refetch()/> }.into_any(),
                Some(Ok(i)) => view! {
                    <p class="mt-1 text-gray-700">
                        {format!("{} {} · {}", tr("Bạn được mời làm", "You are invited as"), i.role.map(role_name).unwrap_or_default(), i.place)}
                    </p>
                }.into_any(),
            }}
            <form class=format!("{CARD} space-y-4") on:submit=submit>
                <Field id="display-name" label=tr("Họ và tên", "Full name") value=display_name autocomplete="name"/>
                <Field id="new-username" label=tr("Tên đăng nhập", "User name") value=username autocomplete="username"
                    hint=tr("Chữ thường không dấu, số, dấu chấm; ví dụ ketoan.thhl", "Lower-case letters, digits, dots; e.g. ketoan.thhl")/>
                <Field id="new-password" label=tr("Mật khẩu", "Password") value=password kind="password" autocomplete="new-password"
                    hint=tr("Ít nhất 10 ký tự", "At least 10 characters")/>
                <OutcomeNotice outcome/>
                <button type="submit" class=format!("{BUTTON} w-full")>{tr("Tạo tài khoản", "Create account")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn ResetPassword() -> impl IntoView {
    let token = token_param();
    let password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = token.clone();
        spawn_local(async move {
            match use_reset_link(token, password.get_untracked()).await {
                Ok(()) => {
                    done.set(true);
                    outcome.set(Some(Outcome::Done(
                        tr(
                            "Đã đặt mật khẩu mới. Hãy đăng nhập.",
                            "New password set. Please sign in.",
                        )
                        .into(),
                    )));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class="mx-auto mt-8 max-w-md">
            <h1 class="text-2xl font-bold">{tr("Đặt mật khẩu mới", "Set a new password")}</h1>
            <form class=format!("{CARD} space-y-4") on:submit=submit>
                <Field id="reset-password" label=tr("Mật khẩu mới", "New password") value=password kind="password"
                    autocomplete="new-password" hint=tr("Ít nhất 10 ký tự", "At least 10 characters")/>
                <OutcomeNotice outcome/>
                <button type="submit" class=format!("{BUTTON} w-full") prop:disabled=move || done.get()>{tr("Lưu mật khẩu", "Save password")}</button>
                <A href="/staff/" attr:class="block text-center underline">{tr("Đến trang đăng nhập", "Go to sign-in")}</A>
            </form>
        </section>
    }
}

#[component]
pub fn ChangePassword() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match change_password(current.get_untracked(), new_password.get_untracked()).await {
                Ok(()) => outcome.set(Some(Outcome::Done(
                    tr("Đã đổi mật khẩu.", "Password changed.").into(),
                ))),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class="mx-auto mt-8 max-w-md">
            <h1 class="text-2xl font-bold">{tr("Đổi mật khẩu", "Change password")}</h1>
            <form class=format!("{CARD} space-y-4") on:submit=submit>
                <Field id="current-password" label=tr("Mật khẩu hiện tại", "Current password") value=current kind="password" autocomplete="current-password"/>
                <Field id="changed-password" label=tr("Mật khẩu mới", "New password") value=new_password kind="password"
                    autocomplete="new-password" hint=tr("Ít nhất 10 ký tự", "At least 10 characters")/>
                <OutcomeNotice outcome/>
                <button type="submit" class=format!("{BUTTON} w-full")>{tr("Đổi mật khẩu", "Change password")}</button>
            </form>
        </section>
    }
}
