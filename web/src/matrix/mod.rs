//! A large heatmap a visitor can read: zoom and pan ([`nav::Window`]), a keyboard focus cell,
//! pointer gestures ([`input`]) and highlights drawn over the figure ([`overlay`]).

pub mod input;
pub mod nav;
pub mod overlay;

pub use input::MatrixHooks;
