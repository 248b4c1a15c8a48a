//! What the page does for offline repeat visits: registers the service worker that keeps the app
//! (web/sw.js; the data files are the worker's Cache API store, worker/cache.rs), and makes the
//! data's URL absolute, the form the worker's cache keys take.

/// `url` made absolute against the page (cache keys are absolute).
pub fn absolute(url: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    web_sys::Url::new_with_base(url, &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| url.to_string())
}

/// Registers the service worker that keeps the app itself for offline use (web/sw.js).
pub fn register_service_worker() {
    // Once a page: later calls (another first plot, the Your model view) do nothing.
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    if let Some(w) = web_sys::window() {
        let nav = w.navigator();
        if js_sys::Reflect::has(&nav, &"serviceWorker".into()).unwrap_or(false) {
            let _ = nav.service_worker().register("sw.js");
        }
    }
}
