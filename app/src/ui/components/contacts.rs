use crate::staff::Contact;
use crate::ui::texts;
use leptos::prelude::*;

/// The school's contact people, on every parent page of that school: a call or a
/// Zalo message away.
#[component]
pub fn SchoolContacts(contacts: Vec<Contact>) -> impl IntoView {
    (!contacts.is_empty()).then(|| {
        view! {
            <section class="mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" aria-labelledby="contacts-title">
                <h2 id="contacts-title" class="text-xl font-bold text-gray-900">{texts().contacts_title}</h2>
                <p class="text-sm text-gray-700">{texts().contacts_intro}</p>
                <ul class="mt-2 space-y-3">
                    {contacts.into_iter().map(|c| view! {
                        <li>
                            <div class="font-semibold">{c.name.clone()}
                                <span class="font-normal text-gray-700">{(!c.role.is_empty()).then(|| format!(" · {}", c.role))}</span>
                            </div>
                            <div class="mt-1 flex flex-wrap gap-2">
                                <a href=format!("tel:{}", c.phone) class="inline-flex min-h-11 items-center rounded-lg border border-teal-700 px-3 font-semibold text-teal-800">
                                    {format!("{} {}", texts().call, c.phone)}
                                </a>
                                {c.zalo.map(|z| view! {
                                    <a href=format!("https://zalo.me/{z}") rel="noopener noreferrer" target="_blank"
                                        class="inline-flex min-h-11 items-center rounded-lg border border-sky-700 px-3 font-semibold text-sky-800">
                                        "Zalo"
                                    </a>
                                })}
                            </div>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
