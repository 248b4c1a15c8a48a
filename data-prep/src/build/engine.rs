//! The machinery the passes run on (what each pass computes is in `passes.rs`):
//! 1. per layer: moments of scaled and raw filters, max |w|, sparsity, quality -> global basis;
//! 2. per layer: coefficients -> global coefficient range;
//! 3. per layer: histograms over that range, and seeded samples.
//!
//! Each pass reads the source in batches of whole layers (bounded by `batch_filters`), so memory
//! grows with the largest layer, never with the number of filters. A reader thread fills the next
//! batch while the layers of the current one are processed in parallel, and the two batch buffers
//! are reused, so the passes allocate nothing per filter. Results are merged in layer order, so
//! output is deterministic.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::time::Instant;

use filterscope_site::{Correction, LayerRow, ModelRow};
use filterscope_stats::{Filter, Precision};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::PrepError;

/// Where filters come from: the HDF5 DB or a folder of ONNX models.
pub trait FilterSource: Sync {
    /// Puts the filters of layers `range` (indices into the plan's layers) in `buf`, layer after
    /// layer, replacing what it holds. `buf` is recycled from batch to batch, so a source that
    /// overwrites it in place (`resize`, then write) skips zero-filling what it already holds.
    fn read_layers(&self, range: Range<usize>, buf: &mut Vec<Filter>) -> Result<(), PrepError>;
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
    /// Label cleaning applied to the meta, in words (recorded in the manifest).
    pub label_rules: Vec<String>,
    /// Known label errors corrected in the meta (recorded in the manifest).
    pub corrections: Vec<Correction>,
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
    /// The precision weights are read at: f64 by default, f16 for the notebook's float16 path.
    pub precision: Precision,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            batch_filters: 1 << 20,
            sample_per_layer: 64,
            seed: 0x5EED_F11E,
            progress: true,
            precision: Precision::F64,
        }
    }
}

/// Consecutive ranges of layers (given their filter counts) of about `budget` filters each; a
/// layer is never split, and one larger than the budget is a batch of its own.
pub(crate) fn batches(sizes: impl Iterator<Item = u64>, budget: u64) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut sum = 0;
    let mut n = 0;
    for (i, size) in sizes.enumerate() {
        if i > start && sum + size > budget {
            out.push(start..i);
            start = i;
            sum = 0;
        }
        sum += size;
        n = i + 1;
    }
    if start < n {
        out.push(start..n);
    }
    out
}

/// A progress bar of `total` filters on stderr (hidden unless `show`), as every long step of
/// data-prep draws it.
pub(crate) fn progress_bar(show: bool, total: u64, name: &str) -> ProgressBar {
    if !show {
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

/// How long one pass took.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PassTiming {
    /// The pass's name.
    pub name: String,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Filters it went through.
    pub filters: u64,
}

type Batch = Result<(Range<usize>, Vec<Filter>), PrepError>;

/// Reads the batches in order into recycled buffers, at the build's precision; stops when the
/// consumer hangs up.
fn read_ahead(
    (plan, source, precision): (&Plan, &dyn FilterSource, Precision),
    ranges: Vec<Range<usize>>,
    free: Receiver<Vec<Filter>>,
    full: std::sync::mpsc::SyncSender<Batch>,
) {
    for range in ranges {
        let Ok(mut buf) = free.recv() else { return };
        let read = source
            .read_layers(range.clone(), &mut buf)
            .and_then(|()| cast(plan, source, range.start, &mut buf, precision))
            .map(|()| (range, buf));
        let failed = read.is_err();
        if full.send(read).is_err() || failed {
            return;
        }
    }
}

/// Rounds a batch (layers from `first` on) to `precision`, refusing a finite weight that the
/// precision cannot hold (float16 overflows from 65520 on) rather than passing on an infinity.
fn cast(
    plan: &Plan,
    source: &dyn FilterSource,
    first: usize,
    buf: &mut [Filter],
    precision: Precision,
) -> Result<(), PrepError> {
    precision.round_filters(buf).map_err(|(g, j, v)| {
        // The batch's g-th filter: find its layer among those from `first` on.
        let (mut layer, mut start) = (first, 0usize);
        while layer + 1 < plan.layers.len() && g >= start + plan.layers[layer].n_filters as usize {
            start += plan.layers[layer].n_filters as usize;
            layer += 1;
        }
        let (path, place) = source.locate(layer, g - start);
        PrepError::invalid(
            path,
            place,
            format!(
                "weight {j} is {v}, beyond what --cast {} holds (|w| < 65520)",
                precision.name()
            ),
        )
    })
}

/// Filters per piece of work: layers are cut into parts of this size (counted from the layer's
/// start, so a layer's result never depends on how it was batched) so that one huge layer keeps
/// every core busy. 16,384 filters are 1.2 MB, a core's L2.
const PART: usize = 16_384;

/// What a pass does: `part(layer, offset, filters)` on each part of a layer, in parallel; then
/// `finish(layer, parts in order, all the layer's filters)` once per layer.
pub(crate) struct Work<P, T, FP, FF>
where
    FP: Fn(usize, usize, &[Filter]) -> Result<P, PrepError> + Sync,
    FF: Fn(usize, Vec<P>, &[Filter]) -> Result<T, PrepError> + Sync,
{
    part: FP,
    finish: FF,
    _types: std::marker::PhantomData<fn() -> (P, T)>,
}

pub(crate) fn work<P, T, FP, FF>(part: FP, finish: FF) -> Work<P, T, FP, FF>
where
    FP: Fn(usize, usize, &[Filter]) -> Result<P, PrepError> + Sync,
    FF: Fn(usize, Vec<P>, &[Filter]) -> Result<T, PrepError> + Sync,
{
    Work {
        part,
        finish,
        _types: std::marker::PhantomData,
    }
}

/// Runs a pass over every layer's filters, batch by batch, in parallel within a batch; results in
/// layer order.
pub(crate) fn pass<P: Send, T: Send, FP, FF>(
    plan: &Plan,
    source: &dyn FilterSource,
    opts: &Options,
    name: &str,
    w: Work<P, T, FP, FF>,
) -> Result<(Vec<T>, PassTiming), PrepError>
where
    FP: Fn(usize, usize, &[Filter]) -> Result<P, PrepError> + Sync,
    FF: Fn(usize, Vec<P>, &[Filter]) -> Result<T, PrepError> + Sync,
{
    let started = Instant::now();
    let total: u64 = plan.layers.iter().map(|l| l.n_filters).sum();
    let pb = progress_bar(opts.progress, total, name);
    // Two buffers: one being filled by the reader while the other is computed on.
    let (free_tx, free_rx) = channel::<Vec<Filter>>();
    let (full_tx, full_rx) = sync_channel::<Batch>(1);
    for _ in 0..2 {
        free_tx.send(Vec::new()).expect("receiver alive");
    }
    let ranges = batches(plan.layers.iter().map(|l| l.n_filters), opts.batch_filters);
    let out = std::thread::scope(|s| {
        let reader = (plan, source, opts.precision);
        s.spawn(move || read_ahead(reader, ranges, free_rx, full_tx));
        consume(plan, source, full_rx, free_tx, &pb, &w)
    })?;
    pb.finish_and_clear();
    Ok((
        out,
        PassTiming {
            name: name.to_string(),
            seconds: started.elapsed().as_secs_f64(),
            filters: total,
        },
    ))
}

fn consume<P: Send, T: Send, FP, FF>(
    plan: &Plan,
    source: &dyn FilterSource,
    full: Receiver<Batch>,
    free: Sender<Vec<Filter>>,
    pb: &ProgressBar,
    w: &Work<P, T, FP, FF>,
) -> Result<Vec<T>, PrepError>
where
    FP: Fn(usize, usize, &[Filter]) -> Result<P, PrepError> + Sync,
    FF: Fn(usize, Vec<P>, &[Filter]) -> Result<T, PrepError> + Sync,
{
    let mut out = Vec::with_capacity(plan.layers.len());
    for batch in full {
        let (range, buf) = batch?;
        let mut offsets = Vec::with_capacity(range.len() + 1);
        offsets.push(0usize);
        for l in &plan.layers[range.clone()] {
            offsets.push(offsets.last().copied().unwrap_or(0) + l.n_filters as usize);
        }
        let expected = offsets.last().copied().unwrap_or(0);
        if buf.len() != expected {
            let (path, place) = source.locate(range.start, 0);
            return Err(PrepError::invalid(
                path,
                place,
                format!(
                    "layers {}..{} hold {} filters, expected {expected}",
                    range.start,
                    range.end,
                    buf.len()
                ),
            ));
        }
        let layer = |k: usize| &buf[offsets[k]..offsets[k + 1]];
        let items: Vec<(usize, usize)> = (0..range.len())
            .flat_map(|k| (0..layer(k).len()).step_by(PART).map(move |o| (k, o)))
            .collect();
        let mut parts = items
            .into_par_iter()
            .map(|(k, o)| {
                let fs = layer(k);
                (w.part)(range.start + k, o, &fs[o..fs.len().min(o + PART)])
            })
            .collect::<Vec<_>>()
            .into_iter();
        let mut grouped = Vec::with_capacity(range.len());
        for k in 0..range.len() {
            let n = layer(k).len().div_ceil(PART);
            grouped.push(parts.by_ref().take(n).collect::<Result<Vec<P>, _>>()?);
        }
        let results: Vec<Result<T, PrepError>> = grouped
            .into_par_iter()
            .enumerate()
            .map(|(k, ps)| (w.finish)(range.start + k, ps, layer(k)))
            .collect();
        for r in results {
            out.push(r?);
        }
        pb.inc(expected as u64);
        // The reader may have finished already; then the buffer is simply dropped.
        let _ = free.send(buf);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_hold_whole_layers_within_budget() {
        let sizes = || [3u64, 4, 10, 1, 1, 2].into_iter();
        assert_eq!(batches(sizes(), 8), vec![0..2, 2..3, 3..6]);
        assert_eq!(batches(sizes(), 100), vec![0..6]);
        assert_eq!(
            batches(sizes(), 1),
            vec![0..1, 1..2, 2..3, 3..4, 4..5, 5..6]
        );
        assert!(batches(std::iter::empty(), 8).is_empty());
    }
}
