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

use crate::query::grouping::{Group, Grouping};
use crate::query::key::{Conditions, Key};
use crate::query::source::Source;
use crate::{FileReport, LayerReport, Part, SiteData, SiteError};

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
    /// A conv layer's filters (none unless it is 3x3); its weights are regrouped, not kept.
    pub fn from_conv(mut l: filterscope_onnx::ConvLayer) -> ForeignLayer {
        let weights = l.weights.take().unwrap_or_default();
        ForeignLayer {
            filters: weights
                .chunks_exact(9)
                .map(|c| c.try_into().expect("chunk of 9"))
                .collect(),
            name: l.name,
            conv_depth_norm: l.conv_depth_norm,
            out_channels: l.out_channels,
        }
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
    /// What a shared link left out to stay short ("layers", "depth buckets"); never set by
    /// `data-prep yours`, which reads the whole model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
    /// What the file held and what was taken from it (None when the model comes from a link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileReport>,
}

/// A foreign model measured on the site's terms: everything its [`YoursReport`] is computed
/// from, and everything a shared link carries (see [`YoursSketch::links`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YoursSketch {
    /// The site it was measured against ([`SiteData::fingerprint`]): its bins and basis give the
    /// counts their meaning.
    pub site: u64,
    /// The model's name (its file name).
    pub model: String,
    /// Its 3x3 filters.
    pub n_filters: u64,
    /// Its 3x3 conv layers.
    pub n_layers: u64,
    /// Coefficients outside the site's range (counted in the end bins).
    pub outside: u64,
    /// The model's histograms, 9 x 70 counts, component-major.
    pub counts: Vec<u64>,
    /// Per depth bucket ([`DEPTH_BUCKETS`] of them), the same (None: left out of a shared link).
    pub buckets: Vec<Option<Vec<u64>>>,
    /// Each 3x3 layer's normalised conv depth and quality (None: left out of a shared link).
    pub layers: Option<Vec<(f64, LayerReport)>>,
}

impl YoursSketch {
    /// What of the model this sketch lacks: "layers" (their quality) and "depth buckets ..."
    /// (those whose sketches were left out of a shared link).
    pub fn left_out(&self) -> Vec<String> {
        let mut out = vec![];
        if self.layers.is_none() {
            out.push("layers".to_string());
        }
        let missing: Vec<&str> = (0..DEPTH_BUCKETS.min(self.buckets.len()))
            .filter(|&b| self.buckets[b].is_none())
            .map(|b| DEPTH_LABELS[b])
            .collect();
        if !missing.is_empty() {
            out.push(format!("depth buckets {}", missing.join(" ")));
        }
        out
    }
}

/// A foreign model being measured, layer by layer ([`SiteData::measuring`]).
pub struct Measuring<'a> {
    site: &'a SiteData,
    model: String,
    total: Histograms,
    by_bucket: Vec<Histograms>,
    outside: u64,
    n_filters: u64,
    reports: Vec<(f64, LayerReport)>,
    /// The first layer that could not be measured (the rest are skipped).
    failed: Option<SiteError>,
}

impl Measuring<'_> {
    /// Measures the model's next 3x3 layer.
    pub fn add(&mut self, l: &ForeignLayer) {
        if self.failed.is_some() {
            return;
        }
        if let Err(e) = check_finite(&l.filters) {
            let e = format!("{}: layer {:?}: {e}", self.model, l.name);
            self.failed = Some(SiteError::Yours(e));
            return;
        }
        let s = self.site;
        let mut sketch = Sketch::of_layer(&l.filters, s.precision);
        let (h, out) = histograms_clamped(&s.basis, &s.rule, &l.filters, s.precision);
        sketch.hist = h;
        self.outside += out;
        let q = LayerQuality::measure(&l.filters, l.out_channels, &sketch);
        self.total.merge(&sketch.hist);
        if let Some(b) = depth_bucket(l.conv_depth_norm) {
            self.by_bucket[b].merge(&sketch.hist);
        }
        let k = self.reports.len() as i64;
        self.reports
            .push((l.conv_depth_norm, LayerReport::of(k, &self.model, &q)));
        self.n_filters += l.filters.len() as u64;
    }

    /// The model's sketch, once every layer was added.
    pub fn finish(self) -> Result<YoursSketch, SiteError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if self.n_filters == 0 {
            return Err(SiteError::Yours(format!(
                "{}: no 3x3 convolution filters to compare",
                self.model
            )));
        }
        Ok(YoursSketch {
            site: self.site.fingerprint(),
            n_layers: self.reports.len() as u64,
            n_filters: self.n_filters,
            outside: self.outside,
            counts: self.total.counts().to_vec(),
            buckets: self
                .by_bucket
                .iter()
                .map(|h| Some(h.counts().to_vec()))
                .collect(),
            layers: Some(self.reports),
            model: self.model,
        })
    }
}

/// Ascending D, ties by name.
fn ranked(mut v: Vec<Ranked>) -> Vec<Ranked> {
    v.sort_by(|a, b| {
        let key = |r: &Ranked| r.d.unwrap_or(f64::INFINITY);
        key(a).total_cmp(&key(b)).then(a.name.cmp(&b.name))
    });
    v
}

/// A sketch's 9 x 70 counts as histograms, or why they are not.
pub(crate) fn histograms(counts: &[u64]) -> Result<Histograms, SiteError> {
    Histograms::from_counts(counts.to_vec())
        .ok_or_else(|| SiteError::Yours(format!("{} histogram counts, not 9 x 70", counts.len())))
}

impl SiteData {
    /// What [`SiteData::rank`] needs loaded.
    pub fn yours_needs(&self) -> Vec<Part> {
        vec![Part::ModelCounts, Part::Depths]
    }

    /// A foreign model measured on this site's terms, a layer at a time ([`Measuring::add`],
    /// then [`Measuring::finish`]), so that a layer's filters need not outlive its turn; then
    /// [`SiteData::rank`] ranks it.
    pub fn measuring(&self, model: &str) -> Measuring<'_> {
        Measuring {
            site: self,
            model: model.to_string(),
            total: Histograms::default(),
            by_bucket: vec![Histograms::default(); DEPTH_BUCKETS],
            outside: 0,
            n_filters: 0,
            reports: vec![],
            failed: None,
        }
    }

    /// A fingerprint of what gives a sketch's counts their meaning here: the basis and the bins.
    /// A shared link made against another site is refused rather than ranked wrongly.
    pub fn fingerprint(&self) -> u64 {
        let b = &self.basis;
        let numbers = b
            .mean
            .iter()
            .chain(b.components.iter().flatten())
            .chain(&b.evr)
            .chain(&self.manifest.coef_range);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for x in numbers {
            for byte in x.to_bits().to_le_bytes() {
                h ^= byte as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        h
    }

    /// D per depth bucket: the model's filters there against the site's there (none where
    /// either has no filters).
    fn depth_ranks(&self, m: &YoursSketch) -> Result<Vec<Ranked>, SiteError> {
        if m.buckets.len() != DEPTH_BUCKETS {
            return Err(SiteError::Yours(format!(
                "{} depth buckets, not {DEPTH_BUCKETS}",
                m.buckets.len()
            )));
        }
        let evr = self.basis.evr;
        let mine = m
            .buckets
            .iter()
            .map(|b| b.as_deref().map(histograms).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        let site_buckets = self.group_sketches("depth", &[])?;
        let ranks = DEPTH_LABELS
            .iter()
            .enumerate()
            .map(|(b, label)| {
                let theirs = site_buckets.iter().find(|g| g.label == *label);
                let d = match (&mine[b], theirs) {
                    (Some(h), Some(g)) if h.total() > 0 => {
                        Some(drift(h, &g.sketch.hist, &evr, &self.rule))
                    }
                    _ => None,
                };
                Ranked {
                    name: label.to_string(),
                    d,
                }
            })
            .collect();
        Ok(ranks)
    }

    /// A measured foreign model against the site: D to every model, to the groups of each
    /// model-level column and per depth bucket.
    pub fn rank(&self, m: &YoursSketch) -> Result<YoursReport, SiteError> {
        self.require(&self.yours_needs())?;
        if m.site != self.fingerprint() {
            return Err(SiteError::Yours(format!(
                "{}: measured against another site (its basis or bins differ from this one's); open it with the data it was made with",
                m.model
            )));
        }
        let evr = self.basis.evr;
        let total = histograms(&m.counts)?;
        let d = |h: &Histograms| Some(drift(&total, h, &evr, &self.rule));
        // From the per-model counts this reads anyway (a column's per-value sums, the same
        // counts, are not among what it needs).
        let models = self.per_model_groups("model")?;
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
            let groups = self.per_model_groups(column)?;
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
        let depth_buckets = self.depth_ranks(m)?;
        let (depth, layers) = m.layers.clone().unwrap_or_default().into_iter().unzip();
        Ok(YoursReport {
            model: m.model.clone(),
            n_filters: m.n_filters,
            n_layers: m.n_layers,
            outside_range: m.outside as f64 / (9 * m.n_filters.max(1)) as f64,
            layers,
            depth,
            nearest,
            by,
            depth_buckets,
            counts: m.counts.clone(),
            site_counts: site_total.counts().to_vec(),
            left_out: m.left_out(),
            file: None,
        })
    }

    /// The groups of `by` (`model` or a model-level column), every filter counted once, merged
    /// from the per-model tables, whichever table a grouping by it would read: for a caller that
    /// holds those tables already (ranking a visitor's model), with the same counts.
    pub(crate) fn per_model_groups(&self, by: &str) -> Result<Vec<Group>, SiteError> {
        let key = self.key(by)?;
        if !key.model_level() || key == Key::Depth {
            return Err(SiteError::Query(format!(
                "{by} is not a model-level column"
            )));
        }
        self.require(&self.parts_of(Source::Models, &Conditions(vec![]), false))?;
        let mut g = Grouping::new(key, Conditions(vec![]), false);
        self.merge_from(Source::Models, &mut g);
        Ok(g.finish())
    }
}
