//! What a parent did on the HTML shell (`app/index.html`) before the app took
//! over: what was typed, which field had the caret, whether "Tra cứu" was
//! pressed (`shell.js` holds the press), and the schools the server filled in.
//! Read once, just before the app replaces the shell, so that nothing typed on
//! a slow connection is lost and the press is sent.

use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Default)]
struct Taken {
    /// Field id → what it held.
    values: Vec<(String, String)>,
    /// The shell's list of schools as the server filled it: (slug, name).
    schools: Vec<(String, String)>,
    /// On a school's link, the school's (slug, name, has a logo) the server wrote.
    school: Option<(String, String, bool)>,
    /// On a class link, the class's fees (or that it has no such class) as
    /// the server drew them.
    class_fees: Option<String>,
    /// On a school's link, its contact people as the server drew them.
    contacts: Option<String>,
    /// The field that had the caret, and where in it.
    focus: Option<(String, Option<u32>, Option<u32>)>,
    pending: bool,
}

thread_local! {
    static TAKEN: RefCell<Taken> = RefCell::default();
}

fn get(target: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn text(target: &JsValue, name: &str) -> Option<String> {
    get(target, name).as_string()
}

/// Reads the shell inside `root` before it is replaced, when the app opens
/// on the lookup page (`/` or a school's link; the other pages' shells show
/// "Đang mở trang…" instead of the form: see `app/shell.js`).
pub fn take_from(root: &web_sys::Element) {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    if path != "/" && !path.starts_with("/s/") {
        return;
    }
    let mut taken = Taken::default();
    for id in FIELDS {
        let Ok(Some(field)) = root.query_selector(&format!("#{id}")) else {
            continue;
        };
        if let Some(value) = text(&field, "value").filter(|v| !v.is_empty()) {
            taken.values.push((id.to_string(), value));
        }
        if id == "school" {
            let options = js_sys::Array::from(&get(&field, "options"));
            taken.schools = options
                .iter()
                .filter_map(|o| Some((text(&o, "value")?, text(&o, "text")?)))
                .filter(|(slug, _)| !slug.is_empty())
                .collect();
        }
    }
    if let Some(active) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .filter(|a| root.contains(Some(a)) && !a.id().is_empty())
    {
        let at = |name| get(&active, name).as_f64().map(|n| n as u32);
        taken.focus = Some((active.id(), at("selectionStart"), at("selectionEnd")));
    }
    taken.school = root
        .query_selector("[data-shell-school]")
        .ok()
        .flatten()
        .and_then(|block| {
            let logo = block.query_selector("img").ok().flatten().is_some();
            Some((
                block.get_attribute("data-shell-slug")?,
                block.get_attribute("data-shell-school")?,
                logo,
            ))
        });
    let drawn = |selector: &str| {
        root.query_selector(selector).ok().flatten().map(|block| {
            // Shown by the app on any page it draws (the shell hides it on a
            // returning family's "opening" page, as the form would push it down).
            let _ = block.remove_attribute("data-shell-lookup");
            block.outer_html()
        })
    };
    taken.class_fees =
        drawn("section[aria-labelledby=\"class-fees-title\"], [data-testid=\"unknown-class\"]");
    taken.contacts = drawn("section[aria-labelledby=\"contacts-title\"]");
    taken.pending = root
        .query_selector("#lookup-shell")
        .ok()
        .flatten()
        .and_then(|form| form.get_attribute("data-pending"))
        .is_some();
    TAKEN.with(|t| *t.borrow_mut() = taken);
}

/// The lookup form's fields, on the shell and in the app alike.
const FIELDS: [&str; 3] = ["school", "student-code", "birth-date"];

/// Keeps what the lookup form's fields hold for the form drawn next, as the
/// shell's are: a change of language draws every page anew, and a
/// grandparent's half-typed code and date went with it.
pub fn keep_typed() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let kept: Vec<(String, String)> = FIELDS
        .iter()
        .filter_map(|id| {
            let field = document.get_element_by_id(id)?;
            Some((
                id.to_string(),
                text(&field, "value").filter(|v| !v.is_empty())?,
            ))
        })
        .collect();
    TAKEN.with(|t| t.borrow_mut().values = kept);
}

/// What the shell's field `id` held, if anything; once (a later lookup form,
/// for another child, starts empty).
pub fn value(id: &str) -> Option<String> {
    TAKEN.with(|t| {
        let values = &mut t.borrow_mut().values;
        let at = values.iter().position(|(field, _)| field == id)?;
        Some(values.remove(at).1)
    })
}

/// The schools the server put in the shell's list (none on a school's link,
/// or when it could not); once.
pub fn schools() -> Vec<(String, String)> {
    TAKEN.with(|t| std::mem::take(&mut t.borrow_mut().schools))
}

/// The name the shell showed for the school of `slug`'s link, and whether
/// with its logo, if it did; once.
pub fn school(slug: &str) -> Option<(String, bool)> {
    TAKEN.with(|t| {
        let mut taken = t.borrow_mut();
        match &taken.school {
            Some((shown, _, _)) if shown == slug => {
                taken.school.take().map(|(_, name, logo)| (name, logo))
            }
            _ => None,
        }
    })
}

/// The class's fees as the server drew them on a class link (markup the
/// server escaped, from this site); once.
pub fn class_fees() -> Option<String> {
    TAKEN.with(|t| t.borrow_mut().class_fees.take())
}

/// The school's contact people as the server drew them on its link (markup
/// the server escaped, from this site); once.
pub fn contacts() -> Option<String> {
    TAKEN.with(|t| t.borrow_mut().contacts.take())
}

/// Whether "Tra cứu" was pressed on the shell; true once.
pub fn take_pending() -> bool {
    TAKEN.with(|t| std::mem::take(&mut t.borrow_mut().pending))
}

/// Puts the caret back where it was on the shell, in the app's field of the
/// same id, once that field is drawn (the page's code may arrive after the
/// app's first render).
pub fn restore_focus() {
    let focus = TAKEN.with(|t| t.borrow().focus.clone());
    let Some((id, start, end)) = focus else {
        return;
    };
    let Some(field) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&id))
    else {
        return;
    };
    TAKEN.with(|t| t.borrow_mut().focus = None);
    if let Ok(field) = field.dyn_into::<web_sys::HtmlElement>() {
        let _ = field.focus();
        if let (Ok(input), Some(start), Some(end)) =
            (field.dyn_into::<web_sys::HtmlInputElement>(), start, end)
        {
            let _ = input.set_selection_range(start, end);
        }
    }
}

/// Empties `root` for the app, all but the shell's header (`data-shell`), which
/// may stand in for the app's own until a task later (`ui::frame`,
/// [`drop_header`]): the two are drawn alike, so the swap is not seen, and the
/// app's first task on a slow phone draws the page alone.
pub fn clear_but_header(root: &web_sys::Element) {
    // The header comes first: what follows it goes, text and comments too.
    while let Some(last) = root.last_child() {
        if last
            .dyn_ref::<web_sys::Element>()
            .is_some_and(|e| e.has_attribute("data-shell"))
        {
            break;
        }
        let _ = root.remove_child(&last);
    }
}

/// Whether the shell's header is there and drawn as the app's is (with the
/// language button, disabled until the app's replaces it).
pub fn header_alike() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("#app > header[data-shell] button")
                .ok()
                .flatten()
        })
        .is_some()
}

/// Removes the shell's header, as the app draws its own in its place.
pub fn drop_header() {
    if let Some(header) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("#app > header[data-shell]").ok().flatten())
    {
        header.remove();
    }
}
