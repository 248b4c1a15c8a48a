//! Whether the page has shown everything it asked for: `data-settled` on the document element
//! while no answer of the data worker is awaited and no figure waits to be drawn, absent
//! otherwise. Screenshot tools and the end-to-end tests wait for it instead of for a duration.
//!
//! The attribute is set a task after the last wait ends, not at once: an answer arrives in
//! one task and the figure it feeds schedules its draw in the microtasks after it, so a moment
//! with nothing awaited in between must not show as settled.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::time::Duration;

use leptos::prelude::*;

thread_local! {
    /// What is awaited now: answers and figures waiting to be drawn, by [`Waiting`] id. Plain
    /// thread-locals rather than reactive storage, so that a view's cleanup can still end its
    /// waits after its reactive values are gone.
    static OPEN: RefCell<HashSet<u64>> = RefCell::new(HashSet::new());
    static NEXT: Cell<u64> = const { Cell::new(0) };
}

/// Something the page waits for: counted from [`Waiting::start`] until [`Waiting::done`] (or
/// until its owner is cleaned up, for a view left before its answer came).
#[derive(Clone, Copy)]
pub struct Waiting(u64);

impl Waiting {
    /// Not waiting yet. Call within a reactive owner (a component or an effect's creator).
    pub fn new() -> Waiting {
        let w = Waiting(NEXT.with(|n| {
            n.set(n.get() + 1);
            n.get()
        }));
        on_cleanup(move || w.done());
        w
    }

    /// Waiting (again): counts once however often called before [`Waiting::done`].
    pub fn start(self) {
        if OPEN.with(|o| o.borrow_mut().insert(self.0)) {
            mark(false);
        }
    }

    /// No longer waiting.
    pub fn done(self) {
        let last = OPEN.with(|o| {
            let mut o = o.borrow_mut();
            o.remove(&self.0) && o.is_empty()
        });
        if last {
            set_timeout(
                || {
                    if OPEN.with(|o| o.borrow().is_empty()) {
                        mark(true);
                    }
                },
                Duration::ZERO,
            );
        }
    }
}

fn mark(settled: bool) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = if settled {
        root.set_attribute("data-settled", "")
    } else {
        root.remove_attribute("data-settled")
    };
}
