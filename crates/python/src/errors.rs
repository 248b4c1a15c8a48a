//! The exceptions, one per kind of failure, under one base class; their messages are the
//! command line's (the file, the place, the problem).

use filterscope_open::OpenError;
use filterscope_site::SiteError;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    _native,
    Error,
    PyException,
    "Base class of filterscope's errors."
);
create_exception!(
    _native,
    SiteDataError,
    Error,
    "Site data that cannot be read: missing, truncated, corrupt, or not matching its manifest."
);
create_exception!(
    _native,
    QueryError,
    Error,
    "A query the site cannot answer: an unknown column, filter, weight or order."
);
create_exception!(
    _native,
    ModelError,
    Error,
    "A model that cannot be measured: an unreadable file, or no 3x3 conv kernel in it."
);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("SiteDataError", py.get_type::<SiteDataError>())?;
    m.add("QueryError", py.get_type::<QueryError>())?;
    m.add("ModelError", py.get_type::<ModelError>())?;
    Ok(())
}

/// Opening failed: the data is at fault.
pub fn site_data(e: OpenError) -> PyErr {
    SiteDataError::new_err(e.to_string())
}

/// A query failed: a missing part is the data's fault, anything else the question's.
pub fn query(e: SiteError) -> PyErr {
    match e {
        SiteError::Query(_) => QueryError::new_err(e.to_string()),
        e => SiteDataError::new_err(e.to_string()),
    }
}

/// A bad argument, with the command line's wording.
pub fn argument(e: impl std::fmt::Display) -> PyErr {
    QueryError::new_err(e.to_string())
}

/// A model was refused.
pub fn model(e: impl std::fmt::Display) -> PyErr {
    ModelError::new_err(e.to_string())
}
