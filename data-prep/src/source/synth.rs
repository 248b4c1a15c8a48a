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
use crate::pipeline::{batches, progress_bar, FilterSource, Plan};
use crate::PrepError;

/// Spreads layer indices over generator seeds: an odd constant other than the samples'
/// [`filterscope_stats::GOLDEN_GAMMA`], so a layer's generated filters and its sampled indices
/// never come from related streams.
const LAYER_STREAM: u64 = 0xA24B_AED4_963E_E407;

/// Task counts of the CNN Filter DB v1.0.0 (647 models).
pub const TASKS: [(&str, usize); 11] = [
    ("Classification", 555),
    ("Segmentation", 28),
    ("GAN-Generator", 24),
    ("Object Detection", 16),
    ("GAN-Discriminator", 7),
    ("Style Transfer", 5),
    ("Super Resolution", 4),
    ("Face Detection", 4),
    ("Depth Estimation", 2),
    ("Face Recognition", 1),
    ("Auto-Encoder", 1),
];

/// Visual Category counts of the CNN Filter DB v1.0.0 (647 models).
pub const CATEGORIES: [(&str, usize); 16] = [
    ("natural", 557),
    ("handwriting", 36),
    ("faces", 16),
    ("medical xray", 9),
    ("art", 5),
    ("seismic", 4),
    ("medical ct", 4),
    ("medical mri", 3),
    ("depth", 2),
    ("map", 2),
    ("astronomy", 2),
    ("fractals", 2),
    ("textures", 2),
    ("thermal", 1),
    ("cars", 1),
    ("plants", 1),
];

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

/// Splits `total` in proportion to `weights` (largest remainder; ties to the first).
fn apportion(weights: &[f64], total: usize) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut out: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let short = total - out.iter().sum::<usize>();
    for &i in order.iter().take(short) {
        out[i] += 1;
    }
    out
}

fn shuffle<T>(v: &mut [T], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

/// Which category a task prefers (faces for face tasks, depth maps for depth estimation).
fn preferred(task: &str) -> Option<&'static str> {
    match task {
        "Face Detection" | "Face Recognition" => Some("faces"),
        "Depth Estimation" => Some("depth"),
        _ => None,
    }
}

fn dataset(task: &str, category: &str, k: usize) -> String {
    let s = match (task, category) {
        ("Classification", "natural") => ["ImageNet1k", "CIFAR-10", "CIFAR-100"][k % 3],
        ("Segmentation", "natural") => "Cityscapes",
        ("Object Detection", "natural") => "COCO",
        ("GAN-Generator" | "GAN-Discriminator", "natural") => "LSUN",
        ("Super Resolution", _) => "DIV2K",
        (_, "handwriting") => ["MNIST", "EMNIST", "KMNIST"][k % 3],
        (_, "faces") => "CelebA",
        (_, "medical xray") => "CheXpert",
        (_, c) => return format!("{c} set"),
    };
    s.to_string()
}

/// Channel widths of a model's `n` layers: (in, out) before scaling, by archetype.
fn widths(n: usize, task: &str, category: &str, rng: &mut SplitMix64) -> Vec<(f64, f64)> {
    let gray = matches!(
        category,
        "handwriting" | "medical xray" | "medical ct" | "medical mri" | "seismic" | "thermal"
    );
    let first_in = if gray { 1.0 } else { 3.0 };
    let base = [16.0, 32.0, 64.0, 64.0, 96.0][(rng.next_u64() % 5) as usize];
    let encoder_decoder = matches!(
        task,
        "Segmentation" | "GAN-Generator" | "Auto-Encoder" | "Style Transfer" | "Depth Estimation"
    );
    let mut outs = Vec::with_capacity(n);
    for k in 0..n {
        let t = if encoder_decoder && n > 3 {
            // Up to the bottleneck and back down.
            1.0 - (2.0 * k as f64 / (n - 1) as f64 - 1.0).abs()
        } else {
            k as f64 / n.max(2) as f64
        };
        let w = if n > 40 && k % 2 == 1 && !encoder_decoder {
            // DenseNet: growth-rate convs inside the block.
            32.0
        } else {
            base * 2f64.powi((t * 4.0).floor().min(3.0) as i32)
        };
        outs.push(w.min(512.0));
    }
    let mut out = Vec::with_capacity(n);
    let mut prev = first_in;
    for w in outs {
        out.push((prev, w));
        prev = w;
    }
    out
}

impl SynthDb {
    /// Draws models, layers and widths; widths are scaled so the filter count comes closest to
    /// `opts.filters`.
    pub fn design(opts: &SynthOptions) -> Result<Self, PrepError> {
        let bad = |p: &str| PrepError::invalid("synth", "options", p.to_string());
        if opts.models == 0 || opts.layers < opts.models {
            return Err(bad("need at least one model and one layer per model"));
        }
        if opts.filters < opts.layers as u64 {
            return Err(bad("need at least one filter per layer"));
        }
        let mut rng = SplitMix64::new(opts.seed);
        let n_models = opts.models;
        let task_n = apportion(&TASKS.map(|t| t.1 as f64), n_models);
        let cat_n = apportion(&CATEGORIES.map(|c| c.1 as f64), n_models);
        let mut cats: Vec<&'static str> = CATEGORIES
            .iter()
            .zip(&cat_n)
            .flat_map(|(c, &k)| std::iter::repeat_n(c.0, k))
            .collect();
        // Rare tasks pick first, so face and depth tasks find their categories.
        let mut pairs = Vec::with_capacity(n_models);
        for (t, &k) in TASKS.iter().zip(&task_n).rev() {
            for _ in 0..k {
                let pos = preferred(t.0)
                    .and_then(|p| cats.iter().position(|c| *c == p))
                    .unwrap_or_else(|| (rng.next_u64() % cats.len() as u64) as usize);
                pairs.push((t.0, cats.swap_remove(pos)));
            }
        }
        shuffle(&mut pairs, &mut rng);

        // Layers per model: log-normal spread around the mean, then scaled to the exact total.
        let spread: Vec<f64> = (0..n_models)
            .map(|_| (0.8 * normals(&mut rng).0).exp())
            .collect();
        let extra = apportion(&spread, opts.layers - n_models);
        let mut models = Vec::with_capacity(n_models);
        let mut raw = Vec::new();
        for (m, (&(task, category), e)) in pairs.iter().zip(extra).enumerate() {
            let n = 1 + e;
            let arch = match n {
                0..=10 => "small",
                11..=20 => "vgg",
                21..=40 => "resnet",
                _ => "densenet",
            };
            for (d, (i, o)) in widths(n, task, category, &mut rng).into_iter().enumerate() {
                let u = uniform(&mut rng);
                let kind = if u < 0.04 {
                    LayerKind::Degenerate
                } else if u < 0.10 {
                    LayerKind::Sparse(0.15 + 0.55 * uniform(&mut rng))
                } else {
                    LayerKind::Trained
                };
                raw.push((m, d, n, i, o, kind));
            }
            models.push(SynthModel {
                name: format!("synth-{arch}-{m:03}"),
                task,
                category,
                dataset: dataset(task, category, m),
            });
        }
        // Scale widths (not the 1 or 3 image channels of first layers) to the filter budget.
        let count = |s: f64| -> u64 {
            raw.iter()
                .map(|r| {
                    let i = if r.1 == 0 {
                        r.3
                    } else {
                        (r.3 * s).round().max(1.0)
                    };
                    i as u64 * (r.4 * s).round().max(1.0) as u64
                })
                .sum()
        };
        let (mut lo, mut hi): (f64, f64) = (1e-4, 1e3);
        for _ in 0..80 {
            let mid: f64 = (lo * hi).sqrt();
            if count(mid) < opts.filters {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let s = if opts.filters.abs_diff(count(lo)) <= opts.filters.abs_diff(count(hi)) {
            lo
        } else {
            hi
        };
        let layers = raw
            .into_iter()
            .map(|(model, d, n, i, o, kind)| SynthLayer {
                model,
                conv_depth: d,
                conv_depth_norm: if n > 1 {
                    d as f64 / (n - 1) as f64
                } else {
                    0.0
                },
                in_channels: if d == 0 { i } else { (i * s).round().max(1.0) } as u64,
                out_channels: (o * s).round().max(1.0) as u64,
                kind,
            })
            .collect();
        Ok(Self {
            models,
            layers,
            seed: opts.seed,
        })
    }

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
    fn full_shape_has_the_v1_counts() {
        let db = SynthDb::design(&SynthOptions::default()).unwrap();
        assert_eq!(db.models.len(), 647);
        assert_eq!(db.layers.len(), 21_436);
        for (task, n) in TASKS {
            assert_eq!(
                db.models.iter().filter(|m| m.task == task).count(),
                n,
                "{task}"
            );
        }
        for (cat, n) in CATEGORIES {
            assert_eq!(
                db.models.iter().filter(|m| m.category == cat).count(),
                n,
                "{cat}"
            );
        }
        assert!(db
            .models
            .iter()
            .filter(|m| m.task == "Face Detection")
            .all(|m| m.category == "faces"));
        let n = db.n_filters() as f64;
        assert!((n / 1_464_797_156.0 - 1.0).abs() < 0.01, "{n}");
        // Real nets: 3 or 1 image channels first, up to 512x512 deep.
        assert!(db
            .layers
            .iter()
            .filter(|l| l.conv_depth == 0)
            .all(|l| l.in_channels <= 3));
        assert!(db
            .layers
            .iter()
            .any(|l| l.in_channels >= 400 && l.out_channels >= 400));
        assert!(db.layers.iter().any(|l| l.kind == LayerKind::Degenerate));
        assert!(db
            .layers
            .iter()
            .any(|l| matches!(l.kind, LayerKind::Sparse(_))));
    }

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

    #[test]
    fn apportion_is_exact() {
        assert_eq!(apportion(&[555.0, 28.0, 64.0], 647), vec![555, 28, 64]);
        assert_eq!(apportion(&[1.0, 1.0, 1.0], 4), vec![2, 1, 1]);
        assert_eq!(apportion(&[3.0, 1.0], 0), vec![0, 0]);
    }
}
