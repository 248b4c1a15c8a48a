//! The one error type of the crate: each case names the file, and what is wrong with it.

use crate::format::version::{FORMAT, FORMAT_VERSION};

/// What to do about a site of another version of this format.
fn rebuild_hint(found: &str, version: u32) -> &'static str {
    if found != FORMAT {
        ""
    } else if version < FORMAT_VERSION {
        ": it was built by an older data-prep; rebuild it with this version"
    } else {
        ": it was built by a newer data-prep; load it with a matching Filterscope"
    }
}

/// Errors reading or querying site data. Each names the file and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A foreign model cannot be compared (no 3x3 filters, a non-finite weight).
    #[error("{0}")]
    Yours(String),
    /// manifest.json is not valid JSON of the expected shape.
    #[error("manifest.json: {0}")]
    Manifest(String),
    /// The manifest is of a format this reader does not know.
    #[error("manifest.json: format {found:?} version {version} is not {FORMAT:?} version {FORMAT_VERSION}{}", rebuild_hint(.found, *.version))]
    UnknownFormat {
        /// the format string found
        found: String,
        /// the version found
        version: u32,
    },
    /// A file's bytes do not match the size or hash in the manifest.
    #[error("{file}: {problem}")]
    Integrity {
        /// the file
        file: String,
        /// size or hash mismatch
        problem: String,
    },
    /// A file is not a readable Arrow IPC stream or lacks a column.
    #[error("{file}: {problem}")]
    Table {
        /// the file
        file: String,
        /// what is wrong
        problem: String,
    },
    /// A query names a column that does not exist, or a malformed filter.
    #[error("{0}")]
    Query(String),
    /// Data needed for a query has not been loaded yet.
    #[error("{0} not loaded yet")]
    NotLoaded(String),
}
