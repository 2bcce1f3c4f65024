//! The school's students: the list, filtered and ordered, and each student's
//! record: added or corrected, marked as left or back, their data exported or
//! erased on a parent's request.

use crate::api::students::{list_students, mark_student_left, save_student};
use crate::staff::StudentRow;
use crate::staff_ui::tr;
use crate::staff_ui::widgets::*;
use crate::staff_ui::workspace::Changes;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn Students(school_id: i64, can_edit: bool) -> impl IntoView {
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
    // One save at a time: a double click added the student, then told the
    // accountant the code was taken (by the student just added).
    let saving = OneAtATime::new();
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
        saving.run(async move {
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
        // Asked first, with what it does: one tap beside the name did it.
        if !row.left {
            let ask = format!(
                "{} {} ({}) {} {}",
                tr("Ghi nhận em", "Mark"),
                row.full_name,
                row.class_name,
                tr("nghỉ học?", "as having left?"),
                tr(
                    "Em sẽ không có trong các lần lập hoá đơn sau; hoá đơn còn nợ vẫn giữ nguyên.",
                    "No further invoices will include them; invoices still owed stay as they are."
                )
            );
            if !web_sys::window()
                .and_then(|w| w.confirm_with_message(&ask).ok())
                .unwrap_or(false)
            {
                return;
            }
        }
        spawn_local(async move {
            match mark_student_left(school_id, row.id, !row.left).await {
                Ok(()) => {
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {} ({}) {}",
                        tr("Đã ghi nhận em", "Marked"),
                        row.full_name,
                        row.class_name,
                        if row.left {
                            tr("học lại.", "as back at school.")
                        } else {
                            tr(
                                "nghỉ học. Hoá đơn còn nợ vẫn giữ nguyên.",
                                "as having left. Invoices still owed stay as they are.",
                            )
                        }
                    ))));
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
                        <button type="submit" class=BUTTON prop:disabled=move || saving.busy()>{if id.is_some() { tr("Lưu thay đổi", "Save changes") } else { tr("Thêm", "Add") }}</button>
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
