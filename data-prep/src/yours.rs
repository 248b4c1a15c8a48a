//! `data-prep yours`: an ONNX model that is not in a site, held against it
//! ([`filterscope_site::SiteData::yours`], the same code the browser runs).

use std::path::Path;

use filterscope_site::{ForeignLayer, SiteData, YoursReport, YoursSketch};

use crate::output::load_site;
use crate::source::onnx_dir::read_model_file;
use crate::PrepError;

/// The report of the model file `model` against the site folder `site`, and the sketch it
/// comes from (what a shared link carries).
pub fn report(model: &Path, site: &Path) -> Result<(YoursReport, YoursSketch), PrepError> {
    let convs = read_model_file(model)?;
    let site: SiteData = load_site(site)?;
    let name = model
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sketch = site.measure(&name, &ForeignLayer::of_model(convs))?;
    Ok((site.rank(&sketch)?, sketch))
}
