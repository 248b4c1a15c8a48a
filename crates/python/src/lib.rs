//! The native half of the Python package `filterscope` (its Python half, in `python/`, turns
//! what this returns into DataFrames). Every number comes from the crates data-prep runs, and
//! leaves here as the JSON data-prep prints, so a notebook and the command line agree to the bit.
//!
//! The GIL is released while Rust reads or computes; arrays handed over from numpy are read in
//! place, not copied ([`arrays`]).

mod arrays;
mod errors;
mod site;

use pyo3::prelude::*;

/// The extension module `filterscope._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<site::Site>()?;
    m.add_function(wrap_pyfunction!(site::open, m)?)?;
    m.add("FORMAT_VERSION", filterscope_site::FORMAT_VERSION)?;
    m.add("MAX_MODELS", filterscope_site::MAX_MODELS)?;
    Ok(())
}
