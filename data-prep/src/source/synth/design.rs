//! The shape of a synthetic DB: how many models of each Task and Visual Category, how many layers
//! each, and their channel widths, all drawn from the seed.

use filterscope_stats::SplitMix64;

use super::{LayerKind, SynthDb, SynthLayer, SynthModel, SynthOptions};
use crate::source::filter_model::{normals, uniform};
use crate::PrepError;

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

/// A layer drawn before its widths are scaled: model, depth, the model's layer count, in and
/// out widths, kind.
type RawLayer = (usize, usize, usize, f64, f64, LayerKind);

/// Each model's (task, category), in the DB's proportions.
fn task_pairs(n_models: usize, rng: &mut SplitMix64) -> Vec<(&'static str, &'static str)> {
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
    shuffle(&mut pairs, rng);
    pairs
}

/// The factor on the widths that brings the filter count closest to `filters`.
fn width_scale(raw: &[RawLayer], filters: u64) -> f64 {
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
        if count(mid) < filters {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if filters.abs_diff(count(lo)) <= filters.abs_diff(count(hi)) {
        lo
    } else {
        hi
    }
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
        let pairs = task_pairs(n_models, &mut rng);

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
        let s = width_scale(&raw, opts.filters);
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
    fn apportion_is_exact() {
        assert_eq!(apportion(&[555.0, 28.0, 64.0], 647), vec![555, 28, 64]);
        assert_eq!(apportion(&[1.0, 1.0, 1.0], 4), vec![2, 1, 1]);
        assert_eq!(apportion(&[3.0, 1.0], 0), vec![0, 0]);
    }
}
