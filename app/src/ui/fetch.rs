//! What a page fetches when it opens: `None` until it arrives. A lighter stand-in
//! for Leptos's `LocalResource`, which the parent's pages used the same way (no
//! tracked inputs, no `<Suspense>`): that machinery cost each fetched type some
//! 3–5 KB of wasm, which parents download on slow mobile data.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

pub struct Fetch<T: 'static> {
    value: RwSignal<Option<T>, LocalStorage>,
    again: StoredValue<Box<dyn Fn()>, LocalStorage>,
}

impl<T: 'static> Clone for Fetch<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: 'static> Copy for Fetch<T> {}

impl<T: 'static> Fetch<T> {
    /// Starts fetching at once.
    pub fn new<F, Fut>(fetcher: F) -> Fetch<T>
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = T> + 'static,
    {
        let value = RwSignal::new_local(None);
        let run = move || {
            let pending = fetcher();
            spawn_local(async move {
                let fetched = pending.await;
                // The page may have been left meanwhile: then nobody wants it.
                let _ = value.try_set(Some(fetched));
            });
        };
        run();
        Fetch {
            value,
            again: StoredValue::new_local(Box::new(run)),
        }
    }

    /// Fetches again; what was shown stays until the new value arrives.
    pub fn refetch(&self) {
        let _ = self.again.try_with_value(|run| run());
    }
}

impl<T: Clone + 'static> Fetch<T> {
    /// The value, if it arrived (tracked: a view redraws when it does).
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }

    /// The value, if it arrived, without tracking.
    pub fn get_untracked(&self) -> Option<T> {
        self.value.get_untracked()
    }
}
