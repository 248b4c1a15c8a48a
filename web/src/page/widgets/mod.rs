//! Widgets several views share.

pub mod choice;
pub mod group_controls;
pub mod large;
