//! The explorer's views, one per file.

mod about;
mod compare;
mod controls;
mod find;
mod matrix_controls;
mod model;
mod overview;
mod pair;
mod quality;
mod yours;
mod yours_figures;

pub use about::{data_title, link_or_text, About};
pub use compare::Compare;
pub use model::Model;
pub use overview::Overview;
pub use pair::Pair;
pub use quality::Quality;
pub use yours::Yours;
