//! The Filterscope explorer's page, compiled to WASM: the views, their figures and the URL. The
//! data worker (src/bin/worker.rs) fetches the site data and computes every statistic with the
//! same crates data-prep uses; the page renders what it answers.

mod app;
mod figure;
mod loader;
mod matrix;
mod plot;
mod route;
mod settled;
mod text;
mod timing;
mod views;
mod yours_state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
