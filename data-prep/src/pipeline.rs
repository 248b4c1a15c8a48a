//! The three streaming passes that turn filters into site content (DESIGN.md section 2):
//! 1. per layer: moments of scaled and raw filters, max |w|, sparsity, quality -> global basis;
//! 2. per layer: coefficients -> global coefficient range;
//! 3. per layer: histograms over that range, and seeded samples.
//!
//! Each pass reads the source in batches of whole layers (bounded by `batch_filters`), so memory
//! grows with the largest layer, never with the number of filters. Layers of a batch are processed
//! in parallel; results are merged in layer order, so output is deterministic.

use std::ops::Range;
use std::path::PathBuf;

use filterscope_site::{LayerRow, LayerSketch, ModelRow, SampleRow, SiteContent};
use filterscope_stats::{
    check_finite, sample_indices, scale_filter, Basis, BinRule, Filter, LayerQuality, Moments,
    Sketch, StatsError,
};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::PrepError;

/// Where filters come from: the HDF5 DB or a folder of ONNX models.
pub trait FilterSource: Sync {
    /// The filters of layers `range` (indices into the plan's layers), one vector per layer.
    fn read_layers(&self, range: Range<usize>) -> Result<Vec<Vec<Filter>>, PrepError>;
    /// The file and place of filter `index` of layer `layer`, for error messages.
    fn locate(&self, layer: usize, index: usize) -> (PathBuf, String);
}

/// The layers and models to build, before any filter is read.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What the site is built from (file names).
    pub source: String,
    /// Models.
    pub models: Vec<ModelRow>,
    /// Model-level meta columns.
    pub model_columns: Vec<String>,
    /// Layers in source order.
    pub layers: Vec<LayerRow>,
    /// Layer-level meta columns.
    pub layer_columns: Vec<String>,
}

/// Knobs of a build.
#[derive(Debug, Clone)]
pub struct Options {
    /// Filters read per batch: 1M filters are 72 MB as f64, enough to keep both cores busy and
    /// small next to any machine's memory.
    pub batch_filters: u64,
    /// Filters sampled per layer for filter grids and 2-D densities.
    pub sample_per_layer: u64,
    /// Seed of the samples (each layer mixes in its index).
    pub seed: u64,
    /// Draw progress bars on stderr.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            batch_filters: 1 << 20,
            sample_per_layer: 64,
            seed: 0x5EED_F11E,
            progress: true,
        }
    }
}

fn batches(layers: &[LayerRow], budget: u64) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut sum = 0;
    for (i, l) in layers.iter().enumerate() {
        if i > start && sum + l.n_filters > budget {
            out.push(start..i);
            start = i;
            sum = 0;
        }
        sum += l.n_filters;
    }
    if start < layers.len() {
        out.push(start..layers.len());
    }
    out
}

fn bar(opts: &Options, total: u64, name: &str) -> ProgressBar {
    if !opts.progress {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template(
            "{prefix:>18} [{bar:30}] {human_pos}/{human_len} filters, {per_sec}, eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    pb.set_prefix(name.to_string());
    pb
}

/// Runs `f` over every layer's filters, batch by batch, in parallel within a batch; results in
/// layer order.
fn pass<T: Send>(
    plan: &Plan,
    source: &dyn FilterSource,
    opts: &Options,
    name: &str,
    f: impl Fn(usize, &[Filter]) -> Result<T, PrepError> + Sync,
) -> Result<Vec<T>, PrepError> {
    let total: u64 = plan.layers.iter().map(|l| l.n_filters).sum();
    let pb = bar(opts, total, name);
    let mut out = Vec::with_capacity(plan.layers.len());
    for range in batches(&plan.layers, opts.batch_filters) {
        let filters = source.read_layers(range.clone())?;
        if filters.len() != range.len() {
            return Err(PrepError::invalid(
                source.locate(range.start, 0).0,
                "layers",
                "the source returned the wrong number of layers",
            ));
        }
        let n: u64 = filters.iter().map(|f| f.len() as u64).sum();
        let results: Vec<Result<T, PrepError>> = filters
            .par_iter()
            .enumerate()
            .map(|(k, fs)| f(range.start + k, fs))
            .collect();
        for r in results {
            out.push(r?);
        }
        pb.inc(n);
    }
    pb.finish_and_clear();
    Ok(out)
}

/// Builds the site content from a plan and its filters.
pub fn build(
    plan: &Plan,
    source: &dyn FilterSource,
    opts: &Options,
) -> Result<SiteContent, PrepError> {
    // Pass 1: moments, sparsity and quality per layer.
    let first = pass(plan, source, opts, "1/3 moments", |i, fs| {
        let layer = &plan.layers[i];
        if fs.len() as u64 != layer.n_filters {
            let (path, place) = source.locate(i, 0);
            return Err(PrepError::invalid(
                path,
                place,
                format!(
                    "layer holds {} filters, expected {}",
                    fs.len(),
                    layer.n_filters
                ),
            ));
        }
        check_finite(fs).map_err(|e| match e {
            StatsError::NotFinite {
                filter,
                index,
                value,
            } => {
                let (path, place) = source.locate(i, filter);
                PrepError::invalid(
                    path,
                    place,
                    format!("weight {index} is {value}; every weight must be finite"),
                )
            }
            other => PrepError::invalid(source.locate(i, 0).0, "filters", other.to_string()),
        })?;
        let sketch = Sketch::of_layer(fs);
        // Orthogonality reshapes the layer to (out, in*9); it is defined only when the layer's
        // filters are exactly out x in.
        let fits = layer.out_channels > 0
            && (layer.out_channels * layer.in_channels) as u64 == layer.n_filters;
        let quality = LayerQuality::measure(
            fs,
            if fits { layer.out_channels as usize } else { 0 },
            &sketch,
        );
        Ok(LayerSketch { sketch, quality })
    })?;
    let mut global = Moments::default();
    for s in &first {
        global.merge(&s.sketch.scaled);
    }
    let basis = Basis::from_moments(&global).map_err(|e| {
        PrepError::invalid(
            source.locate(0, 0).0,
            "filters",
            format!("cannot fit the PCA basis: {e}"),
        )
    })?;

    // Pass 2: the global coefficient range.
    let ranges = pass(plan, source, opts, "2/3 range", |_, fs| {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for f in fs {
            for c in basis.project(&scale_filter(f)) {
                lo = lo.min(c);
                hi = hi.max(c);
            }
        }
        Ok((lo, hi))
    })?;
    let lo = ranges.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    let hi = ranges.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
    let rule = BinRule::new(lo, hi);

    // Pass 3: histograms and samples.
    let third = pass(plan, source, opts, "3/3 histograms", |i, fs| {
        let mut hist = filterscope_stats::Histograms::default();
        for f in fs {
            let counted = hist.add(&rule, &basis.project(&scale_filter(f)));
            assert!(counted, "pass 2's range holds every coefficient of pass 3");
        }
        let seed = opts.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let samples: Vec<SampleRow> = sample_indices(fs.len() as u64, opts.sample_per_layer, seed)
            .into_iter()
            .map(|k| SampleRow {
                layer: i as u32,
                index: k as u32,
                weights: fs[k as usize].map(|v| v as f32),
            })
            .collect();
        Ok((hist, samples))
    })?;
    let mut sketches = first;
    let mut samples = Vec::new();
    for (s, (hist, rows)) in sketches.iter_mut().zip(third) {
        s.sketch.hist = hist;
        samples.extend(rows);
    }
    Ok(SiteContent {
        producer: format!("data-prep {}", env!("CARGO_PKG_VERSION")),
        source: plan.source.clone(),
        models: plan.models.clone(),
        model_columns: plan.model_columns.clone(),
        layers: plan.layers.clone(),
        layer_columns: plan.layer_columns.clone(),
        sketches,
        samples,
        basis,
        coef_range: [rule.lo, rule.hi],
        sample_per_layer: opts.sample_per_layer,
        sample_seed: opts.seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(n: u64) -> LayerRow {
        LayerRow {
            layer_id: 0,
            model: 0,
            conv_depth: 0,
            conv_depth_norm: 0.0,
            in_channels: 1,
            out_channels: n as i64,
            n_filters: n,
            values: vec![],
        }
    }

    #[test]
    fn batches_hold_whole_layers_within_budget() {
        let layers: Vec<_> = [3, 4, 10, 1, 1, 2].iter().map(|&n| layer(n)).collect();
        assert_eq!(batches(&layers, 8), vec![0..2, 2..3, 3..6]);
        assert_eq!(batches(&layers, 100), vec![0..6]);
        assert_eq!(
            batches(&layers, 1),
            vec![0..1, 1..2, 2..3, 3..4, 4..5, 5..6]
        );
    }
}
