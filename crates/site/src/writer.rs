//! Encodes a whole site: tables, rollups, chunks and the manifest that lists them. Deterministic:
//! the same content gives byte-identical files.

use filterscope_stats::{depth_bucket, Basis, Precision, Sketch, DEPTH_BUCKETS};

use crate::tables::{LayerRow, LayerSketch, ModelRow, Rollup, SampleRow, Tables};
use crate::{
    write_stream, BasisJson, ChunkEntry, FileEntry, Manifest, SiteError, FORMAT, FORMAT_VERSION,
};

/// Everything a site holds, before encoding.
#[derive(Debug, Clone)]
pub struct SiteContent {
    /// The tool and version writing it.
    pub producer: String,
    /// What it was built from.
    pub source: String,
    /// Models.
    pub models: Vec<ModelRow>,
    /// Model-level meta columns (the order of `ModelRow::values`).
    pub model_columns: Vec<String>,
    /// Layers, in layer order.
    pub layers: Vec<LayerRow>,
    /// Layer-level meta columns (the order of `LayerRow::values`).
    pub layer_columns: Vec<String>,
    /// One sketch per layer, same order.
    pub sketches: Vec<LayerSketch>,
    /// Samples, sorted by layer.
    pub samples: Vec<SampleRow>,
    /// The global basis.
    pub basis: Basis,
    /// Global coefficient range.
    pub coef_range: [f64; 2],
    /// The precision weights were read at.
    pub precision: Precision,
    /// Label cleaning applied before grouping, in words.
    pub label_rules: Vec<String>,
    /// Filters sampled per layer (at most).
    pub sample_per_layer: u64,
    /// The sampling seed.
    pub sample_seed: u64,
}

/// Per-layer rows per chunk: about 6 KB a sketch row uncompressed, so 1,024 layers make chunks of
/// a few MB, small enough to stream with visible progress and to fetch a few in parallel.
pub const LAYERS_PER_CHUNK: usize = 1024;

fn arrow_err(file: &str) -> impl Fn(arrow_schema::ArrowError) -> SiteError + '_ {
    move |e| SiteError::Table {
        file: file.to_string(),
        problem: format!("cannot encode: {e}"),
    }
}

/// Sums layer sketches per (model, depth bucket), sorted by model then bucket.
pub fn rollups(layers: &[LayerRow], sketches: &[LayerSketch]) -> Result<Vec<Rollup>, SiteError> {
    let mut map: std::collections::BTreeMap<(u32, u8), Sketch> = Default::default();
    for (l, s) in layers.iter().zip(sketches) {
        let b = depth_bucket(l.conv_depth_norm).ok_or_else(|| {
            SiteError::Query(format!(
                "layer {}: conv_depth_norm {} is outside [0, 1]",
                l.layer_id, l.conv_depth_norm
            ))
        })?;
        debug_assert!(b < DEPTH_BUCKETS);
        map.entry((l.model, b as u8)).or_default().merge(&s.sketch);
    }
    Ok(map
        .into_iter()
        .map(|((model, bucket), sketch)| Rollup {
            model,
            bucket,
            sketch,
        })
        .collect())
}

/// Encodes the site: `(relative path, bytes)` for every file, `manifest.json` last.
pub fn encode_site(
    c: &SiteContent,
    layers_per_chunk: usize,
) -> Result<Vec<(String, Vec<u8>)>, SiteError> {
    assert_eq!(c.layers.len(), c.sketches.len(), "one sketch per layer");
    let mut files = Vec::new();
    let mut put = |name: String, bytes: Vec<u8>| -> FileEntry {
        let e = FileEntry::of(&name, &bytes);
        files.push((name, bytes));
        e
    };
    let enc = |name: &str, b: arrow_array::RecordBatch| write_stream(&[b]).map_err(arrow_err(name));
    let models = put(
        "models.arrow".into(),
        enc(
            "models.arrow",
            Tables::encode_models(&c.models, &c.model_columns),
        )?,
    );
    let layers = put(
        "layers.arrow".into(),
        enc(
            "layers.arrow",
            Tables::encode_layers(&c.layers, &c.layer_columns),
        )?,
    );
    let roll = rollups(&c.layers, &c.sketches)?;
    let rollups = put(
        "rollups.arrow".into(),
        enc("rollups.arrow", Tables::encode_rollups(&roll))?,
    );
    let mut sketches = Vec::new();
    let mut samples = Vec::new();
    let mut sample_rows = c.samples.as_slice();
    for (k, chunk) in c.sketches.chunks(layers_per_chunk.max(1)).enumerate() {
        let first = (k * layers_per_chunk.max(1)) as u32;
        let name = format!("sketches-{k:04}.arrow");
        let bytes = enc(&name, Tables::encode_layer_sketches(first, chunk))?;
        sketches.push(ChunkEntry {
            entry: put(name, bytes),
            first_layer: first as u64,
            layers: chunk.len() as u64,
        });
        let end = first + chunk.len() as u32;
        let split = sample_rows.partition_point(|r| r.layer < end);
        let (mine, rest) = sample_rows.split_at(split);
        sample_rows = rest;
        if !mine.is_empty() {
            let name = format!("samples-{k:04}.arrow");
            let bytes = enc(&name, Tables::encode_samples(mine))?;
            samples.push(ChunkEntry {
                entry: put(name, bytes),
                first_layer: first as u64,
                layers: chunk.len() as u64,
            });
        }
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        producer: c.producer.clone(),
        source: c.source.clone(),
        n_filters: c.layers.iter().map(|l| l.n_filters).sum(),
        n_layers: c.layers.len() as u64,
        n_models: c.models.len() as u64,
        basis: BasisJson::from(&c.basis),
        coef_range: c.coef_range,
        bins: filterscope_stats::N_BINS,
        precision: c.precision.name().to_string(),
        label_rules: c.label_rules.clone(),
        model_columns: c.model_columns.clone(),
        layer_columns: c.layer_columns.clone(),
        sample_per_layer: c.sample_per_layer,
        sample_seed: c.sample_seed,
        models,
        layers,
        rollups,
        sketches,
        samples,
    };
    files.push(("manifest.json".into(), manifest.to_json().into_bytes()));
    Ok(files)
}
