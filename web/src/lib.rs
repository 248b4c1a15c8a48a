//! The Filterscope explorer's data side, shared by its two wasm binaries: the page
//! (`src/main.rs`, Leptos, renders) and the data worker (`src/bin/worker.rs`, fetches, verifies,
//! decodes and computes). They talk through [`protocol`].

pub mod answers;
pub mod cache;
pub mod fetch;
pub mod protocol;
pub mod worker;
