//! Site data in memory: the manifest and tables, verified and decoded, then the per-layer
//! chunks as they arrive. The queries over it are in `query.rs`.

use arrow_array::RecordBatch;
use filterscope_stats::{Basis, BinRule, Precision, DEPTH_BUCKETS};

use crate::tables::{LayerRow, LayerSketch, ModelRow, Rollup, SampleRow, Tables};
use crate::{read_batches, ChunkEntry, IncomingFile, Manifest, SiteError};

/// The two kinds of per-layer chunk a site streams after its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// Per-layer sketches and quality (`sketches-NNNN.arrow`).
    Sketches,
    /// Per-layer sampled filters (`samples-NNNN.arrow`).
    Samples,
}

impl ChunkKind {
    /// Both kinds, in the order they load.
    pub const ALL: [ChunkKind; 2] = [ChunkKind::Sketches, ChunkKind::Samples];

    fn name(self) -> &'static str {
        match self {
            ChunkKind::Sketches => "sketch",
            ChunkKind::Samples => "sample",
        }
    }
}

/// Site data decoded in memory. Tables first; sketch and sample chunks as they arrive.
///
/// ```
/// use filterscope_site::{encode_site, LayerRow, LayerSketch, ModelRow, SiteContent, SiteData};
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
///     models: vec![model("a", "Classification"), model("b", "Segmentation")],
///     model_columns: vec!["Task".into()],
///     layers: vec![row(0), row(1)], layer_columns: vec![],
///     sketches, samples: vec![], basis, coef_range: [rule.lo, rule.hi],
///     precision: Precision::F64, label_rules: vec![], sample_per_layer: 0, sample_seed: 0,
/// }, 1024).unwrap();
///
/// // What the browser does: the manifest and three small tables first...
/// let get = |name: &str| files.iter().find(|(n, _)| n == name).unwrap().1.as_slice();
/// let site = SiteData::new(
///     std::str::from_utf8(get("manifest.json")).unwrap(),
///     get("models.arrow"), get("layers.arrow"), get("rollups.arrow"),
/// ).unwrap();
/// // ...which answer every model-level comparison exactly.
/// let c = site.compare("Task", &[]).unwrap();
/// assert_eq!(c.groups, ["Classification", "Segmentation"]);
/// assert!(c.d[0][1] > 0.0 && c.d[0][1] == c.d[1][0]);
/// ```
#[derive(Debug, Clone)]
pub struct SiteData {
    /// The manifest.
    pub manifest: Manifest,
    /// Models, in the order of the models table.
    pub models: Vec<ModelRow>,
    /// Layers, in the order of the layers table.
    pub layers: Vec<LayerRow>,
    /// Per (model, depth bucket) sketches.
    pub rollups: Vec<Rollup>,
    pub(crate) sketches: Vec<Option<LayerSketch>>,
    pub(crate) samples: Vec<Vec<SampleRow>>,
    pub(crate) sketch_chunks: Vec<bool>,
    pub(crate) sample_chunks: Vec<bool>,
    pub(crate) basis: Basis,
    pub(crate) rule: BinRule,
    pub(crate) precision: Precision,
}

/// The rows of chunk `k` of a manifest list, decoded from its verified batches, with the chunk's
/// file name and layer range (which the caller checks the rows against).
type ChunkRows<T> = (String, std::ops::Range<u64>, Vec<T>);

fn decode_chunk<T>(
    list: &[ChunkEntry],
    kind: &str,
    k: usize,
    batches: &[RecordBatch],
    decode: impl Fn(&str, &RecordBatch) -> Result<Vec<T>, SiteError>,
) -> Result<ChunkRows<T>, SiteError> {
    let c = chunk_entry(list, kind, k)?;
    let mut rows = Vec::new();
    for b in batches {
        rows.extend(decode(&c.entry.file, b)?);
    }
    Ok((
        c.entry.file.clone(),
        c.first_layer..c.first_layer + c.layers,
        rows,
    ))
}

/// Entry `k` of a manifest's chunk list.
fn chunk_entry<'a>(
    list: &'a [ChunkEntry],
    kind: &str,
    k: usize,
) -> Result<&'a ChunkEntry, SiteError> {
    list.get(k)
        .ok_or_else(|| SiteError::Query(format!("no {kind} chunk {k}")))
}

/// The single record batch of a table file (the writer puts each table in one batch).
fn one_batch(file: &str, bytes: &[u8]) -> Result<arrow_array::RecordBatch, SiteError> {
    let mut batches = read_batches(file, bytes)?;
    if batches.len() != 1 {
        return Err(SiteError::Table {
            file: file.to_string(),
            problem: format!("expected one record batch, found {}", batches.len()),
        });
    }
    Ok(batches.remove(0))
}

impl SiteData {
    /// Decodes the manifest and the three small tables, verifying each against the manifest.
    pub fn new(
        manifest_json: &str,
        models: &[u8],
        layers: &[u8],
        rollups: &[u8],
    ) -> Result<Self, SiteError> {
        let manifest = Manifest::parse(manifest_json)?;
        manifest.models.verify(models)?;
        manifest.layers.verify(layers)?;
        manifest.rollups.verify(rollups)?;
        let models = Tables::decode_models(
            &manifest.models.file,
            &one_batch(&manifest.models.file, models)?,
            &manifest.model_columns,
        )?;
        let layers = Tables::decode_layers(
            &manifest.layers.file,
            &one_batch(&manifest.layers.file, layers)?,
            &manifest.layer_columns,
        )?;
        let rollups = Tables::decode_rollups(
            &manifest.rollups.file,
            &one_batch(&manifest.rollups.file, rollups)?,
        )?;
        let n_layers = layers.len();
        if n_layers as u64 != manifest.n_layers || models.len() as u64 != manifest.n_models {
            return Err(SiteError::Table {
                file: manifest.layers.file.clone(),
                problem: format!(
                    "{} layers and {} models, the manifest says {} and {}",
                    n_layers,
                    models.len(),
                    manifest.n_layers,
                    manifest.n_models
                ),
            });
        }
        if let Some(r) = rollups
            .iter()
            .find(|r| r.model as usize >= models.len() || r.bucket as usize >= DEPTH_BUCKETS)
        {
            return Err(SiteError::Table {
                file: manifest.rollups.file.clone(),
                problem: format!(
                    "row for model {} bucket {} is out of range",
                    r.model, r.bucket
                ),
            });
        }
        Ok(Self {
            basis: manifest.basis(),
            rule: manifest.bin_rule()?,
            precision: manifest.precision()?,
            sketches: vec![None; n_layers],
            samples: vec![Vec::new(); n_layers],
            sketch_chunks: vec![false; manifest.sketches.len()],
            sample_chunks: vec![false; manifest.samples.len()],
            manifest,
            models,
            layers,
            rollups,
        })
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

    /// The manifest's list of chunks of `kind`.
    pub fn chunks(&self, kind: ChunkKind) -> &[ChunkEntry] {
        match kind {
            ChunkKind::Sketches => &self.manifest.sketches,
            ChunkKind::Samples => &self.manifest.samples,
        }
    }

    /// Starts receiving chunk `k` of `kind` (as listed in the manifest), to be pushed piece by
    /// piece.
    pub fn incoming_chunk(&self, kind: ChunkKind, k: usize) -> Result<IncomingFile, SiteError> {
        Ok(IncomingFile::new(
            &chunk_entry(self.chunks(kind), kind.name(), k)?.entry,
        ))
    }

    /// Adds the verified batches of chunk `k` of `kind` ([`IncomingFile::finish`]).
    pub fn add_chunk_batches(
        &mut self,
        kind: ChunkKind,
        k: usize,
        batches: &[RecordBatch],
    ) -> Result<(), SiteError> {
        match kind {
            ChunkKind::Sketches => self.add_sketch_batches(k, batches),
            ChunkKind::Samples => self.add_sample_batches(k, batches),
        }
    }

    fn add_sketch_batches(&mut self, k: usize, batches: &[RecordBatch]) -> Result<(), SiteError> {
        let (file, range, rows) = decode_chunk(
            &self.manifest.sketches,
            ChunkKind::Sketches.name(),
            k,
            batches,
            Tables::decode_layer_sketches,
        )?;
        if rows.len() as u64 != range.end - range.start
            || rows.iter().any(|(l, _)| !range.contains(&(*l as u64)))
        {
            return Err(SiteError::Table {
                file,
                problem: format!("rows do not cover layers {range:?}"),
            });
        }
        for (l, s) in rows {
            self.sketches[l as usize] = Some(s);
        }
        self.sketch_chunks[k] = true;
        Ok(())
    }

    fn add_sample_batches(&mut self, k: usize, batches: &[RecordBatch]) -> Result<(), SiteError> {
        let (file, range, rows) = decode_chunk(
            &self.manifest.samples,
            ChunkKind::Samples.name(),
            k,
            batches,
            Tables::decode_samples,
        )?;
        if let Some(r) = rows.iter().find(|r| !range.contains(&(r.layer as u64))) {
            return Err(SiteError::Table {
                file,
                problem: format!("sample of layer {} outside {range:?}", r.layer),
            });
        }
        for r in rows {
            let l = r.layer as usize;
            self.samples[l].push(r);
        }
        self.sample_chunks[k] = true;
        Ok(())
    }

    /// Verifies and decodes chunk `k` of `kind` from all its bytes.
    pub fn add_chunk(&mut self, kind: ChunkKind, k: usize, bytes: &[u8]) -> Result<(), SiteError> {
        let mut f = self.incoming_chunk(kind, k)?;
        f.push(bytes)?;
        self.add_chunk_batches(kind, k, &f.finish()?)
    }

    /// Whether every chunk of `kind` has been added.
    pub fn loaded(&self, kind: ChunkKind) -> bool {
        match kind {
            ChunkKind::Sketches => &self.sketch_chunks,
            ChunkKind::Samples => &self.sample_chunks,
        }
        .iter()
        .all(|&b| b)
    }

    /// A layer's sketch, once its chunk is loaded.
    pub fn layer_sketch(&self, layer: usize) -> Option<&LayerSketch> {
        self.sketches.get(layer).and_then(|s| s.as_ref())
    }

    /// A layer's sampled filters, once its chunk is loaded.
    pub fn layer_samples(&self, layer: usize) -> &[SampleRow] {
        self.samples.get(layer).map_or(&[], |s| s.as_slice())
    }
}
