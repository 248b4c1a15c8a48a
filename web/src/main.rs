//! The Filterscope explorer, compiled to WASM: streams site data and computes every view in the
//! browser with the same crates data-prep uses.

mod app;
mod cache;
mod figure;
mod loader;
mod plot;
mod route;
mod timing;
mod views;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    cache::register_service_worker();
}
