//! What the parent saw last, kept on the device: with no network the installed
//! app still shows a child's invoices, an invoice and its QR, and receipts, and
//! says when that copy was made. Only answers the server gave to this device are
//! kept (in `localStorage`, beside the children's access tokens); forgetting a
//! child forgets its copies.

use crate::error::AppError;
use crate::ui::tr;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// Raised whenever a kept type changes shape: postcard is not self-describing,
/// so an older copy could read as wrong figures instead of failing.
const PREFIX: &str = "hocphi.seen.v3.";
/// Copies kept by earlier versions (v1 JSON; v2 before invoices carried the
/// payer's name and a pending online payment): dropped, the next visit keeps new ones.
const EARLIER_PREFIXES: [&str; 2] = ["hocphi.seen.v1.", "hocphi.seen.v2."];

/// An answer, fresh from the server or the copy kept from an earlier visit.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen<T> {
    pub value: T,
    /// When the kept copy was made (milliseconds since 1970), if this is one.
    pub kept_at: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct Kept<T> {
    at: u64,
    value: T,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Asks the server; keeps a good answer under `key`. When the network fails
/// (and only then), the kept copy stands in. Any other error is the answer:
/// an expired access or a cancelled invoice must not hide behind an old copy.
pub async fn online_or_kept<T, F>(key: String, ask: F) -> Result<Seen<T>, AppError>
where
    T: Serialize + DeserializeOwned,
    F: Future<Output = Result<T, AppError>>,
{
    match ask.await {
        Ok(value) => {
            let kept = Kept {
                at: now_ms(),
                value,
            };
            if let (Some(s), Some(text)) = (storage(), crate::ui::storage::write(&kept)) {
                let _ = s.set_item(&format!("{PREFIX}{key}"), &text);
            }
            Ok(Seen {
                value: kept.value,
                kept_at: None,
            })
        }
        Err(AppError::Network(reason)) => storage()
            .and_then(|s| s.get_item(&format!("{PREFIX}{key}")).ok()?)
            .and_then(|text| crate::ui::storage::read::<Kept<T>>(&text))
            .map(|k| Seen {
                value: k.value,
                kept_at: Some(k.at),
            })
            .ok_or(AppError::Network(reason)),
        Err(e) => Err(e),
    }
}

/// Forgets every copy whose key starts with `key_prefix` (a child removed from the device).
pub fn forget(key_prefix: &str) {
    remove_starting_with(&[&format!("{PREFIX}{key_prefix}")]);
}

/// Forgets the copies an earlier version kept, in a format this one does not read.
pub fn forget_earlier_version() {
    remove_starting_with(&EARLIER_PREFIXES);
}

/// Removes every key that starts with one of `prefixes`, in one pass over the
/// storage's keys (each key read is a call out of the wasm).
fn remove_starting_with(prefixes: &[&str]) {
    let Some(s) = storage() else { return };
    let keys: Vec<String> = (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| prefixes.iter().any(|p| k.starts_with(p)))
        .collect();
    for k in keys {
        let _ = s.remove_item(&k);
    }
}

/// Says that what follows is the kept copy, and how old it is.
#[component]
pub fn KeptNotice(kept_at: Option<u64>) -> impl IntoView {
    kept_at.map(|at| {
        view! {
            <p role="status" data-testid="kept-notice" class="mt-3 rounded-lg bg-amber-50 p-3 text-amber-950 ring-1 ring-amber-200">
                // Not "no network" again (the banner above says it when so), and not
                // claimed when the server, not the network, failed.
                {format!("{} {}.", tr("Đang xem bản đã lưu trên máy này, cập nhật lúc",
                    "Showing the copy kept on this device, last updated"), crate::domain::date::Date::moment_label((at / 1000) as i64))}
            </p>
        }
    })
}
