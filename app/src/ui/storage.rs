//! What the parent's device remembers, in `localStorage` only: the children looked
//! up (with their access tokens, never a date of birth) and the chosen language.

use crate::i18n::Lang;
use crate::model::ChildAccess;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

const CHILDREN_KEY: &str = "hocphi.children.v2";
/// The JSON list of an earlier version, moved to `CHILDREN_KEY` on first read.
const CHILDREN_KEY_V1: &str = "hocphi.children.v1";
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
    let Some(s) = storage() else {
        return Vec::new();
    };
    if let Some(list) = s.get_item(CHILDREN_KEY).ok().flatten() {
        return read(&list).unwrap_or_default();
    }
    let moved = s
        .get_item(CHILDREN_KEY_V1)
        .ok()
        .flatten()
        .map(|json| children_v1(&json))
        .unwrap_or_default();
    if !moved.is_empty() {
        store_children(&moved);
    }
    let _ = s.remove_item(CHILDREN_KEY_V1);
    crate::ui::offline::forget_earlier_version();
    moved
}

fn store_children(list: &[SavedChild]) {
    if let (Some(s), Some(text)) = (storage(), write(&list)) {
        let _ = s.set_item(CHILDREN_KEY, &text);
    }
}

/// A value as kept in `localStorage`: postcard, the encoding the server's
/// answers arrive in (one decoder in the bundle), written as hex text.
pub fn write<T: Serialize>(value: &T) -> Option<String> {
    postcard::to_allocvec(value)
        .ok()
        .map(|bytes| crate::domain::hex::encode(&bytes))
}

/// A value written by `write`; `None` if it is not one (another version's).
pub fn read<T: DeserializeOwned>(text: &str) -> Option<T> {
    postcard::from_bytes(&crate::domain::hex::decode(text)?).ok()
}

/// The children an earlier version kept as JSON, read with the browser's own
/// parser (no JSON code in the bundle for a one-time move). An entry missing
/// any field is dropped: the parent looks that child up again.
fn children_v1(json: &str) -> Vec<SavedChild> {
    use wasm_bindgen::JsValue;
    let Ok(list) = js_sys::JSON::parse(json) else {
        return Vec::new();
    };
    let text = |v: &JsValue, key: &str| {
        js_sys::Reflect::get(v, &JsValue::from_str(key))
            .ok()?
            .as_string()
    };
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|entry| {
            let access = js_sys::Reflect::get(&entry, &JsValue::from_str("access")).ok()?;
            Some(SavedChild {
                id: text(&entry, "id")?,
                access: ChildAccess {
                    token: text(&access, "token")?,
                    school_slug: text(&access, "school_slug")?,
                    school_name: text(&access, "school_name")?,
                    student_name: text(&access, "student_name")?,
                    class_name: text(&access, "class_name")?,
                },
            })
        })
        .collect()
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

/// Removes a child from this device, and asks the server to end the token it
/// held (best effort: offline, the list still forgets the child; "forget this
/// phone" is the way that waits for the server).
pub fn remove_child(id: &str) {
    let mut list = children();
    let token = list
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.access.token.clone());
    list.retain(|c| c.id != id);
    store_children(&list);
    crate::ui::offline::forget(&format!("child.{id}."));
    if let Some(token) = token {
        leptos::task::spawn_local(async move {
            let _ = crate::ui::rpc::call(crate::api::parent::ForgetDevice {
                tokens: vec![token],
            })
            .await;
        });
    }
}

/// "Forget this phone": the server ends every token this device holds, then
/// the device forgets the children and their saved pages. On failure nothing
/// is forgotten here, so the parent can try again with data on.
pub async fn forget_this_device() -> Result<(), crate::error::AppError> {
    let list = children();
    let tokens = list.iter().map(|c| c.access.token.clone()).collect();
    crate::ui::rpc::call(crate::api::parent::ForgetDevice { tokens }).await?;
    for c in &list {
        crate::ui::offline::forget(&format!("child.{}.", c.id));
    }
    store_children(&[]);
    // The complaints this phone filed name the child: forgotten with the rest.
    if let Some(s) = storage() {
        let _ = s.remove_item(COMPLAINTS_KEY);
    }
    Ok(())
}

/// Where the complaints this phone filed are listed (their tracking codes and
/// what they were about, which names the child).
pub const COMPLAINTS_KEY: &str = "hocphi.complaints.v1";

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
