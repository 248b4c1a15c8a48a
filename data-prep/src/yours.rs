//! `data-prep yours`: model files that are not in a site, in any format the page reads (ONNX,
//! safetensors, PyTorch), held against it and against each other
//! ([`filterscope_site::SiteData::measure_file`], [`filterscope_site::SiteData::rank`] and
//! [`filterscope_site::SiteData::between`], the same code the browser runs).

use std::path::{Path, PathBuf};

use filterscope_site::{Between, SiteData, SiteError, YoursReport, YoursSketch};
use serde::Serialize;

use crate::output::load_site;
use crate::source::onnx_dir::FolderData;
use crate::PrepError;

/// One model file measured and ranked: its report (with what the file held) and its sketch
/// (what a shared link carries).
pub fn measure(site: &SiteData, model: &Path) -> Result<(YoursReport, YoursSketch), PrepError> {
    let name = model
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(model).map_err(|e| PrepError::io(model, e))?;
    let fail = |e: SiteError| PrepError::invalid(model, "model", strip(&name, e));
    let (sketch, file) = site
        .measure_file(&name, bytes, &FolderData::beside(model))
        .map_err(fail)?;
    let mut report = site.rank(&sketch).map_err(fail)?;
    report.file = Some(file);
    Ok((report, sketch))
}

/// The site's message without the leading "name: " ([`PrepError::invalid`] names the path).
fn strip(name: &str, e: SiteError) -> String {
    let m = e.to_string();
    m.strip_prefix(&format!("{name}: "))
        .unwrap_or(&m)
        .to_string()
}

/// The report of the model file `model` against the site folder `site`, and its sketch.
pub fn report(model: &Path, site: &Path) -> Result<(YoursReport, YoursSketch), PrepError> {
    measure(&load_site(site)?, model)
}

/// A file that could not be measured.
#[derive(Debug, Serialize)]
pub struct Refused {
    /// The file as given.
    pub file: String,
    /// Why.
    pub error: String,
}

/// Several model files against the site (`data-prep yours A B C --json`): each one's report,
/// those refused (the others are still reported), and D between the measured ones.
#[derive(Debug, Serialize)]
pub struct Batch {
    /// The reports, in the order given (refused files left out).
    pub models: Vec<YoursReport>,
    /// Files refused, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Refused>,
    /// D between the measured models (two or more).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub between: Option<Between>,
    /// Their sketches, for links.
    #[serde(skip)]
    pub sketches: Vec<YoursSketch>,
}

/// Measures every file of `models` against the site folder `site`, a file at a time (one file's
/// bytes in memory at once); `progress` is called after each.
pub fn batch(
    models: &[PathBuf],
    site: &Path,
    progress: &dyn Fn(&Path),
) -> Result<Batch, PrepError> {
    let site = load_site(site)?;
    let mut b = Batch {
        models: vec![],
        errors: vec![],
        between: None,
        sketches: vec![],
    };
    for m in models {
        match measure(&site, m) {
            Ok((r, s)) => {
                b.models.push(r);
                b.sketches.push(s);
            }
            Err(e) => b.errors.push(Refused {
                file: m.display().to_string(),
                error: e.to_string(),
            }),
        }
        progress(m);
    }
    if b.sketches.len() >= 2 {
        b.between =
            Some(site.between(&b.sketches).map_err(|e| {
                PrepError::invalid(Path::new("(models)"), "between", e.to_string())
            })?);
    }
    Ok(b)
}
