//! Importing a class list: pick the file, see what would change and every bad
//! row, then write it all at once.

use super::tr;
use super::widgets::*;
use crate::api::students::{commit_student_import, preview_student_import};
use crate::domain::student_import::RowProblem;
use crate::staff::ImportPreview;
use base64::Engine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

fn row_problem_text(p: &RowProblem) -> String {
    match p {
        RowProblem::MissingCode => tr("thiếu mã học sinh", "student code missing").into(),
        RowProblem::BadCode(c) => format!(
            "{} \"{c}\"",
            tr("mã học sinh không hợp lệ", "invalid student code")
        ),
        RowProblem::MissingName => tr("thiếu họ và tên", "name missing").into(),
        RowProblem::BadBirthDate(d) => {
            format!(
                "{} \"{d}\" ({})",
                tr("ngày sinh không đúng", "invalid date of birth"),
                tr("ngày/tháng/năm", "day/month/year")
            )
        }
        RowProblem::BirthInFuture(d) => format!(
            "{} {d} {}",
            tr("ngày sinh", "date of birth"),
            tr(
                "chưa tới: hãy xem lại năm sinh",
                "is in the future: check the year"
            )
        ),
        RowProblem::AgeUnlikelyForGrade { age, grade } => format!(
            "{} {age} {} {grade}: {}",
            tr(
                "theo ngày sinh, học sinh",
                "by the date of birth, a child of"
            ),
            tr("tuổi không thể học khối", "cannot be in grade"),
            tr("hãy xem lại năm sinh", "check the year of birth")
        ),
        RowProblem::MissingClass => tr("thiếu lớp", "class missing").into(),
        RowProblem::BadGrade(g) => format!("{} \"{g}\"", tr("khối không hợp lệ", "invalid grade")),
        RowProblem::DuplicateCode { code, first_row } => {
            format!(
                "{} {code} {} {first_row}",
                tr("mã", "code"),
                tr("trùng với dòng", "repeats row")
            )
        }
    }
}

/// What a row changes, in words: "lớp 3A → 3D, ngày sinh".
fn change_text(c: &crate::staff::StudentChange) -> String {
    c.fields
        .iter()
        .map(|f| match (f.as_str(), &c.previous_class) {
            ("class", Some(old)) => format!("{} {old} → {}", tr("lớp", "class"), c.class_name),
            ("class", None) => format!("{} {}", tr("vào lớp", "into class"), c.class_name),
            ("name", _) => tr("họ và tên", "name").to_string(),
            ("birth_date", _) => tr("ngày sinh", "date of birth").to_string(),
            (other, _) => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) async fn read_file(input: &web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
}

#[component]
pub fn ImportStudents(school_id: i64) -> impl IntoView {
    let stage = RwSignal::new(Stage::Idle);
    let content = StoredValue::new(String::new());
    let preview = RwSignal::new(None::<ImportPreview>);
    let outcome = RwSignal::new(None);
    let input_ref = NodeRef::<leptos::html::Input>::new();

    let check = move |_| {
        let Some(input) = input_ref.get() else { return };
        let input: web_sys::HtmlInputElement = input.unchecked_into();
        outcome.set(None);
        preview.set(None);
        stage.set(Stage::Reading);
        spawn_local(async move {
            let Some(b64) = read_file(&input).await else {
                stage.set(Stage::Idle);
                // Said as a refusal (it showed in the green of a success).
                outcome.set(Some(Outcome::Refused(
                    tr("Hãy chọn một tệp.", "Please choose a file.").into(),
                )));
                return;
            };
            content.set_value(b64.clone());
            stage.set(Stage::Checking);
            let r = preview_student_import(school_id, b64).await;
            stage.set(Stage::Idle);
            match r {
                Ok(p) => preview.set(Some(p)),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    let changes = super::workspace::Changes::here();
    let commit = move |_| {
        stage.set(Stage::Writing);
        spawn_local(async move {
            let r = commit_student_import(school_id, content.get_value()).await;
            stage.set(Stage::Idle);
            match r {
                Ok(done) => {
                    preview.set(None);
                    // The student list and the class pickers show the new classes now.
                    changes.announce();
                    outcome.set(Some(Outcome::Done(format!(
                        "{} {} · {} {} · {} {}",
                        tr("Đã nhập xong. Thêm mới:", "Import done. Added:"),
                        done.added,
                        tr("cập nhật:", "changed:"),
                        done.changed,
                        tr("giữ nguyên:", "unchanged:"),
                        done.unchanged
                    ))));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };

    // Children moving class are confirmed before anything is written.
    let moves_confirmed = RwSignal::new(false);
    Effect::new(move |_| {
        preview.track();
        moves_confirmed.set(false);
    });

    view! {
        <section class=CARD aria-labelledby="import-title">
            <h2 id="import-title" class=H2>{tr("Nhập danh sách học sinh", "Import the class lists")}</h2>
            <p class="mt-1 text-sm text-gray-700">
                {tr("Tệp .xlsx hoặc .csv có các cột: Mã học sinh, Họ và tên, Ngày sinh (ngày/tháng/năm), Lớp, Khối (không bắt buộc). ",
                    "An .xlsx or .csv file with the columns: student code, full name, date of birth (day/month/year), class, grade (optional). ")}
                <a href="/mau-danh-sach-hoc-sinh.csv" download="mau-danh-sach-hoc-sinh.csv" class="inline-flex min-h-11 items-center underline">{tr("Tải tệp mẫu", "Download the template")}</a>
            </p>
            <div class="mt-3 flex flex-wrap items-end gap-3">
                <div>
                    <label for="import-file" class="block text-sm font-semibold">{tr("Chọn tệp", "Choose a file")}</label>
                    <input id="import-file" type="file" accept=".xlsx,.csv,text/csv" node_ref=input_ref class=FILE_INPUT/>
                </div>
                <button type="button" class=BUTTON on:click=check prop:disabled=move || stage.get() != Stage::Idle>
                    {tr("Kiểm tra tệp", "Check the file")}
                </button>
            </div>
            <StageProgress stage checking=tr("Đang kiểm tra từng dòng…", "Checking every row…") writing=tr("Đang ghi vào cơ sở dữ liệu…", "Writing to the database…")/>
            <OutcomeNotice outcome/>
            {move || preview.get().map(|p| {
                let moves = p.moves();
                view! { <PreviewTable preview=p.clone()/> {p.can_commit().then(|| view! {
                    {(moves > 0).then(|| view! {
                        <label class="mt-3 flex min-h-11 items-center gap-2 rounded-lg bg-amber-50 p-2 text-amber-950">
                            <input type="checkbox" class="h-5 w-5" prop:checked=move || moves_confirmed.get()
                                on:change=move |ev| moves_confirmed.set(event_target_checked(&ev))/>
                            {format!("{} {moves} {}", tr("Tôi đã kiểm tra:", "I have checked:"),
                                tr("học sinh chuyển sang lớp khác như trên là đúng.", "children move to another class as listed above."))}
                        </label>
                    })}
                    <button type="button" class=format!("{BUTTON} mt-3") on:click=commit
                        prop:disabled=move || stage.get() != Stage::Idle || (moves > 0 && !moves_confirmed.get())>
                        {format!("{} ({} + {})", tr("Ghi vào danh sách", "Write to the lists"), p.added.len(), p.changed.len())}
                    </button>
                })} }
            })}
        </section>
    }
}

#[component]
fn PreviewTable(preview: ImportPreview) -> impl IntoView {
    if let Some(problem) = &preview.file_problem {
        return view! { <p role="alert" class="mt-3 rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">{crate::i18n::file_problem(crate::ui::current_lang(), problem)}</p> }.into_any();
    }
    let summary = format!(
        "{} {} · {} {} · {} {} · {} {} · {} {}",
        tr("Số dòng:", "Rows:"),
        preview.rows,
        tr("thêm mới", "new"),
        preview.added.len(),
        tr("thay đổi", "changed"),
        preview.changed.len(),
        tr("giữ nguyên", "unchanged"),
        preview.unchanged,
        tr("dòng lỗi", "rows with errors"),
        preview.errors.len(),
    );
    view! {
        <div class="mt-3" data-testid="import-preview">
            <p class="font-semibold">{summary}</p>
            {(!preview.new_classes.is_empty()).then(|| view! {
                <p class="text-sm">{format!("{} {}", tr("Lớp mới:", "New classes:"), preview.new_classes.join(", "))}</p>
            })}
            {(!preview.errors.is_empty()).then(|| view! {
                <div role="alert" class="mt-2 rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
                    <p class="font-semibold">{tr("Chưa ghi gì. Hãy sửa các dòng sau rồi tải lại tệp:", "Nothing was written. Fix these rows and upload again:")}</p>
                    <ul class="mt-1 list-disc pl-5 text-sm">
                        {preview.errors.iter().take(200).map(|e| view! {
                            <li>{format!("{} {}: {}", tr("Dòng", "Row"), e.row, row_problem_text(&e.problem))}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            <table class="mt-2 w-full text-left text-sm">
                // Each column named: a bare row number read as part of a code.
                <thead class="text-gray-600"><tr>
                    <th class="py-1 pr-2">{tr("Thao tác", "Action")}</th><th class="pr-2">{tr("Dòng", "Row")}</th>
                    <th class="pr-2">{tr("Mã học sinh", "Student code")}</th><th class="pr-2">{tr("Họ và tên", "Name")}</th>
                    <th>{tr("Lớp / thay đổi", "Class / change")}</th>
                </tr></thead>
                <tbody>
                    {preview.added.iter().take(20).map(|c| view! {
                        <tr class="border-t border-gray-100"><td class="py-1 pr-2 text-green-800">{tr("Thêm", "Add")}</td>
                            <td class="pr-2">{c.row}</td><td class="pr-2">{c.code.clone()}</td><td class="pr-2">{c.full_name.clone()}</td><td>{c.class_name.clone()}</td></tr>
                    }).collect_view()}
                    {preview.changed.iter().take(200).map(|c| {
                        let (label, class) = if c.is_move() {
                            (tr("Chuyển lớp", "Moves"), "py-1 pr-2 font-semibold text-amber-900")
                        } else {
                            (tr("Sửa", "Change"), "py-1 pr-2 text-amber-800")
                        };
                        view! {
                            <tr class="border-t border-gray-100" data-testid=if c.is_move() { "import-move" } else { "import-change" }>
                                <td class=class>{label}</td>
                                <td class="pr-2">{c.row}</td><td class="pr-2">{c.code.clone()}</td><td class="pr-2">{c.full_name.clone()}</td>
                                <td>{change_text(c)}</td></tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
