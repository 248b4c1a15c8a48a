//! Models that are not in a site, held against it and against each other: a model file in any
//! format the page reads (ONNX, safetensors, PyTorch), or tensors already in memory. The
//! measuring is the site crate's ([`SiteData::measure_file`], [`SiteData::rank`],
//! [`SiteData::between`]), the code the browser runs; this adds reading from disk and the
//! batch's bookkeeping, which `data-prep yours` and the Python package share.

use std::path::Path;

use filterscope_checkpoint::Tensor;
use filterscope_site::{Between, FileReport, SiteData, SiteError, YoursReport, YoursSketch};
use serde::Serialize;

use crate::beside::FolderData;
use crate::OpenError;

/// The site's message without the leading "name: " (the error names the path itself).
fn strip(name: &str, e: SiteError) -> String {
    let m = e.to_string();
    m.strip_prefix(&format!("{name}: "))
        .unwrap_or(&m)
        .to_string()
}

/// One model file measured and ranked: its report (with what the file held) and its sketch
/// (what a shared link carries).
pub fn measure(site: &SiteData, model: &Path) -> Result<(YoursReport, YoursSketch), OpenError> {
    let name = model
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(model).map_err(|e| OpenError::io(model, e))?;
    let measured = site.measure_file(&name, bytes, &FolderData::beside(model));
    ranked(site, model, &name, measured)
}

/// A model given as named arrays in memory ([`SiteData::measure_arrays`]), measured and ranked
/// as [`measure`] does a file; `name` names it in the report and in errors.
pub fn measure_arrays(
    site: &SiteData,
    name: &str,
    tensors: Vec<Tensor>,
    data: &[&[u8]],
) -> Result<(YoursReport, YoursSketch), OpenError> {
    let measured = site.measure_arrays(name, tensors, data);
    ranked(site, Path::new(name), name, measured)
}

/// A measured model ranked against the site, its file report in its report; errors name `path`
/// (the site's message, which starts with `name`, without it).
fn ranked(
    site: &SiteData,
    path: &Path,
    name: &str,
    measured: Result<(YoursSketch, FileReport), SiteError>,
) -> Result<(YoursReport, YoursSketch), OpenError> {
    let fail = |e: SiteError| OpenError::invalid(path, "model", strip(name, e));
    let (sketch, file) = measured.map_err(fail)?;
    let mut report = site.rank(&sketch).map_err(fail)?;
    report.file = Some(file);
    Ok((report, sketch))
}

/// A model that could not be measured.
#[derive(Debug, Serialize)]
pub struct Refused {
    /// The file (or the model's name) as given.
    pub file: String,
    /// Why.
    pub error: String,
}

/// Several models against the site (`data-prep yours A B C --json`): each one's report, those
/// refused (the others are still reported), and D between the measured ones.
#[derive(Debug, Serialize)]
pub struct Batch {
    /// The reports, in the order given (refused models left out).
    pub models: Vec<YoursReport>,
    /// Models refused, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Refused>,
    /// D between the measured models (two or more).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub between: Option<Between>,
    /// Their sketches, for links.
    #[serde(skip)]
    pub sketches: Vec<YoursSketch>,
}

/// Gathers the models measured one at a time by `each` (called with 0..n, the models' order; its
/// error is the refusal, `label` names the model in it), then D between them. One model's bytes
/// are in memory at a time when `each` reads a file.
pub fn batch(
    site: &SiteData,
    n: usize,
    label: &dyn Fn(usize) -> String,
    each: &mut dyn FnMut(usize) -> Result<(YoursReport, YoursSketch), OpenError>,
) -> Result<Batch, OpenError> {
    let mut b = Batch {
        models: vec![],
        errors: vec![],
        between: None,
        sketches: vec![],
    };
    for k in 0..n {
        match each(k) {
            Ok((r, s)) => {
                b.models.push(r);
                b.sketches.push(s);
            }
            Err(e) => b.errors.push(Refused {
                file: label(k),
                error: e.to_string(),
            }),
        }
    }
    if b.sketches.len() >= 2 {
        b.between =
            Some(site.between(&b.sketches).map_err(|e| {
                OpenError::invalid(Path::new("(models)"), "between", e.to_string())
            })?);
    }
    Ok(b)
}
