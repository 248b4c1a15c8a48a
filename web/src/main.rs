//! The Filterscope explorer's page, compiled to WASM (src/page/: the views, their figures and the
//! URL). The data worker (src/bin/worker.rs over src/worker/) fetches the site data and computes
//! every statistic with the same crates data-prep uses; the page renders what it answers. The two
//! share only src/protocol/ (the messages and their wire form).

mod page;

fn main() {
    console_error_panic_hook::set_once();
    // The page is built in a task after the one that instantiated the module: the two in one
    // task held the main thread for longer than a visitor's input may wait (50 ms).
    leptos::prelude::set_timeout(
        || leptos::mount::mount_to_body(page::app::App),
        std::time::Duration::ZERO,
    );
}
