//! Why the page shows no data: each case with the message the visitor reads.

use filterscope_web::protocol::{Failure, RefusedUrl};

/// Why loading stopped (the page shows it with a retry button, and no number).
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The browser could not start the data worker.
    NoWorker,
    /// `?data=` (or the default `data/`) names what the page does not load.
    DataUrl {
        given: Option<String>,
        why: RefusedUrl,
    },
    /// A cached page met a newer worker, or the reverse.
    Version,
    /// A message from the worker could not be read.
    Message(Failure),
    /// The worker stopped loading: the file and the problem.
    Worker(Failure),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NoWorker => write!(f, "this browser cannot start the data worker"),
            LoadError::DataUrl {
                given: Some(g),
                why,
            } => write!(f, "?data={g}: {why}"),
            LoadError::DataUrl { given: None, why } => write!(f, "{why}"),
            LoadError::Version => write!(
                f,
                "the page and its data worker are from different versions (the site was just \
                 updated?): reload the page"
            ),
            LoadError::Message(e) => write!(f, "a message from the data worker: {e}"),
            LoadError::Worker(e) => write!(f, "{e}"),
        }
    }
}
