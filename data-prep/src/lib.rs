//! data-prep: turns the CNN Filter DB (HDF5 + meta CSV) or a folder of ONNX models into Filterscope
//! site data, in bounded memory, and answers queries over a site with the same code the browser
//! runs.
#![deny(missing_docs)]

pub mod build;
pub mod output;
pub mod source;
#[cfg(any(test, feature = "test-util", feature = "fuzzing"))]
pub mod testing;
pub mod yours;

use std::path::PathBuf;

use filterscope_open::OpenError;

/// Errors of data-prep. Each names the file, the place in it and the problem.
#[derive(Debug, thiserror::Error)]
pub enum PrepError {
    /// A file could not be read, or its content is wrong at a place: the error of the readers
    /// data-prep shares with the Python package ([`OpenError::Io`], [`OpenError::Invalid`]).
    #[error(transparent)]
    File(#[from] OpenError),
    /// The output folder exists and --force was not given.
    #[error("{0}: already exists; pass --force to replace it")]
    OutputExists(PathBuf),
    /// Reading or querying site data failed.
    #[error(transparent)]
    Site(#[from] filterscope_site::SiteError),
}

impl PrepError {
    /// An I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        PrepError::File(OpenError::io(path, e))
    }

    /// Invalid content at a place of a file.
    pub fn invalid(
        path: impl Into<PathBuf>,
        place: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        PrepError::File(OpenError::invalid(path, place, problem))
    }
}
