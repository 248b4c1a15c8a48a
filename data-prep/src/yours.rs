//! `data-prep yours`: an ONNX model that is not in a site, held against it
//! ([`filterscope_site::SiteData::yours`], the same code the browser runs).

use std::path::Path;

use filterscope_site::{ForeignLayer, SiteData, YoursReport};

use crate::output::load_site;
use crate::source::onnx_dir::read_model_file;
use crate::PrepError;

/// The report of the model file `model` against the site folder `site`.
pub fn report(model: &Path, site: &Path) -> Result<YoursReport, PrepError> {
    let convs = read_model_file(model)?;
    let site: SiteData = load_site(site)?;
    let name = model
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(site.yours(&name, &ForeignLayer::of_model(&convs))?)
}
