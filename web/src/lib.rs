//! The Filterscope explorer's data side: the messages page and worker exchange ([`protocol`], the
//! one file both wasm binaries share) and the data worker ([`worker`]: fetches, verifies, decodes
//! and computes). The page (`src/main.rs`, `src/page/`) is its own binary over [`protocol`].

pub mod protocol;
pub mod worker;
