//! `data-prep yours`: an ONNX model that is not in a site, held against it
//! ([`filterscope_site::SiteData::measuring`] and [`filterscope_site::SiteData::rank`], the same
//! code the browser runs).

use std::path::Path;

use filterscope_site::{ForeignLayer, SiteData, YoursReport, YoursSketch};

use crate::output::load_site;
use crate::source::onnx_dir::each_layer_of_file;
use crate::PrepError;

/// The report of the model file `model` against the site folder `site`, and the sketch it
/// comes from (what a shared link carries).
/// Each layer is measured as it is decoded, as in the browser.
pub fn report(model: &Path, site: &Path) -> Result<(YoursReport, YoursSketch), PrepError> {
    let site: SiteData = load_site(site)?;
    let name = model
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut m = site.measuring(&name);
    each_layer_of_file(model, &mut |conv| {
        if conv.is_3x3() {
            m.add(&ForeignLayer::from_conv(conv));
        }
    })?;
    let sketch = m.finish()?;
    Ok((site.rank(&sketch)?, sketch))
}
