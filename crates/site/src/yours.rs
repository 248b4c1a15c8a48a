//! A model that is not in the site, held against it: its layers' quality, and D from its filters
//! to every model of the site, to every group of each model-level column, and depth bucket by
//! depth bucket. One implementation for `data-prep yours` and the browser's worker.
//!
//! A foreign model is measured on the site's terms: each filter is scaled by its L-inf norm,
//! projected on the site's basis (its mean and components, not refitted), and binned into the
//! site's 70 bins over the site's coefficient range; a coefficient outside the range is counted in
//! the nearest end bin, and the share of such coefficients is reported. D uses the site's
//! explained-variance weights.

use std::collections::BTreeMap;

use filterscope_stats::{
    check_finite, depth_bucket, drift, histograms_clamped, Filter, Histograms, LayerQuality,
    Sketch, DEPTH_BUCKETS, DEPTH_LABELS,
};
use serde::{Deserialize, Serialize};

use crate::{LayerReport, Part, SiteData, SiteError};

/// Columns with more values than this are not ranked by group (a name per model says little).
pub const MAX_GROUPS: usize = 50;

/// One 3x3 conv layer of a foreign model.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignLayer {
    /// The layer's name in its model.
    pub name: String,
    /// Its conv depth normalised to 0..=1 (as the site's layers).
    pub conv_depth_norm: f64,
    /// Output channels (for orthogonality).
    pub out_channels: usize,
    /// Raw filters, in (out, in) order.
    pub filters: Vec<Filter>,
}

impl ForeignLayer {
    /// The 3x3 conv layers of a model read by `filterscope_onnx::read_model`.
    pub fn of_model(convs: &filterscope_onnx::ModelConvs) -> Vec<ForeignLayer> {
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
}

/// D to one model, group or depth bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// The model name, group value or bucket label.
    pub name: String,
    /// D from the foreign model (None: the model has no filters in that depth bucket).
    pub d: Option<f64>,
}

/// `data-prep yours --json`: a foreign model against the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YoursReport {
    /// The model's name (its file name).
    pub model: String,
    /// Its 3x3 filters.
    pub n_filters: u64,
    /// Its 3x3 conv layers.
    pub n_layers: u64,
    /// Share of its coefficients outside the site's range (counted in the end bins).
    pub outside_range: f64,
    /// Each layer's quality, as `data-prep layers --json` gives the site's (layer_id: the index
    /// among the model's 3x3 layers).
    pub layers: Vec<LayerReport>,
    /// Each layer's conv depth, normalised (for plotting along depth).
    pub depth: Vec<f64>,
    /// Every site model, nearest first.
    pub nearest: Vec<Ranked>,
    /// For each model-level column with 2..=[`MAX_GROUPS`] values: its groups, nearest first.
    pub by: BTreeMap<String, Vec<Ranked>>,
    /// For each depth bucket, in order: the model's filters there against the site's there.
    pub depth_buckets: Vec<Ranked>,
    /// The model's histograms (9 x 70 counts, component-major), for its distributions.
    pub counts: Vec<u64>,
    /// The site's, likewise (all its models).
    pub site_counts: Vec<u64>,
}

/// Ascending D, ties by name.
fn ranked(mut v: Vec<Ranked>) -> Vec<Ranked> {
    v.sort_by(|a, b| {
        let key = |r: &Ranked| r.d.unwrap_or(f64::INFINITY);
        key(a).total_cmp(&key(b)).then(a.name.cmp(&b.name))
    });
    v
}

impl SiteData {
    /// What [`SiteData::yours`] needs loaded.
    pub fn yours_needs() -> Vec<Part> {
        vec![Part::ModelCounts, Part::Depths]
    }

    /// The report of a foreign model named `model` with `layers` (3x3 layers only) against the
    /// site.
    pub fn yours(&self, model: &str, layers: &[ForeignLayer]) -> Result<YoursReport, SiteError> {
        self.require(&Self::yours_needs())?;
        if layers.iter().all(|l| l.filters.is_empty()) {
            return Err(SiteError::Yours(format!(
                "{model}: no 3x3 convolution filters to compare"
            )));
        }
        let evr = self.basis.evr;
        let mut total = Histograms::default();
        let mut by_bucket = vec![Histograms::default(); DEPTH_BUCKETS];
        let mut outside = 0u64;
        let mut reports = Vec::with_capacity(layers.len());
        for (k, l) in layers.iter().enumerate() {
            check_finite(&l.filters)
                .map_err(|e| SiteError::Yours(format!("{model}: layer {:?}: {e}", l.name)))?;
            let mut sketch = Sketch::of_layer(&l.filters, self.precision);
            let (h, out) = histograms_clamped(&self.basis, &self.rule, &l.filters, self.precision);
            sketch.hist = h;
            outside += out;
            let q = LayerQuality::measure(&l.filters, l.out_channels, &sketch);
            total.merge(&sketch.hist);
            if let Some(b) = depth_bucket(l.conv_depth_norm) {
                by_bucket[b].merge(&sketch.hist);
            }
            reports.push(LayerReport::of(k as i64, model, &q));
        }
        let n_filters: u64 = layers.iter().map(|l| l.filters.len() as u64).sum();
        let d = |h: &Histograms| Some(drift(&total, h, &evr, &self.rule));
        let models = self.group_sketches("model", &[])?;
        let mut site_total = Histograms::default();
        for g in &models {
            site_total.merge(&g.sketch.hist);
        }
        let nearest = ranked(
            models
                .iter()
                .map(|g| Ranked {
                    name: g.label.clone(),
                    d: d(&g.sketch.hist),
                })
                .collect(),
        );
        let mut by = BTreeMap::new();
        for column in &self.manifest.model_columns {
            let groups = self.group_sketches(column, &[])?;
            if (2..=MAX_GROUPS).contains(&groups.len()) {
                let r = groups
                    .iter()
                    .map(|g| Ranked {
                        name: g.label.clone(),
                        d: d(&g.sketch.hist),
                    })
                    .collect();
                by.insert(column.clone(), ranked(r));
            }
        }
        let site_buckets = self.group_sketches("depth", &[])?;
        let depth_buckets = DEPTH_LABELS
            .iter()
            .enumerate()
            .map(|(b, label)| {
                let mine = &by_bucket[b];
                let theirs = site_buckets.iter().find(|g| g.label == *label);
                Ranked {
                    name: label.to_string(),
                    d: match theirs {
                        Some(g) if mine.total() > 0 => {
                            Some(drift(mine, &g.sketch.hist, &evr, &self.rule))
                        }
                        _ => None,
                    },
                }
            })
            .collect();
        Ok(YoursReport {
            model: model.to_string(),
            n_filters,
            n_layers: layers.len() as u64,
            outside_range: outside as f64 / (9 * n_filters.max(1)) as f64,
            layers: reports,
            depth: layers.iter().map(|l| l.conv_depth_norm).collect(),
            nearest,
            by,
            depth_buckets,
            counts: total.counts().to_vec(),
            site_counts: site_total.counts().to_vec(),
        })
    }
}
