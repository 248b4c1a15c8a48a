//! Widgets several views share.

pub mod group_controls;
