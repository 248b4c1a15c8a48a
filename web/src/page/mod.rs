//! The page: Leptos components that render what the data worker answers. It holds the URL
//! ([`route`]), talks to the worker ([`loader`]), and draws ([`figure`], [`plot`]); it computes
//! nothing from the data itself.

pub mod app;
pub mod ask_over;
pub mod figure;
pub mod load_error;
pub mod loader;
pub mod matrix;
pub mod offline;
pub mod plot;
pub mod route;
pub mod settled;
pub mod text;
pub mod timing;
pub mod views;
pub mod widgets;
