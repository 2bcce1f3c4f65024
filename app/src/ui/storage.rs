//! What the parent's device remembers, in `localStorage` only: the children looked
//! up (with their access tokens, never a date of birth) and the chosen language.

use crate::i18n::Lang;
use crate::model::ChildAccess;
use serde::{Deserialize, Serialize};

const CHILDREN_KEY: &str = "hocphi.children.v1";
const LANG_KEY: &str = "hocphi.lang";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedChild {
    /// A random id made on this device, used in its local links (`/con/<id>`).
    pub id: String,
    pub access: ChildAccess,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn children() -> Vec<SavedChild> {
    storage()
        .and_then(|s| s.get_item(CHILDREN_KEY).ok()?)
        // From bytes, as the server functions read their answers: one JSON reader
        // in the bundle instead of two (a string reader doubles every type's code).
        .and_then(|json| serde_json::from_slice(json.as_bytes()).ok())
        .unwrap_or_default()
}

fn store_children(list: &[SavedChild]) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(list)) {
        let _ = s.set_item(CHILDREN_KEY, &json);
    }
}

pub fn child(id: &str) -> Option<SavedChild> {
    children().into_iter().find(|c| c.id == id)
}

/// Remembers a child, replacing the earlier entry for the same child (a fresh token).
pub fn save_child(access: ChildAccess) -> SavedChild {
    let mut list = children();
    let same = |c: &SavedChild| {
        c.access.school_slug == access.school_slug && c.access.student_name == access.student_name
    };
    let id = list
        .iter()
        .find(|c| same(c))
        .map(|c| c.id.clone())
        .unwrap_or_else(new_id);
    list.retain(|c| !same(c));
    let saved = SavedChild { id, access };
    list.push(saved.clone());
    store_children(&list);
    // The page's PWA glue (app/pwa.js) offers to install the app now.
    if let (Some(w), Ok(e)) = (web_sys::window(), web_sys::Event::new("hocphi-child-saved")) {
        let _ = w.dispatch_event(&e);
    }
    saved
}

pub fn remove_child(id: &str) {
    let mut list = children();
    list.retain(|c| c.id != id);
    store_children(&list);
    crate::ui::offline::forget(&format!("child.{id}."));
}

fn new_id() -> String {
    let n = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{n:08x}")
}

pub fn lang() -> Lang {
    match storage()
        .and_then(|s| s.get_item(LANG_KEY).ok()?)
        .as_deref()
    {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

pub fn set_lang(lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, lang.code());
    }
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang.code());
    }
}
