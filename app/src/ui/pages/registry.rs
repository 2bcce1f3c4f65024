//! The public registry of official accounts: every school's receiving accounts
//! that its supervising office (commune/ward or Department of Education) confirmed, with when. The one list a parent can
//! trust when a message claims the school "changed its account".

use crate::api::registry::{official_accounts, OfficialSchool};
use crate::domain::date::Date;
use crate::ui::components::notice::{ErrorNotice, Loading};
use crate::ui::tr;
use leptos::prelude::*;

#[component]
pub fn RegistryPage() -> impl IntoView {
    let school = crate::ui::router::param("school");
    let one = school.is_some();
    let list = crate::ui::fetch::Fetch::new(move || official_accounts(school.clone()));
    let filter = RwSignal::new(String::new());
    view! {
        <section class="py-6" aria-labelledby="registry-title">
            <crate::ui::components::to_fees::ToFees/>
            <h1 id="registry-title" class="text-2xl font-bold text-gray-900">{tr("Tài khoản chính thức của nhà trường", "Schools' official accounts")}</h1>
            <p class="mt-1 text-base text-gray-700">{tr(
                "Chỉ nộp tiền vào các tài khoản dưới đây. Mỗi tài khoản đã được cơ quan quản lý giáo dục (UBND xã/phường hoặc Sở GD&ĐT) xác nhận. Nhà trường không bao giờ đổi tài khoản qua tin nhắn.",
                "Only pay into the accounts below. Each one was confirmed by the school's education authority (its commune or ward, or the Department of Education). Schools never change their account by message.")}</p>
            {(!one).then(|| view! {
                <div class="mt-4">
                    <label for="registry-filter" class="block text-base font-semibold text-gray-900">{tr("Tìm trường", "Find a school")}</label>
                    <input id="registry-filter" type="search" class="mt-1 block min-h-12 w-full rounded-lg border border-gray-400 bg-white px-3 text-lg"
                        on:input=move |ev| filter.set(event_target_value(&ev))/>
                </div>
            })}
            {move || match list.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                Some(Ok(schools)) if schools.is_empty() => view! {
                    <p class="mt-4 rounded-lg bg-amber-50 p-4 text-amber-950" role="status">{tr(
                        "Chưa có tài khoản nào được xác nhận. Chưa nên chuyển tiền: hãy hỏi nhà trường.",
                        "No account is confirmed yet. Do not pay yet: ask the school.")}</p>
                }.into_any(),
                Some(Ok(schools)) => {
                    // "ha long" finds "Hạ Long".
                    let query = crate::domain::search::Query::new(&filter.get());
                    schools.into_iter()
                        .filter(|s| query.matches(&s.name))
                        .map(|s| view! { <SchoolAccounts school=s/> })
                        .collect_view()
                        .into_any()
                }
            }}
            <p class="mt-6"><a class="inline-flex min-h-11 items-center text-teal-800 underline" href="/kiem-tra-qr">{tr("Kiểm tra một mã QR", "Check a QR code")}</a></p>
        </section>
    }
}

#[component]
fn SchoolAccounts(school: OfficialSchool) -> impl IntoView {
    view! {
        <article class="mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" data-testid="registry-school">
            <h2 class="text-xl font-bold text-gray-900">{school.name.clone()}</h2>
            <p class="text-sm text-gray-700">{format!("{} {}", tr("Cơ quan quản lý:", "Supervised by"), school.office)}</p>
            <ul class="mt-2 divide-y divide-gray-100">
                {school.accounts.into_iter().map(|a| view! {
                    <li class="py-2">
                        <div class="text-lg font-semibold">{format!("{} · {}", a.bank_short_name, a.account_number)}</div>
                        <div>{a.account_name.clone()}</div>
                        <div class="text-sm text-gray-700">
                            {if a.wallet { tr("Ví điện tử / Mobile Money", "Mobile Money wallet") } else { tr("Tài khoản ngân hàng", "Bank account") }}
                            {format!(" · {} {} {}", a.confirmed_by_office, tr("xác nhận ngày", "confirmed on"), Date::moment_label(a.confirmed_at))}
                        </div>
                    </li>
                }).collect_view()}
            </ul>
        </article>
    }
}
