//! The school's children's-data settings: how long after a student left their
//! personal data is anonymised, and the notice parents read.

use super::tr;
use super::widgets::*;
use crate::api::privacy::{retention_days, set_retention_days};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Privacy(school_id: i64) -> impl IntoView {
    let days = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let current = LocalResource::new(move || retention_days(school_id));
    Effect::new(move |_| {
        if let Some(Ok(d)) = current.get() {
            days.set(d.to_string());
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(n) = days.get_untracked().trim().parse::<i64>() else {
            outcome.set(Some(Outcome::Failed(crate::error::AppError::InvalidInput(
                crate::error::Field::Period,
            ))));
            return;
        };
        spawn_local(async move {
            match set_retention_days(school_id, n).await {
                Ok(()) => outcome.set(Some(Outcome::Done(format!(
                    "{} {n} {}",
                    tr("Đã lưu: ẩn danh sau", "Saved: anonymised after"),
                    tr("ngày.", "days.")
                )))),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="privacy-title">
            <h2 id="privacy-title" class=H2>{tr("Dữ liệu cá nhân của học sinh", "Students' personal data")}</h2>
            <p class="text-sm text-gray-700">{tr(
                "Theo Luật Bảo vệ dữ liệu cá nhân (91/2025/QH15): khi phụ huynh yêu cầu, dùng \"Xuất dữ liệu\" hoặc \"Xoá dữ liệu\" ở danh sách học sinh. Mỗi lần xem hay sửa dữ liệu học sinh đều được ghi nhật ký.",
                "Law on Personal Data Protection (91/2025/QH15): on a parent's request, use \"Export data\" or \"Erase data\" in the student list. Every look at or change to students' data is logged.")}</p>
            <form class="mt-2 flex flex-wrap items-end gap-3" on:submit=save>
                <div class="w-48">
                    <Field id="retention-days" label=tr("Ẩn danh sau khi nghỉ học (ngày)", "Anonymise after leaving (days)") value=days hint=tr("từ 30 đến 3650", "30 to 3650")/>
                </div>
                <button type="submit" class=BUTTON>{tr("Lưu", "Save")}</button>
            </form>
            <OutcomeNotice outcome/>
            <p class="mt-2 text-sm"><a class="inline-flex min-h-11 items-center underline" href="/quyen-rieng-tu.html" rel="external">{tr("Thông báo về dữ liệu cá nhân cho phụ huynh", "The privacy notice for parents")}</a></p>
        </section>
    }
}
