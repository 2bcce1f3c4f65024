//! The start page: the children this device remembers, and the lookup form.

use crate::api::class_view::LoadClassNotice;
use crate::api::parent::{ListSchools, LoadChild, LoadSchool, LookupStudent};
use crate::domain::date::{BirthDateError, Date};
use crate::error::{AppError, Field};
use crate::i18n::Texts;
use crate::model::{SchoolPublic, SchoolSummary};
use crate::ui::components::contacts::SchoolContacts;
use crate::ui::components::notice::{ErrorNotice, FraudWarning};
use crate::ui::rpc::call;
use crate::ui::storage::{self, SavedChild};
use crate::ui::texts;
use leptos::prelude::*;
use leptos::task::spawn_local;

const INPUT: &str = "mt-1 block min-h-12 w-full rounded-lg border border-gray-400 bg-white px-3 text-lg text-gray-900 \
    focus:border-teal-700 focus:outline-none focus:ring-2 focus:ring-teal-600";
/// The school list: as tall as a school's name and logo on a school's own link.
const SELECT: &str =
    "mt-1 block h-14 w-full rounded-lg border border-gray-400 bg-white px-3 text-lg text-gray-900 \
    focus:border-teal-700 focus:outline-none focus:ring-2 focus:ring-teal-600";
const LABEL: &str = "block text-base font-semibold text-gray-900";

#[component]
pub fn LookupPage() -> impl IntoView {
    // Another path draws the page again: its params are fixed here.
    let preset_school = crate::ui::router::param("school");
    let class = crate::ui::router::param("class");
    let children = RwSignal::new(storage::children());
    // On a school's own link: its name, logo and contacts, asked for once
    // (the form shows the name and logo, the contacts sit below it).
    let school = preset_school
        .clone()
        .map(|slug| crate::ui::fetch::Fetch::new(move || call(LoadSchool { slug: slug.clone() })));
    let notice = match (preset_school.clone(), class, school) {
        (Some(slug), Some(class), Some(found)) => {
            Some(view! { <ClassNoticeView school=slug class found/> })
        }
        _ => None,
    };
    let contacts = school.map(|school| view! { <PresetSchoolContacts school/> });
    view! {
        <SavedChildren children/>
        // Laid out exactly as the HTML shell (app/index.html) painted it before the
        // wasm arrived, so nothing moves when the app takes over.
        <section class="mt-6" aria-labelledby="lookup-title">
            <h1 id="lookup-title" class="text-2xl font-bold text-gray-900">{texts().lookup_title}</h1>
            <p class="mt-1 text-base text-gray-700">{texts().lookup_intro}</p>
            <LookupForm preset_school described=school/>
        </section>
        // Below the form: fetched after it is drawn, it must not push the form down.
        {notice}
        {contacts}
        <FraudWarning/>
    }
}

/// On a class link: the class's fees, with no one's name; or, when the school
/// (`found`) has no such class, that it has not.
#[component]
fn ClassNoticeView(school: String, class: String, found: PresetSchool) -> impl IntoView {
    let notice = crate::ui::fetch::Fetch::new(move || {
        call(LoadClassNotice {
            school: school.clone(),
            class_name: class.clone(),
        })
    });
    // What the server drew in the shell (the fees, or that there is no such
    // class) stays until the app has its own copy.
    let drawn = crate::ui::shell::class_fees();
    move || {
        let notice = match (notice.get(), found.get().map(|school| school.is_ok())) {
            // A link cut short in a chat message, or of a class since removed:
            // said so (the form still finds the child), unless the school
            // itself is unknown, which is said below; the server's copy while
            // that is not known yet.
            (Some(Err(AppError::NotFound)), Some(true)) => {
                return Some(view! {
                    <p role="status" class="mt-6 rounded-lg border border-amber-400 bg-amber-50 p-3 text-base text-amber-950" data-testid="unknown-class">
                        {texts().unknown_class}
                    </p>
                }.into_any());
            }
            (None, _) | (Some(Err(AppError::NotFound)), None) => {
                return drawn
                    .clone()
                    .map(|html| view! { <div inner_html=html></div> }.into_any())
            }
            (Some(answer), _) => answer.ok(),
        };
        notice.map(|n| view! {
            <section class="mt-6 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" aria-labelledby="class-fees-title">
                <h2 id="class-fees-title" class="text-xl font-bold text-gray-900">
                    {format!("{} {}", texts().class_fees_title, n.class_name)}
                </h2>
                <p class="text-sm text-gray-700">{n.school_name.clone()}</p>
                <ul class="mt-2">
                    // Each amount with what it is for: a fee per meal day is billed
                    // for every school day of the month, not once.
                    {n.fees.into_iter().map(|(name, amount, unit, mandatory)| view! {
                        <li class="flex flex-wrap justify-between gap-x-2 border-b border-gray-100 py-1" data-testid="class-fee">
                            <span>{name}{(!mandatory).then(|| format!(" ({})", texts().voluntary))}</span>
                            <span><span class="font-semibold">{amount.to_string()}</span>{format!(" {}", unit.per(crate::ui::tr))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }.into_any())
    }
}

/// On a school's own link, the people to call sit right under the form.
#[component]
fn PresetSchoolContacts(school: PresetSchool) -> impl IntoView {
    // What the server drew in the shell stays until the app has its own copy:
    // drawn later, it would push the fraud warning under a parent's thumb.
    let drawn = crate::ui::shell::contacts();
    move || {
        let Some(answer) = school.get() else {
            return drawn
                .clone()
                .map(|html| view! { <div inner_html=html></div> }.into_any());
        };
        Some(match answer {
            Ok(s) => view! { <SchoolContacts contacts=s.contacts/> }.into_any(),
            // A mistyped or outdated school address: said so, so that a parent
            // does not blame the child's code or birth date.
            Err(crate::error::AppError::NotFound) => view! {
                <p role="alert" class="mt-4 rounded-lg border border-amber-400 bg-amber-50 p-3 text-base text-amber-950" data-testid="unknown-school">
                    {crate::ui::tr(
                        "Không tìm thấy trường ở địa chỉ này. Hãy mở lại đúng đường dẫn nhà trường đã gửi, hoặc chọn trường ở trang đầu.",
                        "No school is at this address. Open the exact link the school sent, or choose the school on the first page.")}
                </p>
            }.into_any(),
            Err(_) => ().into_any(),
        })
    }
}

#[component]
fn SavedChildren(children: RwSignal<Vec<SavedChild>>) -> impl IntoView {
    let remove = move |id: String| {
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(texts().confirm_remove).ok())
            .unwrap_or(false);
        if confirmed {
            storage::remove_child(&id);
            children.set(storage::children());
        }
    };
    // None until the parent forgets the phone; then whether it worked.
    let forgotten = RwSignal::new(None::<bool>);
    let forget_phone = move |_| {
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(texts().confirm_forget_phone).ok())
            .unwrap_or(false);
        if confirmed {
            spawn_local(async move {
                forgotten.set(Some(storage::forget_this_device().await.is_ok()));
                children.set(storage::children());
            });
        }
    };
    // Plain closures rather than `<Show>` and a keyed `<For>` (the two cost the
    // first download some 4 KB). On this page the list only shrinks (a child
    // removed, the phone forgotten), so each row is drawn once and taken away
    // when its child is: the others keep their owed figures, not asked again.
    let any = Memo::new(move |_| !children.read().is_empty());
    view! {
        {move || any.get().then(|| view! {
            <section class="mt-6" aria-labelledby="children-title">
                <h2 id="children-title" class="text-xl font-bold text-gray-900">{texts().your_children}</h2>
                <ul class="mt-2 space-y-2">
                    {children.get_untracked().into_iter().map(|child| {
                            let kept = {
                                let id = child.id.clone();
                                Memo::new(move |_| children.read().iter().any(|c| c.id == id))
                            };
                            move || kept.get().then(|| {
                            let child = child.clone();
                            let id = child.id.clone();
                            let name = child.access.student_name.clone();
                            view! {
                                <li class="flex items-stretch gap-2">
                                    <a href=format!("/con/{}", child.id) class="flex min-h-14 flex-1 flex-col justify-center rounded-lg border border-gray-300 bg-white px-4 py-2 hover:border-teal-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-teal-700">
                                        <span class="text-lg font-semibold text-teal-900">{child.access.student_name.clone()}</span>
                                        <span class="text-sm text-gray-700">
                                            {format!("{} · {}", child.access.class_name, child.access.school_name)}
                                        </span>
                                        <Owed child=child.clone()/>
                                    </a>
                                    <button
                                        type="button"
                                        class="min-h-14 min-w-12 rounded-lg border border-gray-300 px-3 text-gray-700 hover:bg-gray-100"
                                        aria-label=format!("{}: {}", texts().remove_child, name)
                                        title=texts().remove_child
                                        on:click=move |_| remove(id.clone())
                                    >
                                        "✕"
                                    </button>
                                </li>
                            }
                            })
                    }).collect_view()}
                </ul>
                <a href="/nop-gop" class="mt-3 inline-flex min-h-12 items-center rounded-lg border-2 border-teal-700 px-4 text-base font-semibold text-teal-800">
                    {texts().pay_together_link}
                </a>
                <div class="mt-3">
                    <button type="button" on:click=forget_phone
                        class="min-h-12 rounded-lg px-2 text-base text-gray-700 underline hover:bg-gray-100">
                        {texts().forget_phone}
                    </button>
                </div>
            </section>
        })}
        {move || match forgotten.get() {
            Some(true) => Some(view! { <p role="status" class="mt-2 rounded-lg bg-green-50 p-3 text-base text-green-900">{texts().forget_phone_done}</p> }.into_any()),
            Some(false) => Some(view! { <p role="alert" class="mt-2 rounded-lg bg-red-50 p-3 text-base text-red-900">{texts().forget_phone_failed}</p> }.into_any()),
            None => None,
        }}
    }
}

/// What a saved child still owes, on the list of children: the parent sees
/// which child needs paying without opening each. The copy kept from the last
/// visit stands in offline, as on the child's page.
#[component]
fn Owed(child: SavedChild) -> impl IntoView {
    let token = child.access.token.clone();
    let key = format!("child.{}.", child.id);
    let overview = crate::ui::fetch::Fetch::new(move || {
        crate::ui::offline::online_or_kept(
            key.clone(),
            call(LoadChild {
                token: token.clone(),
            }),
        )
    });
    move || {
        let seen = overview.get()?.ok()?;
        let owed: crate::domain::money::Vnd = seen
            .value
            .invoices
            .iter()
            .filter(|i| i.status.is_open())
            .map(|i| (i.total - i.paid).clamp_non_negative())
            .sum();
        Some(if owed.is_positive() {
            view! {
                <span class="text-base font-semibold text-red-800" data-testid="child-owed">
                    {format!("{} {}", texts().balance, owed.unbroken())}
                </span>
            }
            .into_any()
        } else {
            view! {
                <span class="text-base font-semibold text-green-800" data-testid="child-owed">
                    {crate::ui::tr("Đã nộp đủ", "All paid")}
                </span>
            }
            .into_any()
        })
    }
}

/// The school a school's own link names, as the server describes it.
type PresetSchool = crate::ui::fetch::Fetch<Result<SchoolPublic, AppError>>;

#[component]
fn LookupForm(preset_school: Option<String>, described: Option<PresetSchool>) -> impl IntoView {
    let navigate = crate::ui::router::use_navigate();
    let is_preset = preset_school.is_some();
    // The list the server put in the shell, when it did: no second request.
    let shell_schools: Vec<SchoolSummary> = crate::ui::shell::schools()
        .into_iter()
        .map(|(slug, name)| SchoolSummary {
            slug,
            name,
            office: String::new(),
        })
        .collect();
    let schools = crate::ui::fetch::Fetch::new(move || {
        let preset = is_preset;
        let known = shell_schools.clone();
        async move {
            if preset {
                Ok(vec![])
            } else if !known.is_empty() {
                Ok(known)
            } else {
                call(ListSchools {}).await
            }
        }
    });
    // What was typed on the shell before the app took over.
    let typed = |id| crate::ui::shell::value(id).unwrap_or_default();
    let school = RwSignal::new(preset_school.clone().unwrap_or_else(|| typed("school")));
    let code = RwSignal::new(typed("student-code"));
    let birth = RwSignal::new(typed("birth-date"));
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);

    let send = move || {
        if pending.get_untracked() {
            return;
        }
        // Say what is missing before asking the server.
        let problem = if school.get_untracked().is_empty() {
            Some(Field::School)
        } else if code.get_untracked().trim().is_empty() {
            Some(Field::StudentCode)
        } else if let Err(e) = Date::parse_birth_date(&birth.get_untracked(), device_today()) {
            Some(match e {
                BirthDateError::Impossible => Field::BirthDateImpossible,
                BirthDateError::Unreadable => Field::BirthDate,
            })
        } else {
            None
        };
        if let Some(field) = problem {
            error.set(Some(AppError::InvalidInput(field)));
            return;
        }
        error.set(None);
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = call(LookupStudent {
                school: school.get_untracked(),
                student_code: code.get_untracked(),
                birth_date: birth.get_untracked(),
            })
            .await;
            pending.set(false);
            match result {
                Ok(access) => {
                    let saved = storage::save_child(access);
                    navigate(&format!("/con/{}", saved.id), false);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = {
        let send = send.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            send();
        }
    };
    // "Tra cứu" pressed on the shell: sent now, as if pressed here.
    if crate::ui::shell::take_pending() {
        send();
    }
    // The caret back where the parent left it on the shell, as soon as this
    // form is in the page: the router draws it in a microtask after the shell
    // is removed, and a key pressed before the caret is back would be lost
    // (the next frame is too late for a parent typing on). The frame after is
    // for a form drawn later still.
    queue_microtask(crate::ui::shell::restore_focus);
    request_animation_frame(crate::ui::shell::restore_focus);

    // On a school's link: its name and logo (the list of schools is not needed).
    let preset = move || described.and_then(|school| school.get());
    // The shell's copy of the name and logo stands in while the app asks for them.
    let slug = preset_school.clone().unwrap_or_default();
    let (shell_name, shell_logo) = match crate::ui::shell::school(&slug) {
        Some((name, logo)) => (Some(name), logo),
        None => (None, false),
    };
    let school_name = move || {
        preset()
            .and_then(Result::ok)
            .map(|s| s.name)
            .or_else(|| shell_name.clone())
    };
    let logo = move || {
        let has_logo = match preset() {
            Some(Ok(s)) => s.has_logo,
            Some(Err(_)) => false,
            None => shell_logo,
        };
        has_logo.then(|| view! { <img src=format!("/logo/{slug}") alt="" class="h-14 w-14 rounded object-contain"/> })
    };

    view! {
        <form class="mt-4 space-y-5 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200" on:submit=submit novalidate>
            {match preset_school {
                Some(_) => view! {
                    <div>
                        <div class=LABEL>{texts().school}</div>
                        // As tall as the shell's school list.
                        <div class="mt-1 flex h-14 items-center justify-between gap-2">
                            {logo}
                            <span class="line-clamp-2 min-w-0 flex-1 text-lg leading-tight font-semibold text-teal-900" data-testid="preset-school">{move || {
                                // A mistyped address: said where the school's name would be,
                                // not only under the form (the whole reason is below it).
                                let unknown = matches!(preset(), Some(Err(AppError::NotFound)));
                                school_name().unwrap_or_else(|| if unknown {
                                    crate::ui::tr("Không tìm thấy trường ở địa chỉ này", "No school at this address").to_string()
                                } else {
                                    String::new()
                                })
                            }}</span>
                            <a href="/" class="inline-flex min-h-11 items-center text-base text-teal-800 underline">{texts().change_school}</a>
                        </div>
                    </div>
                }.into_any(),
                None => view! {
                    <div>
                        <label for="school" class=LABEL>{texts().school}</label>
                        <select
                            id="school"
                            class=SELECT
                            on:change=move |ev| school.set(event_target_value(&ev))
                            prop:value=move || school.get()
                        >
                            <option value="">{texts().choose_school}</option>
                            {move || schools.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|s| {
                                let label = s.name.clone();
                                // Chosen on the shell before the list was drawn.
                                let chosen = s.slug == school.get_untracked();
                                view! { <option value=s.slug selected=chosen>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                }.into_any(),
            }}
            <TextField id="student-code" label=|t| t.student_code hint=|t| t.student_code_hint value=code autocapitalize="characters"/>
            <TextField id="birth-date" label=|t| t.birth_date hint=|t| t.birth_date_hint value=birth inputmode="numeric" placeholder="05/09/2018"/>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            <button
                type="submit"
                class="min-h-12 w-full rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white hover:bg-teal-800 disabled:opacity-60 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-700"
                prop:disabled=move || pending.get()
            >
                {move || if pending.get() { texts().looking_up } else { texts().lookup_button }}
            </button>
            <p class="text-sm text-gray-600">{texts().privacy_note} " "
                <a href="/quyen-rieng-tu.html" rel="external" class="inline-flex min-h-11 items-center underline">{crate::ui::tr("Nhà trường dùng dữ liệu thế nào?", "How the school uses data")}</a>
            </p>
        </form>
    }
}

/// A labelled text input with a hint below it, both read by screen readers.
#[component]
fn TextField(
    id: &'static str,
    label: fn(&Texts) -> &'static str,
    hint: fn(&Texts) -> &'static str,
    value: RwSignal<String>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocapitalize: Option<&'static str>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div>
            <label for=id class=LABEL>{label(texts())}</label>
            <input
                id=id
                name=id
                class=INPUT
                autocomplete="off"
                spellcheck="false"
                inputmode=inputmode
                placeholder=placeholder
                autocapitalize=autocapitalize
                aria-describedby=hint_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p id=hint_id class="mt-1 text-sm text-gray-600">{hint(texts())}</p>
        </div>
    }
}

/// Today by this phone's clock, a day ahead: a phone a few hours behind the
/// school's day must not refuse a child born today (the server checks by its own).
fn device_today() -> Date {
    let now = js_sys::Date::new_0();
    Date::new(
        now.get_full_year() as i32,
        now.get_month() as u8 + 1,
        now.get_date() as u8,
    )
    .map(|d| d.add_days(1))
    // A clock outside the calendar's years: no date is refused as to come.
    .unwrap_or_else(|_| Date::new(2999, 12, 31).expect("a real day"))
}
