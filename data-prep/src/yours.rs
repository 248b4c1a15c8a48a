//! `data-prep yours`: model files that are not in a site, in any format the page reads (ONNX,
//! safetensors, PyTorch), held against it and against each other
//! ([`filterscope_site::SiteData::measure_file`], [`filterscope_site::SiteData::rank`] and
//! [`filterscope_site::SiteData::between`], the same code the browser runs).

use std::path::{Path, PathBuf};

pub use filterscope_open::{Batch, Refused};
use filterscope_site::{SiteData, YoursReport, YoursSketch};

use crate::output::load_site;
use crate::PrepError;

/// One model file measured and ranked: its report (with what the file held) and its sketch.
pub fn measure(site: &SiteData, model: &Path) -> Result<(YoursReport, YoursSketch), PrepError> {
    Ok(filterscope_open::measure(site, model)?)
}

/// The report of the model file `model` against the site folder `site`, and its sketch.
pub fn report(model: &Path, site: &Path) -> Result<(YoursReport, YoursSketch), PrepError> {
    measure(&load_site(site)?, model)
}

/// Measures every file of `models` against the site folder `site`, a file at a time (one file's
/// bytes in memory at once); `progress` is called after each.
pub fn batch(
    models: &[PathBuf],
    site: &Path,
    progress: &dyn Fn(&Path),
) -> Result<Batch, PrepError> {
    let site = load_site(site)?;
    let label = |k: usize| models[k].display().to_string();
    Ok(filterscope_open::batch(
        &site,
        models.len(),
        &label,
        &mut |k| {
            let r = filterscope_open::measure(&site, &models[k]);
            progress(&models[k]);
            r
        },
    )?)
}
