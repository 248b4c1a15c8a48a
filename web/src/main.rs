//! The Filterscope explorer's page, compiled to WASM (src/page/: the views, their figures and the
//! URL). The data worker (src/bin/worker.rs over src/worker/) fetches the site data and computes
//! every statistic with the same crates data-prep uses; the page renders what it answers. The two
//! share only src/protocol/ (the messages and their wire form).

mod page;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(page::app::App);
}
