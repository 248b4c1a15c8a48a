//! The site content of `filterscope_site::testing`, shared by the native and wasm32 tests.

pub use filterscope_site::testing::content;
