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

/// Errors of data-prep. Each names the file, the place in it and the problem.
#[derive(Debug, thiserror::Error)]
pub enum PrepError {
    /// A file could not be opened or read.
    #[error("{path}: {problem}")]
    Io {
        /// the file
        path: PathBuf,
        /// what failed
        problem: String,
    },
    /// A file's content is wrong at a place.
    #[error("{path}: {place}: {problem}")]
    Invalid {
        /// the file
        path: PathBuf,
        /// where in it (line, dataset, filter index, ...)
        place: String,
        /// what is wrong
        problem: String,
    },
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
        PrepError::Io {
            path: path.into(),
            problem: e.to_string(),
        }
    }

    /// Invalid content at a place of a file.
    pub fn invalid(
        path: impl Into<PathBuf>,
        place: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        PrepError::Invalid {
            path: path.into(),
            place: place.into(),
            problem: problem.into(),
        }
    }
}
