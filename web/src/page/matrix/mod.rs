//! A large heatmap a visitor can read: zoom and pan ([`nav::Window`]), a keyboard focus cell and
//! pointer gestures ([`input`]). The figure draws the highlights over it (figure/overlay.rs).

pub mod input;
pub mod nav;

pub use input::MatrixHooks;
