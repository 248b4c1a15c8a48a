//! `data-prep yours`: an ONNX model that is not in a site, held against it
//! ([`filterscope_site::SiteData::yours`], the same code the browser runs).

use std::path::Path;

use filterscope_site::{ForeignLayer, SiteData, YoursReport};

use crate::output::load_site;
use crate::source::onnx_dir::read_model_file;
use crate::PrepError;

/// The 3x3 layers of a model read by the ONNX reader, as the site compares them.
pub fn foreign_layers(convs: &filterscope_onnx::ModelConvs) -> Vec<ForeignLayer> {
    convs
        .layers
        .iter()
        .filter(|l| l.is_3x3())
        .map(|l| ForeignLayer {
            name: l.name.clone(),
            conv_depth_norm: l.conv_depth_norm,
            out_channels: l.out_channels,
            filters: l.filters(),
        })
        .collect()
}

/// The report of the model file `model` against the site folder `site`.
pub fn report(model: &Path, site: &Path) -> Result<YoursReport, PrepError> {
    let convs = read_model_file(model)?;
    let site: SiteData = load_site(site)?;
    let name = model
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(site.yours(&name, &foreign_layers(&convs))?)
}
