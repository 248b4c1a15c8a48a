//! Queries over loaded site data: global stats, the drift matrix between the groups of any column,
//! and per-layer quality. The browser and `data-prep` call these same functions, so a number can
//! never differ between them.

use std::collections::{BTreeMap, BTreeSet};

use filterscope_stats::{
    depth_bucket, drift_matrix, Histograms, LayerQuality, Merge, Sketch, DEPTH_LABELS,
};
use serde::{Deserialize, Serialize};

use crate::grouping::Grouping;
use crate::tables::LayerRow;
use crate::{Part, SiteData, SiteError};

/// A `COLUMN=VALUE` condition (`COLUMN:VALUE` is read the same way: the URL writes that form, the
/// command line the first; both are accepted everywhere). Conditions on the same column are
/// alternatives (OR); conditions on different columns must all hold (AND).
///
/// ```
/// use filterscope_site::Where;
/// let a: Where = "Visual Category=natural".parse().unwrap();
/// let b: Where = "Visual Category:natural".parse().unwrap();
/// assert_eq!(a, b);
/// // Only the first separator counts: values may hold either character.
/// let t: Where = "Name:resnet=50".parse().unwrap();
/// assert_eq!((t.column.as_str(), t.value.as_str()), ("Name", "resnet=50"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Where {
    /// Column name (a meta column, `model` or `depth`).
    pub column: String,
    /// The value, compared as text.
    pub value: String,
}

impl std::str::FromStr for Where {
    type Err = SiteError;
    fn from_str(s: &str) -> Result<Self, SiteError> {
        // Column names never hold '=' or ':', so the first of either ends the column.
        let (c, v) = s
            .find(['=', ':'])
            .map(|i| (&s[..i], &s[i + 1..]))
            .ok_or_else(|| SiteError::Query(format!("filter {s:?} is not COLUMN=VALUE")))?;
        if c.is_empty() {
            return Err(SiteError::Query(format!("filter {s:?} names no column")));
        }
        Ok(Where {
            column: c.to_string(),
            value: v.to_string(),
        })
    }
}

/// One group of a comparison: its label, merged sketch and size.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The column's value (or depth bucket label).
    pub label: String,
    /// The merged sketch of the group's layers.
    pub sketch: Sketch,
    /// Models with layers in the group.
    pub n_models: u64,
    /// Layers in the group.
    pub n_layers: u64,
}

/// `data-prep stats --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsReport {
    /// Number of filters.
    pub n_filters: u64,
    /// Number of layers.
    pub n_layers: u64,
    /// Number of models.
    pub n_models: u64,
    /// Mean of the scaled filters.
    pub pca_mean: [f64; 9],
    /// Principal components, one row each.
    pub components: [[f64; 9]; 9],
    /// Explained variance ratios.
    pub explained_variance_ratio: [f64; 9],
    /// Global coefficient range.
    pub coef_range: [f64; 2],
}

/// `data-prep compare --json`: the D matrix between groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The grouping column.
    pub by: String,
    /// Group labels: byte order, or bucket order for `depth`.
    pub groups: Vec<String>,
    /// Filters per group.
    pub n_filters: Vec<u64>,
    /// Models with layers in each group.
    pub n_models: Vec<u64>,
    /// Layers per group.
    pub n_layers: Vec<u64>,
    /// Drift between groups.
    #[serde(rename = "D")]
    pub d: Vec<Vec<f64>>,
    /// The groups' average-linkage clustering on `D` (SciPy's linkage matrix, row by row), for
    /// the `cluster` [`Order`](crate::Order) and the dendrogram.
    pub tree: Vec<Merge>,
}

/// `data-prep layers --json`: one layer's quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerReport {
    /// The source's layer id.
    pub layer_id: i64,
    /// Its model's name.
    pub model: String,
    /// Number of filters.
    pub n: u64,
    /// Share of sparse filters.
    pub sparsity: f64,
    /// Variance entropy (base 10).
    pub variance_entropy: f64,
    /// Variance entropy over the randomness threshold.
    pub variance_entropy_ratio: f64,
    /// Degenerated flag.
    pub degenerated: bool,
    /// Orthogonality (null with one out channel).
    pub orthogonality: Option<f64>,
}

impl LayerReport {
    /// The report of layer `layer_id` of `model` with quality `q`.
    pub(crate) fn of(layer_id: i64, model: &str, q: &LayerQuality) -> LayerReport {
        LayerReport {
            layer_id,
            model: model.to_string(),
            n: q.n,
            sparsity: q.sparsity,
            variance_entropy: q.variance_entropy,
            variance_entropy_ratio: q.entropy_ratio,
            degenerated: q.degenerated,
            orthogonality: q.orthogonality,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    Model,
    Depth,
    ModelColumn(usize),
    LayerColumn(usize),
    ConvDepth,
    InChannels,
    OutChannels,
    LayerId,
}

impl Key {
    fn model_level(self) -> bool {
        matches!(self, Key::Model | Key::Depth | Key::ModelColumn(_))
    }
}

/// Filter conditions: OR within a column, AND across columns.
pub(crate) struct Conditions(pub(crate) Vec<(Key, String)>);

impl Conditions {
    pub(crate) fn pass(&self, value: &dyn Fn(Key) -> String) -> bool {
        let mut by_col: BTreeMap<Key, bool> = BTreeMap::new();
        for (k, want) in &self.0 {
            *by_col.entry(*k).or_insert(false) |= value(*k) == *want;
        }
        by_col.values().all(|&ok| ok)
    }

    /// Whether every condition is on a model-level column (so rollups can answer).
    fn model_level(&self) -> bool {
        self.0.iter().all(|(k, _)| k.model_level())
    }
}

/// Which rows answer a grouping: the smallest table that can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Per-model sketches: model-level grouping and filters, depth in neither.
    Models,
    /// Per-bucket sketches: by depth, no filter.
    Depths,
    /// Per (model, bucket) sketches: depth crossed with model-level columns.
    Rollups,
    /// Per-layer sketches: any layer-level column.
    Layers,
}

impl SiteData {
    /// Columns a comparison can group or filter by.
    pub fn columns(&self) -> Vec<String> {
        let mut c = vec!["model".to_string(), "depth".to_string()];
        c.extend(self.manifest.model_columns.iter().cloned());
        c.extend(self.manifest.layer_columns.iter().cloned());
        c.extend(["conv_depth", "in_channels", "out_channels", "layer_id"].map(String::from));
        c
    }

    pub(crate) fn key(&self, column: &str) -> Result<Key, SiteError> {
        if let Some(i) = self.manifest.model_columns.iter().position(|c| c == column) {
            return Ok(Key::ModelColumn(i));
        }
        if let Some(i) = self.manifest.layer_columns.iter().position(|c| c == column) {
            return Ok(Key::LayerColumn(i));
        }
        Ok(match column {
            "model" => Key::Model,
            "depth" => Key::Depth,
            "conv_depth" => Key::ConvDepth,
            "in_channels" => Key::InChannels,
            "out_channels" => Key::OutChannels,
            "layer_id" => Key::LayerId,
            _ => {
                return Err(SiteError::Query(format!(
                    "no column {column:?}; columns: {}",
                    self.columns().join(", ")
                )))
            }
        })
    }

    pub(crate) fn conditions(&self, filters: &[Where]) -> Result<Conditions, SiteError> {
        Ok(Conditions(
            filters
                .iter()
                .map(|w| Ok((self.key(&w.column)?, w.value.clone())))
                .collect::<Result<_, SiteError>>()?,
        ))
    }

    pub(crate) fn value(
        &self,
        key: Key,
        model: u32,
        bucket: usize,
        layer: Option<&LayerRow>,
    ) -> String {
        let m = &self.models[model as usize];
        match (key, layer) {
            (Key::Model, _) => m.name.clone(),
            (Key::Depth, _) => DEPTH_LABELS[bucket].to_string(),
            (Key::ModelColumn(i), _) => m.values[i].clone(),
            (Key::LayerColumn(i), Some(l)) => l.values[i].clone(),
            (Key::ConvDepth, Some(l)) => l.conv_depth.to_string(),
            (Key::InChannels, Some(l)) => l.in_channels.to_string(),
            (Key::OutChannels, Some(l)) => l.out_channels.to_string(),
            (Key::LayerId, Some(l)) => l.layer_id.to_string(),
            _ => unreachable!("layer-level keys are only read with a layer"),
        }
    }

    fn source(&self, by: Key, conds: &Conditions) -> Source {
        if !(by.model_level() && conds.model_level()) {
            return Source::Layers;
        }
        let depth_filtered = conds.0.iter().any(|(k, _)| *k == Key::Depth);
        match (by == Key::Depth, depth_filtered) {
            (false, false) => Source::Models,
            (true, false) if conds.0.is_empty() => Source::Depths,
            _ => Source::Rollups,
        }
    }

    /// The parts grouping by `by` under `filters` reads; with `moments`, also those holding the
    /// groups' moments (for a subset PCA).
    pub fn group_needs(
        &self,
        by: &str,
        filters: &[Where],
        moments: bool,
    ) -> Result<Vec<Part>, SiteError> {
        let by_key = self.key(by)?;
        let conds = self.conditions(filters)?;
        Ok(match self.source(by_key, &conds) {
            Source::Models if moments => vec![Part::ModelCounts, Part::ModelMoments],
            Source::Models => vec![Part::ModelCounts],
            Source::Depths => vec![Part::Depths],
            Source::Rollups => vec![Part::Rollups],
            Source::Layers => {
                let mut v = vec![Part::Layers];
                v.extend((0..self.manifest.sketches.len()).map(Part::Sketches));
                v
            }
        })
    }

    /// The parts [`SiteData::compare`] reads for `by` under `filters`.
    pub fn compare_needs(&self, by: &str, filters: &[Where]) -> Result<Vec<Part>, SiteError> {
        self.group_needs(by, filters, false)
    }

    /// An error naming what of `parts` is not loaded, if anything.
    pub fn require(&self, parts: &[Part]) -> Result<(), SiteError> {
        match self.missing(parts).first() {
            None => Ok(()),
            Some(p) => Err(SiteError::NotLoaded(
                self.entry(*p)
                    .map(|e| e.file.clone())
                    .unwrap_or_else(|| format!("{p:?}")),
            )),
        }
    }

    /// The merged sketch of each group of `by` among the layers that pass `filters`, in the order
    /// `compare` reports them, from the smallest table that answers it ([`SiteData::group_needs`]
    /// says which; an error names a needed part that is not loaded). Moments are merged only if
    /// their part is loaded too.
    pub fn group_sketches(&self, by: &str, filters: &[Where]) -> Result<Vec<Group>, SiteError> {
        self.require(&self.group_needs(by, filters, false)?)?;
        let by_key = self.key(by)?;
        let conds = self.conditions(filters)?;
        let mut g = Grouping::new(by_key, conds);
        match self.source(by_key, &g.conds) {
            Source::Models => {
                for (m, s) in self.model_sketches.iter().enumerate() {
                    let m = m as u32;
                    if g.conds.pass(&|k| self.value(k, m, 0, None)) {
                        let n = self.totals[m as usize].n_layers;
                        g.add(self.value(by_key, m, 0, None), 0, s, Some(m), 0, n);
                    }
                }
            }
            Source::Depths => {
                for r in &self.depths {
                    let b = r.bucket as usize;
                    let label = DEPTH_LABELS[b].to_string();
                    g.add(label, b, &r.sketch, None, r.n_models, r.n_layers);
                }
            }
            Source::Rollups => {
                for r in &self.rollups {
                    let b = r.bucket as usize;
                    if g.conds.pass(&|k| self.value(k, r.model, b, None)) {
                        let label = self.value(by_key, r.model, b, None);
                        g.add(label, b, &r.sketch, Some(r.model), 0, r.n_layers);
                    }
                }
            }
            Source::Layers => {
                let all = self
                    .sketches
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (i, &s.as_ref().expect("all chunks loaded").sketch));
                self.add_layers(&mut g, all);
            }
        }
        Ok(g.finish())
    }

    /// Starts merging the groups of `by` among the layers that pass `filters` from per-layer
    /// sketches fed in by [`SiteData::add_layers`], so that a caller can stream the sketch chunks
    /// and drop each after it is merged (the browser's worker does: the per-layer sketches of
    /// the full DB take about 130 MB). Needs the layers table.
    pub fn layer_grouping(&self, by: &str, filters: &[Where]) -> Result<Grouping, SiteError> {
        self.require(&[Part::Layers])?;
        Ok(Grouping::new(self.key(by)?, self.conditions(filters)?))
    }

    /// Merges layer sketches (layer index, sketch) into `g`. Fed every layer in layer order, the
    /// groups are bit-identical to [`SiteData::group_sketches`]'s.
    pub fn add_layers<'a>(
        &self,
        g: &mut Grouping,
        layers: impl IntoIterator<Item = (usize, &'a Sketch)>,
    ) {
        for (i, s) in layers {
            let Some(l) = self.layers.get(i) else {
                continue;
            };
            let b = depth_bucket(l.conv_depth_norm).unwrap_or(0);
            if g.conds.pass(&|k| self.value(k, l.model, b, Some(l))) {
                let label = self.value(g.by, l.model, b, Some(l));
                g.add(label, b, s, Some(l.model), 0, 1);
            }
        }
    }

    /// The D matrix between `groups` (as [`SiteData::group_sketches`] gives them) of `by`.
    pub fn compare_groups(&self, by: &str, groups: Vec<Group>) -> Comparison {
        let hists: Vec<Histograms> = groups.iter().map(|g| g.sketch.hist.clone()).collect();
        Comparison {
            by: by.to_string(),
            n_filters: groups.iter().map(|g| g.sketch.n()).collect(),
            n_models: groups.iter().map(|g| g.n_models).collect(),
            n_layers: groups.iter().map(|g| g.n_layers).collect(),
            d: drift_matrix(&hists, &self.basis.evr, &self.rule),
            groups: groups.into_iter().map(|g| g.label).collect(),
            tree: vec![],
        }
        .with_tree()
    }

    /// Indices of the layers in group `label` of `by` among those passing `filters` (from the
    /// layers table, which must be loaded; a grouping needs no sketch for this).
    pub fn group_layers(
        &self,
        by: &str,
        filters: &[Where],
        label: &str,
    ) -> Result<Vec<usize>, SiteError> {
        self.require(&[Part::Layers])?;
        let by_key = self.key(by)?;
        let conds = self.conditions(filters)?;
        Ok(self
            .layers
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let b = depth_bucket(l.conv_depth_norm).unwrap_or(0);
                let v = |k| self.value(k, l.model, b, Some(l));
                conds.pass(&v) && v(by_key) == label
            })
            .map(|(i, _)| i)
            .collect())
    }

    /// Whether grouping by `by` under `filters` needs the per-layer sketches.
    pub fn needs_layers(&self, by: &str, filters: &[Where]) -> Result<bool, SiteError> {
        Ok(self.source(self.key(by)?, &self.conditions(filters)?) == Source::Layers)
    }

    /// The sketch of every layer, merged (the whole DB), from the depth table.
    pub fn global_sketch(&self) -> Result<Sketch, SiteError> {
        self.require(&[Part::Depths])?;
        let mut s = Sketch::default();
        for r in &self.depths {
            s.merge(&r.sketch);
        }
        Ok(s)
    }

    /// The parts [`SiteData::column_values`] reads for `column`.
    pub fn values_needs(&self, column: &str) -> Result<Vec<Part>, SiteError> {
        Ok(match self.key(column)? {
            Key::Model | Key::ModelColumn(_) => vec![],
            Key::Depth => vec![Part::Depths],
            _ => vec![Part::Layers],
        })
    }

    /// The distinct values of a column among the layers, sorted as `compare` sorts groups (from
    /// the tables: [`SiteData::values_needs`] says which).
    pub fn column_values(&self, column: &str) -> Result<Vec<String>, SiteError> {
        self.require(&self.values_needs(column)?)?;
        let key = self.key(column)?;
        let set: BTreeSet<String> = match key {
            Key::Depth => {
                return Ok(self
                    .depths
                    .iter()
                    .filter(|r| r.sketch.n() > 0)
                    .map(|r| DEPTH_LABELS[r.bucket as usize].to_string())
                    .collect())
            }
            Key::Model | Key::ModelColumn(_) => (0..self.models.len() as u32)
                .filter(|&m| self.totals[m as usize].n_filters > 0)
                .map(|m| self.value(key, m, 0, None))
                .collect(),
            _ => self
                .layers
                .iter()
                .filter(|l| l.n_filters > 0)
                .map(|l| self.value(key, l.model, 0, Some(l)))
                .collect(),
        };
        Ok(set.into_iter().filter(|v| !v.is_empty()).collect())
    }

    /// The D matrix between the groups of `by`.
    pub fn compare(&self, by: &str, filters: &[Where]) -> Result<Comparison, SiteError> {
        Ok(self.compare_groups(by, self.group_sketches(by, filters)?))
    }

    /// Global counts and basis.
    pub fn stats(&self) -> StatsReport {
        let m = &self.manifest;
        StatsReport {
            n_filters: m.n_filters,
            n_layers: m.n_layers,
            n_models: m.n_models,
            pca_mean: m.basis.mean,
            components: m.basis.components,
            explained_variance_ratio: m.basis.explained_variance_ratio,
            coef_range: m.coef_range,
        }
    }

    /// Quality of every layer, in layer_id order. Needs the layers and quality tables.
    pub fn layer_reports(&self) -> Result<Vec<LayerReport>, SiteError> {
        self.require(&[Part::Layers, Part::Quality])?;
        let mut out: Vec<LayerReport> = self
            .layers
            .iter()
            .zip(&self.quality)
            .map(|(l, q)| LayerReport::of(l.layer_id, &self.models[l.model as usize].name, q))
            .collect();
        out.sort_by_key(|r| r.layer_id);
        Ok(out)
    }
}
