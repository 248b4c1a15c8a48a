//! User Timing marks around the work a visitor waits for (first plot, fully loaded, computing a
//! comparison, drawing a plot). They cost nothing measurable, show up in Chrome's performance
//! panel, and are what the browser benchmark (tests/e2e/bench.mjs) reads.

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
