//! Site data where it is published, opened for queries, and model files measured against it:
//! what the `data-prep` command line and the Python package share, so that both read, check and
//! measure the same way (and give the same numbers: the queries are `filterscope-site`'s).
//!
//! A site comes from a folder, a tar archive from `data-prep pack` (on disk or at an http(s)
//! URL), or a deployed site's URL; every file is checked against the manifest's size and sha256
//! before it is used, as the browser checks what it fetches.
//!
//! ```no_run
//! let site = filterscope_open::open("target/site/data", None)?;
//! println!("{} filters", site.stats().n_filters);
//! # Ok::<(), filterscope_open::OpenError>(())
//! ```
#![deny(missing_docs)]

mod beside;
mod error;
pub mod files;
mod load;
mod model;

pub use beside::FolderData;
pub use error::OpenError;
pub use load::{load_folder, open};
pub use model::{batch, measure, measure_arrays, Batch, Refused};
