//! What can go wrong opening site data or a model file: each error names the file (or URL), the
//! place in it and the problem, as the command line prints it.

use std::path::PathBuf;

use filterscope_site::SiteError;

/// Errors of opening and measuring.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// A file or URL could not be read.
    #[error("{path}: {problem}")]
    Io {
        /// the file or URL
        path: PathBuf,
        /// what failed
        problem: String,
    },
    /// A file's content is wrong at a place.
    #[error("{path}: {place}: {problem}")]
    Invalid {
        /// the file or URL
        path: PathBuf,
        /// where in it (a file of the site, an archive entry, ...)
        place: String,
        /// what is wrong
        problem: String,
    },
    /// The site data refused a query or a part.
    #[error(transparent)]
    Site(#[from] SiteError),
}

impl OpenError {
    /// An I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        OpenError::Io {
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
        OpenError::Invalid {
            path: path.into(),
            place: place.into(),
            problem: problem.into(),
        }
    }
}
