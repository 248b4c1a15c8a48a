//! Synthetic DBs with the shape of the CNN Filter DB v1.0.0 (647 models, 21,436 layers, ~1.46 G
//! filters), to prove limits at full scale without the 98 GiB original.
//!
//! Everything is drawn from one seed: models get the real v1.0.0 Task and Visual Category counts
//! (scaled by largest remainder when `--models` differs), layer counts and channel widths follow
//! CNN archetypes (VGG-like stages, ResNet, DenseNet blocks, encoder-decoders), and each layer's
//! filters come from its own generator, seeded by the layer index, so a layer can be regenerated
//! alone: [`SynthSource`] feeds the pipeline straight from the generator (`--site-only`) and
//! [`SynthDb::write`] streams the same filters into an official-layout HDF5 file.

use std::path::{Path, PathBuf};

use filterscope_stats::{Filter, SplitMix64};
use rayon::prelude::*;

use super::filter_model::{depth_scale_noise, normals, uniform, PATTERNS};
use super::official_meta;

mod design;

use crate::build::{batches, progress_bar, FilterSource, Plan};
use crate::PrepError;
pub use design::{CATEGORIES, TASKS};

/// Spreads layer indices over generator seeds: an odd constant other than the samples'
/// [`filterscope_stats::GOLDEN_GAMMA`], so a layer's generated filters and its sampled indices
/// never come from related streams.
const LAYER_STREAM: u64 = 0xA24B_AED4_963E_E407;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Models (v1.0.0: 647).
    pub models: usize,
    /// 3x3 conv layers in all (v1.0.0: 21,436).
    pub layers: usize,
    /// Filters in all, approximately: channel widths are scaled to come as close as whole
    /// channels allow (v1.0.0: 1,464,797,156).
    pub filters: u64,
    /// Seed of everything.
    pub seed: u64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self {
            models: 647,
            layers: 21_436,
            filters: 1_464_797_156,
            seed: 1,
        }
    }
}

/// How a layer's filters are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LayerKind {
    /// Smooth low-frequency patterns plus noise, as trained layers.
    Trained,
    /// Like trained, but this share of filters is (almost) zero, as in pruned or dead layers.
    Sparse(f64),
    /// White noise: a layer that never learned (high variance entropy).
    Degenerate,
}

/// One generated layer.
#[derive(Debug, Clone)]
pub struct SynthLayer {
    /// Index of its model.
    pub model: usize,
    /// Depth rank within the model.
    pub conv_depth: usize,
    /// conv_depth / (layers of the model - 1).
    pub conv_depth_norm: f64,
    /// Input channels.
    pub in_channels: u64,
    /// Output channels.
    pub out_channels: u64,
    /// How its filters are drawn.
    pub kind: LayerKind,
}

/// One generated model.
#[derive(Debug, Clone)]
pub struct SynthModel {
    /// Model name.
    pub name: String,
    /// Task.
    pub task: &'static str,
    /// Visual Category.
    pub category: &'static str,
    /// Training-Dataset.
    pub dataset: String,
}

/// A generated DB: models, layers and the recipe of every filter.
#[derive(Debug, Clone)]
pub struct SynthDb {
    /// Models.
    pub models: Vec<SynthModel>,
    /// Layers, model after model, in depth order.
    pub layers: Vec<SynthLayer>,
    seed: u64,
}

impl SynthDb {
    /// Filters in all.
    pub fn n_filters(&self) -> u64 {
        self.layers
            .iter()
            .map(|l| l.in_channels * l.out_channels)
            .sum()
    }

    /// The meta table in the layout pandas exports from v1.0.0 (filter_ids with an inclusive end).
    pub fn meta_csv(&self) -> String {
        let mut csv = official_meta::table();
        let mut start = 0u64;
        for (id, l) in self.layers.iter().enumerate() {
            let m = &self.models[l.model];
            let end = start + l.in_channels * l.out_channels - 1;
            official_meta::push(
                &mut csv,
                &official_meta::Row {
                    layer_id: id,
                    model_id: l.model,
                    conv_depth: l.conv_depth,
                    conv_depth_norm: l.conv_depth_norm,
                    filters: (start, end),
                    model: &m.name,
                    meta: [m.task, m.category, &m.dataset],
                    channels: (l.in_channels, l.out_channels),
                },
            );
            start = end + 1;
        }
        csv
    }

    /// Fills `out` (the layer's in x out filters) with layer `i`'s filters.
    pub fn fill_layer(&self, i: usize, out: &mut [Filter]) {
        let l = &self.layers[i];
        let mut rng = SplitMix64::new(self.seed ^ (i as u64 + 1).wrapping_mul(LAYER_STREAM));
        let (scale, noise) = depth_scale_noise(l.conv_depth_norm);
        let mix: Vec<f64> = (0..PATTERNS.len())
            .map(|_| normals(&mut rng).0.abs() + 0.2)
            .collect();
        for f in out.iter_mut() {
            match l.kind {
                LayerKind::Degenerate => {
                    for k in (0..9).step_by(2) {
                        let (a, b) = normals(&mut rng);
                        f[k] = scale * a;
                        if k + 1 < 9 {
                            f[k + 1] = scale * b;
                        }
                    }
                    continue;
                }
                LayerKind::Sparse(p) if uniform(&mut rng) < p => {
                    for v in f.iter_mut() {
                        *v = 1e-5 * normals(&mut rng).0;
                    }
                    continue;
                }
                _ => {}
            }
            let (a0, a1) = normals(&mut rng);
            let (a2, a3) = normals(&mut rng);
            *f = [0.0; 9];
            for (p, a) in PATTERNS
                .iter()
                .zip([a0, a1, a2, a3])
                .zip(&mix)
                .map(|((p, a), m)| (p, a * m))
            {
                for (v, pv) in f.iter_mut().zip(p) {
                    *v += a * pv;
                }
            }
            for k in (0..9).step_by(2) {
                let (a, b) = normals(&mut rng);
                f[k] = scale * (f[k] + noise * a);
                if k + 1 < 9 {
                    f[k + 1] = scale * (f[k + 1] + noise * b);
                }
            }
        }
    }

    /// The build plan (parsed from [`Self::meta_csv`], exactly as `build --h5` would read it) and
    /// a source that generates the filters on the fly.
    pub fn plan(&self) -> Result<(Plan, SynthSource<'_>), PrepError> {
        let csv = self.meta_csv();
        let m = crate::source::meta::parse_meta(
            Path::new("synth meta.csv"),
            csv.as_bytes(),
            self.n_filters(),
        )?;
        let plan = Plan {
            source: format!("synth (seed {})", self.seed),
            models: m.models,
            model_columns: m.model_columns,
            layer_columns: m.layer_columns,
            layers: m.layers,
            label_rules: Vec::new(),
            corrections: Vec::new(),
        };
        Ok((plan, SynthSource { db: self }))
    }

    /// Writes `dir/db.h5` (contiguous float64 `filters`, streamed a batch of layers at a time)
    /// and `dir/meta.csv`, into a temporary sibling renamed to `dir` at the end.
    pub fn write(
        &self,
        dir: &Path,
        force: bool,
        progress: bool,
    ) -> Result<(PathBuf, PathBuf), PrepError> {
        crate::output::write_folder(dir, force, |tmp| {
            self.write_h5(&tmp.join("db.h5"), progress)?;
            let meta = tmp.join("meta.csv");
            std::fs::write(&meta, self.meta_csv()).map_err(|e| PrepError::io(&meta, e))
        })?;
        Ok((dir.join("db.h5"), dir.join("meta.csv")))
    }

    fn write_h5(&self, path: &Path, progress: bool) -> Result<(), PrepError> {
        let io = |e: hdf5::Error| PrepError::io(path, e);
        let n = self.n_filters() as usize;
        let file = hdf5::File::create(path).map_err(io)?;
        let ds = file
            .new_dataset::<f64>()
            .shape((n, 3, 3))
            .create("filters")
            .map_err(io)?;
        let pb = progress_bar(progress, n as u64, "synth");
        let source = SynthSource { db: self };
        let mut buf: Vec<Filter> = Vec::new();
        let mut start = 0usize;
        let sizes = self.layers.iter().map(|l| l.in_channels * l.out_channels);
        // Batches of whole layers of about 1M filters, each generated in parallel.
        for range in batches(sizes, 1 << 20) {
            source.read_layers(range, &mut buf)?;
            let total = buf.len();
            let view = ndarray::ArrayView3::from_shape((total, 3, 3), buf.as_flattened())
                .expect("batch shape");
            ds.write_slice(view, ndarray::s![start..start + total, .., ..])
                .map_err(io)?;
            if start == 0 {
                crate::output::interrupt::hold("writing");
            }
            start += total;
            pb.inc(total as u64);
        }
        pb.finish_and_clear();
        file.close().map_err(io)
    }
}

/// The generator as a [`FilterSource`]: layers are generated when the pipeline asks for them.
pub struct SynthSource<'a> {
    db: &'a SynthDb,
}

impl FilterSource for SynthSource<'_> {
    fn read_layers(
        &self,
        range: std::ops::Range<usize>,
        buf: &mut Vec<Filter>,
    ) -> Result<(), PrepError> {
        let sizes: Vec<usize> = self.db.layers[range.clone()]
            .iter()
            .map(|l| (l.in_channels * l.out_channels) as usize)
            .collect();
        buf.resize(sizes.iter().sum(), [0.0; 9]);
        let mut parts = Vec::with_capacity(sizes.len());
        let mut rest = buf.as_mut_slice();
        for (k, &s) in sizes.iter().enumerate() {
            let (a, b) = rest.split_at_mut(s);
            parts.push((range.start + k, a));
            rest = b;
        }
        parts
            .into_par_iter()
            .for_each(|(l, out)| self.db.fill_layer(l, out));
        Ok(())
    }

    fn locate(&self, layer: usize, index: usize) -> (PathBuf, String) {
        (
            PathBuf::from("synth"),
            format!("layer {layer}, filter {index}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_counts_and_seeded_filters() {
        let opts = SynthOptions {
            models: 20,
            layers: 300,
            filters: 200_000,
            seed: 7,
        };
        let db = SynthDb::design(&opts).unwrap();
        assert_eq!(db.models.len(), 20);
        assert_eq!(db.layers.len(), 300);
        assert_eq!(
            db.models
                .iter()
                .filter(|m| m.task == "Classification")
                .count(),
            17
        );
        let n = db.n_filters() as f64;
        assert!((n / 200_000.0 - 1.0).abs() < 0.05, "{n}");
        let again = SynthDb::design(&opts).unwrap();
        let mut a = vec![[0.0; 9]; 3 * 4];
        let mut b = a.clone();
        let i = db
            .layers
            .iter()
            .position(|l| l.in_channels * l.out_channels == 12);
        if let Some(i) = i {
            db.fill_layer(i, &mut a);
            again.fill_layer(i, &mut b);
            assert_eq!(a, b);
            assert!(a.iter().flatten().all(|v| v.is_finite()));
        }
        assert!(SynthDb::design(&SynthOptions { layers: 10, ..opts }).is_err());
    }
}
