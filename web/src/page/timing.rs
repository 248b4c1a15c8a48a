//! User Timing marks around the work a visitor waits for (first plot, fully loaded, computing a
//! comparison, drawing a plot). They cost nothing measurable, show up in Chrome's performance
//! panel, and are what the browser benchmark (tests/e2e/bench.mjs) reads.

use leptos::prelude::*;

/// Whether the page has drawn its first plot: what waits for it (a comparison's intervals) asks
/// for its data only then, so that it never shares the link with the first plot's.
#[derive(Clone, Copy)]
pub struct FirstPlot(RwSignal<bool>);

impl FirstPlot {
    /// Not drawn yet.
    pub fn new() -> Self {
        FirstPlot(RwSignal::new(false))
    }

    /// A figure has drawn.
    pub fn drawn(self) {
        if !self.0.get_untracked() {
            self.0.set(true);
        }
    }

    /// Whether any figure has drawn (tracked).
    pub fn is_drawn(self) -> bool {
        self.0.get()
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

/// Marks `name` once per page load (milliseconds since navigation, as
/// `performance.getEntriesByName(name)` shows). Returns whether this was the first time.
pub fn mark_once(name: &str) -> bool {
    if let Some(p) = performance() {
        if p.get_entries_by_name(name).length() == 0 {
            let _ = p.mark(name);
            return true;
        }
    }
    false
}

/// Runs `f` and records its duration as the measure `name`.
pub fn measure<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let Some(p) = performance() else {
        return f();
    };
    let start = format!("{name}:start");
    let end = format!("{name}:end");
    let _ = p.mark(&start);
    let out = f();
    let _ = p.mark(&end);
    let _ = p.measure_with_start_mark_and_end_mark(name, &start, &end);
    out
}
