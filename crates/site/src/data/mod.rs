//! Site data in memory: the manifest and the models table first, then whichever other parts the
//! views ask for, each verified and decoded as it arrives. The queries over it are in `query/`;
//! which parts a query needs is decided there too, so a browser fetches exactly those.

mod add;
mod add_among;
mod add_depths;
mod add_spread;
mod add_values;
mod part;

pub use part::Part;

use std::collections::{BTreeMap, BTreeSet};

use arrow_array::RecordBatch;

use filterscope_stats::{Basis, BinRule, LayerQuality, Precision, Sketch};

use crate::format::tables::{
    self, DepthRow, LayerRow, LayerSketch, ModelRow, ModelTotals, Rollup, SampleRow, StoredSpread,
    ValueCell, ValueDepth, ValueShares, ValueTotal,
};
use crate::{read_entry, FileEntry, IncomingFile, Manifest, SiteError};

/// Site data decoded in memory: the manifest and models at first, other parts as they are added.
///
/// ```
/// use filterscope_site::{encode_site, LayerRow, LayerSketch, ModelRow, Part, SiteContent, SiteData};
/// use filterscope_stats::{Basis, BinRule, LayerQuality, Moments, Precision, Sketch};
///
/// // Two models of one 3x3 layer each, as data-prep would write them.
/// let layer = |k: f64| -> Vec<[f64; 9]> {
///     (0..40).map(|i| std::array::from_fn(|j| ((i * 7 + j) as f64 * k).sin())).collect()
/// };
/// let raw = [layer(0.3), layer(1.7)];
/// let mut sketches: Vec<LayerSketch> = raw
///     .iter()
///     .map(|fs| {
///         let sketch = Sketch::of_layer(fs, Precision::F64);
///         LayerSketch { quality: LayerQuality::measure(fs, 8, &sketch), sketch }
///     })
///     .collect();
/// let mut all = Moments::default();
/// sketches.iter().for_each(|s| all.merge(&s.sketch.scaled));
/// let basis = Basis::from_moments(&all).unwrap();
/// let rule = BinRule::new(-3.0, 3.0);
/// for (s, fs) in sketches.iter_mut().zip(&raw) {
///     for f in fs {
///         assert!(s.sketch.hist.add(&rule, &basis.project(&Precision::F64.scale(f))));
///     }
/// }
/// let model = |name: &str, task: &str| ModelRow { name: name.into(), values: vec![task.into()] };
/// let row = |m: u32| LayerRow {
///     layer_id: m as i64, model: m, conv_depth: 0, conv_depth_norm: 0.0,
///     in_channels: 5, out_channels: 8, n_filters: 40, values: vec![],
/// };
/// let files = encode_site(&SiteContent {
///     producer: "example".into(), source: "two layers".into(),
///     provenance: Default::default(),
///     models: vec![model("a", "Classification"), model("b", "Segmentation")],
///     model_columns: vec!["Task".into()],
///     layers: vec![row(0), row(1)], layer_columns: vec![],
///     sketches, samples: vec![], basis, coef_range: [rule.lo, rule.hi],
///     precision: Precision::F64, label_rules: vec![], corrections: vec![], sample_per_layer: 0, sample_seed: 0,
/// }, 1024).unwrap();
///
/// // What the browser does: the manifest and the models table first...
/// let get = |name: &str| files.iter().find(|(n, _)| n == name).unwrap().1.as_slice();
/// let json = std::str::from_utf8(get("manifest.json")).unwrap();
/// let mut site = SiteData::new(json, get(&SiteData::entry_of(json, Part::Models))).unwrap();
/// // ...then the parts a query needs: here the models' histograms.
/// let needs = site.compare_needs("Task", &[]).unwrap();
/// assert_eq!(needs, [Part::ModelCounts]);
/// for p in needs {
///     let file = site.entry(p).unwrap().file.clone();
///     site.add_bytes(p, get(&file)).unwrap();
/// }
/// let c = site.compare("Task", &[]).unwrap();
/// assert_eq!(c.groups, ["Classification", "Segmentation"]);
/// assert!(c.d[0][1] > 0.0 && c.d[0][1] == c.d[1][0]);
/// ```
#[derive(Debug, Clone)]
pub struct SiteData {
    /// The manifest.
    pub(crate) manifest: Manifest,
    /// Models, in the order of the models table.
    pub(crate) models: Vec<ModelRow>,
    /// Each model's layer and filter count.
    pub(crate) totals: Vec<ModelTotals>,
    /// Layers, in the order of the layers table (empty until [`Part::Layers`] is added).
    pub(crate) layers: Vec<LayerRow>,
    pub(crate) model_sketches: Vec<Sketch>,
    pub(crate) depths: Vec<DepthRow>,
    pub(crate) rollups: Vec<Rollup>,
    /// Per `values` column of the manifest, its values' sketches (empty until loaded).
    pub(crate) value_totals: Vec<Vec<ValueTotal>>,
    /// Loaded chunks of (value, model) sketches, by (column, chunk).
    pub(crate) value_cells: BTreeMap<(usize, usize), Vec<ValueCell>>,
    /// Per `values` column, its (value, depth bucket) sketches (empty until loaded, and for a
    /// layer-level column, whose are cut in chunks and bucket files).
    pub(crate) value_depths: Vec<Vec<ValueDepth>>,
    /// Loaded chunks of a layer-level column's (value, depth bucket) sketches, by (column,
    /// chunk).
    pub(crate) depth_chunks: BTreeMap<(usize, usize), Vec<ValueDepth>>,
    /// Loaded files of a layer-level column's values' sketches in one bucket, by (column,
    /// bucket).
    pub(crate) bucket_values: BTreeMap<(usize, usize), Vec<ValueDepth>>,
    /// Loaded chunks of a layer-level column's (value, depth bucket) sums of shares, by (column,
    /// chunk).
    pub(crate) depth_share_chunks: BTreeMap<(usize, usize), Vec<ValueShares>>,
    /// Loaded files of a layer-level column's values' sums of shares in one bucket, by (column,
    /// bucket).
    pub(crate) bucket_shares: BTreeMap<(usize, usize), Vec<ValueShares>>,
    /// Per `values` column, its values' sums of model shares (empty until loaded, and for a
    /// model-level column).
    pub(crate) value_shares: Vec<Vec<ValueShares>>,
    /// Per model-level column, each (value, bucket)'s sum of its models' shares.
    pub(crate) value_depth_shares: Vec<Vec<ValueShares>>,
    /// Loaded totals of a layer-level column among one model-level value's models, by (column,
    /// `among` entry).
    pub(crate) among_totals: BTreeMap<(usize, usize), Vec<ValueTotal>>,
    /// Loaded sums of shares among one model-level value's models, by (column, `among` entry).
    pub(crate) among_shares: BTreeMap<(usize, usize), Vec<ValueShares>>,
    /// Loaded intervals and floors of grouping by a layer-level column (among all models or
    /// one value's), by part.
    pub(crate) spreads: BTreeMap<Part, StoredSpread>,
    /// Each depth bucket's sum of model shares, `value` its index (empty until loaded).
    pub(crate) depth_shares: Vec<ValueShares>,
    /// Each model's depth buckets, a bit each (the model-buckets table).
    pub(crate) model_buckets: Vec<u16>,
    pub(crate) quality: Vec<LayerQuality>,
    pub(crate) sketches: Vec<Option<LayerSketch>>,
    pub(crate) samples: Vec<Vec<SampleRow>>,
    pub(crate) lite: Vec<Vec<SampleRow>>,
    /// Each layer's lite samples' density cells (empty until [`Part::LiteCells`] is added).
    pub(crate) lite_cells: Vec<Vec<u16>>,
    pub(crate) loaded: BTreeSet<Part>,
    pub(crate) basis: Basis,
    pub(crate) rule: BinRule,
    pub(crate) precision: Precision,
}

/// The single record batch of a table file (the writer puts each table in one batch).
fn one_batch(file: &str, mut batches: Vec<RecordBatch>) -> Result<RecordBatch, SiteError> {
    if batches.len() != 1 {
        return Err(SiteError::Table {
            file: file.to_string(),
            problem: format!("expected one record batch, found {}", batches.len()),
        });
    }
    Ok(batches.remove(0))
}

fn table_err(file: &str, problem: String) -> SiteError {
    SiteError::Table {
        file: file.to_string(),
        problem,
    }
}

impl SiteData {
    /// Decodes the manifest and the models table (verified against it): enough for the overview.
    pub fn new(manifest_json: &str, models: &[u8]) -> Result<Self, SiteError> {
        let manifest = Manifest::parse(manifest_json)?;
        let file = manifest.models.file.clone();
        manifest.models.verify(models)?;
        let (models, totals) = tables::decode_models(
            &file,
            &one_batch(&file, read_entry(&manifest.models, models)?)?,
            &manifest.model_columns,
        )?;
        if models.len() as u64 != manifest.n_models {
            return Err(table_err(
                &file,
                format!(
                    "{} models, the manifest says {}",
                    models.len(),
                    manifest.n_models
                ),
            ));
        }
        let layers: u64 = totals.iter().map(|t| t.n_layers).sum();
        let filters: u64 = totals.iter().map(|t| t.n_filters).sum();
        if layers != manifest.n_layers || filters != manifest.n_filters {
            return Err(table_err(
                &file,
                format!(
                    "totals of {layers} layers and {filters} filters, the manifest says {} and {}",
                    manifest.n_layers, manifest.n_filters
                ),
            ));
        }
        let n_layers = manifest.n_layers as usize;
        Ok(Self {
            basis: manifest.basis(),
            rule: manifest.bin_rule()?,
            precision: manifest.precision()?,
            sketches: vec![None; n_layers],
            samples: vec![Vec::new(); n_layers],
            lite: Vec::new(),
            lite_cells: Vec::new(),
            layers: Vec::new(),
            model_sketches: vec![Sketch::default(); models.len()],
            depths: Vec::new(),
            rollups: Vec::new(),
            value_totals: vec![Vec::new(); manifest.values.len()],
            value_cells: BTreeMap::new(),
            value_depths: vec![Vec::new(); manifest.values.len()],
            depth_chunks: BTreeMap::new(),
            bucket_values: BTreeMap::new(),
            depth_share_chunks: BTreeMap::new(),
            bucket_shares: BTreeMap::new(),
            value_shares: vec![Vec::new(); manifest.values.len()],
            value_depth_shares: vec![Vec::new(); manifest.values.len()],
            among_totals: BTreeMap::new(),
            among_shares: BTreeMap::new(),
            spreads: BTreeMap::new(),
            depth_shares: Vec::new(),
            model_buckets: Vec::new(),
            quality: Vec::new(),
            loaded: BTreeSet::from([Part::Models]),
            manifest,
            models,
            totals,
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Models, in the order of the models table.
    pub fn models(&self) -> &[ModelRow] {
        &self.models
    }

    /// Each model's layer and filter count.
    pub fn totals(&self) -> &[ModelTotals] {
        &self.totals
    }

    /// Layers, in the order of the layers table (empty until [`Part::Layers`] is added).
    pub fn layers(&self) -> &[LayerRow] {
        &self.layers
    }

    /// The global basis.
    pub fn basis(&self) -> &Basis {
        &self.basis
    }

    /// The histogram bins every sketch counts in (the global coefficient range); every D needs them.
    pub fn rule(&self) -> &BinRule {
        &self.rule
    }

    /// The precision the site was built at; a foreign filter must be scaled the same way.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The manifest's entry for `part` (None for a chunk it does not list).
    pub fn entry(&self, part: Part) -> Option<&FileEntry> {
        Self::entry_in(&self.manifest, part)
    }

    /// Whether `part` has been added.
    pub fn has(&self, part: Part) -> bool {
        self.loaded.contains(&part)
    }

    /// Those of `parts` not added yet, in order.
    pub fn missing(&self, parts: &[Part]) -> Vec<Part> {
        parts.iter().copied().filter(|p| !self.has(*p)).collect()
    }

    /// Starts receiving `part`, to be pushed piece by piece.
    pub fn incoming(&self, part: Part) -> Result<IncomingFile, SiteError> {
        let e = self
            .entry(part)
            .ok_or_else(|| SiteError::Query(format!("the manifest lists no {part:?}")))?;
        Ok(IncomingFile::new(e))
    }

    /// The layers a chunk part covers.
    pub fn chunk_range(&self, part: Part) -> Option<std::ops::Range<usize>> {
        let c = match part {
            Part::Sketches(k) => self.manifest.sketches.get(k)?,
            Part::Samples(k) => self.manifest.samples.get(k)?,
            Part::LiteSamples(k) => self.manifest.lite_samples.get(k)?,
            _ => return None,
        };
        let start = c.first_layer as usize;
        let end = (c.first_layer + c.layers).min(self.manifest.n_layers) as usize;
        Some(start..end.max(start))
    }

    /// The chunk parts of a kind (`Part::Sketches`, `Part::Samples` or `Part::LiteSamples`) that
    /// hold any of `layers`.
    pub fn chunks_of(&self, kind: fn(usize) -> Part, layers: &[usize]) -> Vec<Part> {
        let n = match kind(0) {
            Part::Sketches(_) => self.manifest.sketches.len(),
            Part::Samples(_) => self.manifest.samples.len(),
            Part::LiteSamples(_) => self.manifest.lite_samples.len(),
            _ => 0,
        };
        let mut sorted = layers.to_vec();
        sorted.sort_unstable();
        (0..n)
            .map(kind)
            .filter(|&p| {
                let r = self.chunk_range(p).expect("listed");
                // Any layer in r: the first at or after its start.
                let i = sorted.partition_point(|&l| l < r.start);
                sorted.get(i).is_some_and(|&l| l < r.end)
            })
            .collect()
    }

    /// A layer's sketch, once its chunk is loaded.
    pub fn layer_sketch(&self, layer: usize) -> Option<&LayerSketch> {
        self.sketches.get(layer).and_then(|s| s.as_ref())
    }

    /// A layer's quality, from the quality table or its sketch chunk, whichever is loaded.
    pub fn layer_quality(&self, layer: usize) -> Option<&LayerQuality> {
        self.quality
            .get(layer)
            .or_else(|| self.layer_sketch(layer).map(|s| &s.quality))
    }

    /// A layer's sampled filters, once its chunk is loaded.
    pub fn layer_samples(&self, layer: usize) -> &[SampleRow] {
        self.samples.get(layer).map_or(&[], |s| s.as_slice())
    }

    /// A few of a layer's sampled filters, once its [`Part::LiteSamples`] chunk is loaded.
    pub fn lite_samples(&self, layer: usize) -> &[SampleRow] {
        self.lite.get(layer).map_or(&[], |s| s.as_slice())
    }
}
