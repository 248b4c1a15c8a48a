//! The data worker's wasm binary (web/src/worker/ has what it does).

fn main() {
    #[cfg(target_arch = "wasm32")]
    filterscope_web::worker::start();
}
