//! What the school's pages share: the note of the last save, and parts of the
//! school's profile as memos.

use crate::staff::SchoolProfile;
use crate::staff_ui::widgets::Outcome;
use leptos::prelude::*;

/// What the last save on the settings page did, shown at the bottom of the
/// screen where it is seen whichever section was saved.
#[derive(Clone, Copy)]
pub(super) struct Flash(pub(super) RwSignal<Option<Outcome>>);

impl Flash {
    pub(super) fn done(self, message: impl Into<String>) {
        self.0.set(Some(Outcome::Done(message.into())));
    }
}

/// One part of the profile, as a memo: drawn again only when that part changed,
/// not after every save on the page.
pub(super) fn part<T: Clone + PartialEq + Send + Sync + 'static>(
    profile: Signal<SchoolProfile>,
    read: fn(&SchoolProfile) -> T,
) -> Signal<T> {
    Signal::from(Memo::new(move |_| profile.with(read)))
}
