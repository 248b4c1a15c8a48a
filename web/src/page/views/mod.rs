//! The explorer's views, one per file or folder: a view's own widgets and figures sit in its
//! folder (compare/, yours/); widgets several views share are in ../widgets.

mod about;
mod compare;
mod model;
mod overview;
mod pair;
mod quality;
pub mod yours;

pub use about::{data_title, link_or_text, About};
pub use compare::Compare;
pub use model::Model;
pub use overview::Overview;
pub use pair::Pair;
pub use quality::Quality;
pub use yours::Yours;
