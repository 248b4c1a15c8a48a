//! Encodes a whole site: tables, rollups, chunks and the manifest that lists them. Deterministic:
//! the same content gives byte-identical files.

use filterscope_stats::{sample_indices, seed_of, Basis, BinRule, Precision, Sketch};

use crate::format::by_bucket::{bucket_files, depth_rows, rollups};
use crate::format::by_value::{value_files, Summed};
use crate::format::named::Files;
use crate::format::spread_files::{add_spreads, STORED_INTERVALS_FROM};
use crate::format::tables::sketch_cols::Has;
use crate::format::tables::{
    self, LayerRow, LayerSketch, ModelRow, ModelTotals, Rollup, SampleRow,
};
use crate::query::density::density_cell;
use crate::{
    BasisJson, ChunkEntry, Correction, Manifest, Provenance, SiteError, FORMAT, FORMAT_VERSION,
};

/// Everything a site holds, before encoding.
#[derive(Debug, Clone)]
pub struct SiteContent {
    /// The tool and version writing it.
    pub producer: String,
    /// What it was built from.
    pub source: String,
    /// The data set, its licence and the papers to cite.
    pub provenance: Provenance,
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
    /// Known label errors corrected before grouping.
    pub corrections: Vec<Correction>,
    /// Filters sampled per layer (at most).
    pub sample_per_layer: u64,
    /// The sampling seed.
    pub sample_seed: u64,
}

/// Layers a chunk aims at. Chunks end only between models (a model's layers are contiguous in
/// the layers table), so a model view fetches one sketch chunk and one sample chunk; 128 layers of
/// sketches are about 0.3-0.6 MB at the full DB's shape, small enough for a phone, and few enough
/// (about 170 of each kind) that the manifest stays small.
pub const LAYERS_PER_CHUNK: usize = 128;

/// Sampled filters per layer in the lite samples (the pair view's grids and densities), at least:
/// as many as the model view shows per layer.
pub const LITE_PER_LAYER: u64 = 6;

/// Rows the lite samples aim at: a small site keeps more per layer (its densities would be thin
/// with six), a large one [`LITE_PER_LAYER`] (21,436 layers x 6 rows is about 1 MB).
const LITE_ROWS: u64 = 16_384;

/// Lite samples per layer for a site of `n_layers` layers sampled `sample_per_layer` a layer.
fn lite_per_layer(n_layers: usize, sample_per_layer: u64) -> u64 {
    (LITE_ROWS / n_layers.max(1) as u64)
        .max(LITE_PER_LAYER)
        .min(sample_per_layer)
}

/// Layer ranges of the chunks: about `target` layers each, cut only where the model changes
/// (a model larger than `target` gets a chunk of its own).
fn chunk_ranges(layers: &[LayerRow], target: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=layers.len() {
        let model_ends = i == layers.len() || layers[i].model != layers[i - 1].model;
        if model_ends && (i - start >= target.max(1) || i == layers.len()) {
            out.push(start..i);
            start = i;
        }
    }
    out
}

/// A seeded uniform subset of each layer's samples, `per_layer` at most.
fn lite_samples(samples: &[SampleRow], seed: u64, per_layer: u64) -> Vec<SampleRow> {
    let mut out = Vec::new();
    for layer in samples.chunk_by(|a, b| a.layer == b.layer) {
        let l = layer[0].layer as u64;
        let pick = sample_indices(layer.len() as u64, per_layer, seed_of(seed ^ LITE_SALT, l));
        out.extend(pick.into_iter().map(|i| layer[i as usize].clone()));
    }
    out
}

/// Keeps the lite subset's draws apart from the layer sampling's (same seed, another stream).
const LITE_SALT: u64 = 0x6c69_7465;

/// The per-layer chunks of a site: sketches, lite samples and samples.
struct Chunks {
    sketches: Vec<ChunkEntry>,
    lite_samples: Vec<ChunkEntry>,
    samples: Vec<ChunkEntry>,
}

/// Each model's layer and filter count, and its layers' sketches merged.
fn per_model(c: &SiteContent) -> (Vec<ModelTotals>, Vec<Sketch>) {
    let mut totals = vec![ModelTotals::default(); c.models.len()];
    let mut sketches = vec![Sketch::default(); c.models.len()];
    for (l, s) in c.layers.iter().zip(&c.sketches) {
        let m = l.model as usize;
        totals[m].n_layers += 1;
        totals[m].n_filters += l.n_filters;
        sketches[m].merge(&s.sketch);
    }
    (totals, sketches)
}

/// Writes the per-layer chunks (about `layers_per_chunk` layers each, cut where the model
/// changes), with `lite` lite samples a layer.
fn chunks(
    files: &mut Files,
    c: &SiteContent,
    layers_per_chunk: usize,
    lite_rows: &[SampleRow],
) -> Result<Chunks, SiteError> {
    let mut lite_left = lite_rows;
    let mut sample_rows = c.samples.as_slice();
    let mut out = Chunks {
        sketches: Vec::new(),
        lite_samples: Vec::new(),
        samples: Vec::new(),
    };
    for (k, range) in chunk_ranges(&c.layers, layers_per_chunk)
        .into_iter()
        .enumerate()
    {
        let chunk = |entry| ChunkEntry {
            entry,
            first_layer: range.start as u64,
            layers: range.len() as u64,
        };
        let sketches =
            tables::encode_layer_sketches(range.start as u32, &c.sketches[range.clone()]);
        out.sketches
            .push(chunk(files.put(&format!("sketches-{k:04}"), sketches)?));
        let split = sample_rows.partition_point(|r| (r.layer as usize) < range.end);
        let (mine, rest) = sample_rows.split_at(split);
        sample_rows = rest;
        let split = lite_left.partition_point(|r| (r.layer as usize) < range.end);
        let (lite_mine, lite_rest) = lite_left.split_at(split);
        lite_left = lite_rest;
        if !lite_mine.is_empty() {
            let e = files.put(&format!("lite-{k:04}"), tables::encode_samples(lite_mine))?;
            out.lite_samples.push(chunk(e));
        }
        if !mine.is_empty() {
            let e = files.put(&format!("samples-{k:04}"), tables::encode_samples(mine))?;
            out.samples.push(chunk(e));
        }
    }
    Ok(out)
}

/// The lite-cells table: each lite sample's density cell, in the lite rows' order.
fn lite_cells(c: &SiteContent, lite_rows: &[SampleRow]) -> arrow_array::RecordBatch {
    let rule = BinRule::new(c.coef_range[0], c.coef_range[1]);
    let cells: Vec<(u32, u16)> = lite_rows
        .iter()
        .map(|r| {
            (
                r.layer,
                density_cell(&c.basis, c.precision, &rule, &r.weights),
            )
        })
        .collect();
    tables::encode_lite_cells(&cells)
}

/// Every column's per-value files (`format/by_value.rs`), from the layers and the per-model
/// sketches.
fn values_of(
    files: &mut Files,
    c: &SiteContent,
    layers_per_chunk: usize,
    (model_totals, per_model): (&[ModelTotals], &[Sketch]),
    rollups: &[Rollup],
) -> Result<Vec<crate::ValueFiles>, SiteError> {
    let summed = Summed {
        layers: &c.layers,
        layer_columns: &c.layer_columns,
        sketches: &c.sketches,
        models: &c.models,
        model_columns: &c.model_columns,
        model_totals,
        per_model,
        rollups,
    };
    value_files(files, layers_per_chunk, &summed)
}

/// Encodes the site: `(relative path, bytes)` for every file, `manifest.json` last. Data files
/// are named by their content (`models-<16 hex of sha256>.arrow`): a new build never reuses a
/// name for other bytes, so browsers and caches may keep them forever.
pub fn encode_site(
    c: &SiteContent,
    layers_per_chunk: usize,
) -> Result<Vec<(String, Vec<u8>)>, SiteError> {
    encode_site_storing(c, layers_per_chunk, STORED_INTERVALS_FROM)
}

/// [`encode_site`], storing the intervals of each layer-level column with at least
/// `intervals_from` bytes of cells (tests store them for a small site).
pub(crate) fn encode_site_storing(
    c: &SiteContent,
    layers_per_chunk: usize,
    intervals_from: u64,
) -> Result<Vec<(String, Vec<u8>)>, SiteError> {
    assert_eq!(c.layers.len(), c.sketches.len(), "one sketch per layer");
    let mut files = Files(Vec::new());
    let (totals, per_model) = per_model(c);
    let models = tables::encode_models(&c.models, &c.model_columns, &totals);
    let models = files.put("models", models)?;
    let model_counts = files.put(
        "model-counts",
        tables::encode_model_sketches(&per_model, Has::COUNTS),
    )?;
    let model_moments = files.put(
        "model-moments",
        tables::encode_model_sketches(&per_model, Has::MOMENTS),
    )?;
    let roll = rollups(&c.layers, &c.sketches)?;
    let depths = files.put("depths", tables::encode_depths(&depth_rows(&roll)))?;
    let rollups = files.put("rollups", tables::encode_rollups(&roll, Has::COUNTS))?;
    let (depth_shares, model_buckets) = bucket_files(&mut files, &roll, c.models.len())?;
    let rollup_moments = files.put(
        "rollup-moments",
        tables::encode_rollups(&roll, Has::MOMENTS),
    )?;
    let layers = files.put("layers", tables::encode_layers(&c.layers, &c.layer_columns))?;
    let quality = files.put("quality", tables::encode_quality(&c.sketches))?;
    let sums = (&totals[..], &per_model[..]);
    let values = values_of(&mut files, c, layers_per_chunk, sums, &roll)?;
    let lite = lite_per_layer(c.layers.len(), c.sample_per_layer);
    let lite_rows = lite_samples(&c.samples, c.sample_seed, lite);
    let lite_cells = files.put("lite-cells", lite_cells(c, &lite_rows))?;
    let chunks = chunks(&mut files, c, layers_per_chunk, &lite_rows)?;
    let mut manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        producer: c.producer.clone(),
        provenance: c.provenance.clone(),
        source: c.source.clone(),
        n_filters: c.layers.iter().map(|l| l.n_filters).sum(),
        n_layers: c.layers.len() as u64,
        n_models: c.models.len() as u64,
        basis: BasisJson::from(&c.basis),
        coef_range: c.coef_range,
        bins: filterscope_stats::N_BINS,
        precision: c.precision.name().to_string(),
        label_rules: c.label_rules.clone(),
        corrections: c.corrections.clone(),
        model_columns: c.model_columns.clone(),
        layer_columns: c.layer_columns.clone(),
        sample_per_layer: c.sample_per_layer,
        lite_per_layer: lite,
        sample_seed: c.sample_seed,
        models,
        model_counts,
        model_moments,
        depths,
        rollups,
        rollup_moments,
        depth_shares: Some(depth_shares),
        model_buckets: Some(model_buckets),
        layers,
        values,
        quality,
        lite_cells,
        lite_samples: chunks.lite_samples,
        sketches: chunks.sketches,
        samples: chunks.samples,
    };
    add_spreads(&mut files, &mut manifest, intervals_from)?; // from the files above
    files
        .0
        .push(("manifest.json".into(), manifest.to_json().into_bytes()));
    Ok(files.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(model: u32) -> LayerRow {
        LayerRow {
            layer_id: 0,
            model,
            conv_depth: 0,
            conv_depth_norm: 0.0,
            in_channels: 1,
            out_channels: 1,
            n_filters: 1,
            values: vec![],
        }
    }

    #[test]
    fn chunks_end_between_models() {
        let models = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 3, 4];
        let layers: Vec<LayerRow> = models.iter().map(|&m| layer(m)).collect();
        assert_eq!(chunk_ranges(&layers, 2), [0..3, 3..5, 5..11, 11..12]);
        assert_eq!(chunk_ranges(&layers, 100), vec![0..12]);
        assert_eq!(chunk_ranges(&[], 4), Vec::<std::ops::Range<usize>>::new());
    }

    #[test]
    fn lite_samples_are_a_seeded_subset_of_each_layer() {
        let rows: Vec<SampleRow> = (0..3u32)
            .flat_map(|l| {
                (0..20u32).map(move |i| SampleRow {
                    layer: l,
                    index: i,
                    weights: [i as f32; 9],
                })
            })
            .chain((0..2u32).map(|i| SampleRow {
                layer: 3,
                index: i,
                weights: [0.0; 9],
            }))
            .collect();
        let lite = lite_samples(&rows, 7, 6);
        for l in 0..3 {
            let mine: Vec<_> = lite.iter().filter(|r| r.layer == l).collect();
            assert_eq!(mine.len(), 6);
        }
        assert_eq!(lite.iter().filter(|r| r.layer == 3).count(), 2);
        assert_eq!(lite, lite_samples(&rows, 7, 6), "seeded");
        assert_ne!(lite, lite_samples(&rows, 8, 6));
        // Not simply the first rows of each layer (the sample is sorted by index).
        assert!(lite.iter().any(|r| r.index >= 6));
    }

    #[test]
    fn small_sites_keep_more_lite_samples_per_layer() {
        assert_eq!(lite_per_layer(54, 64), 64);
        assert_eq!(lite_per_layer(480, 64), 34);
        assert_eq!(lite_per_layer(21_436, 64), LITE_PER_LAYER);
        assert_eq!(lite_per_layer(10, 4), 4);
    }
}
