//! Seeded fixture DBs with the structure of trained CNNs, in the official layout (HDF5 + meta CSV)
//! and as ONNX model folders: what the reference tests compare against numpy/scikit-learn, and a
//! starting point for synthetic full-scale DBs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use filterscope_onnx::builder::{conv_chain, ConvSpec, Storage};
use filterscope_stats::{Filter, SplitMix64};

use crate::source::filter_model::{depth_scale_noise, normal, PATTERNS};
use crate::source::official_meta;
use crate::PrepError;

/// A layer to generate.
#[derive(Debug, Clone)]
pub struct LayerSpec {
    /// Input channels.
    pub in_channels: usize,
    /// Output channels.
    pub out_channels: usize,
    /// Share of filters that are (almost) zero, as in pruned or dead layers.
    pub sparse: f64,
}

/// A model to generate.
#[derive(Debug, Clone)]
pub struct ModelSpec {
    /// Model name.
    pub name: String,
    /// Task, Visual Category, Training-Dataset.
    pub meta: [String; 3],
    /// Its layers, in depth order.
    pub layers: Vec<LayerSpec>,
}

/// A layer's filters: a per-layer mixture of the patterns plus noise; `sparse` share near zero.
pub fn layer_filters(spec: &LayerSpec, depth: f64, rng: &mut SplitMix64) -> Vec<Filter> {
    let n = spec.in_channels * spec.out_channels;
    let (scale, noise) = depth_scale_noise(depth);
    let mix: Vec<f64> = (0..PATTERNS.len())
        .map(|_| normal(rng).abs() + 0.2)
        .collect();
    (0..n)
        .map(|_| {
            let mut f = [0.0; 9];
            if (rng.next_u64() as f64 / u64::MAX as f64) < spec.sparse {
                for v in &mut f {
                    *v = 1e-5 * normal(rng);
                }
                return f;
            }
            for (p, m) in PATTERNS.iter().zip(&mix) {
                let a = m * normal(rng);
                for (v, pv) in f.iter_mut().zip(p) {
                    *v += a * pv;
                }
            }
            for v in &mut f {
                *v = scale * (*v + noise * normal(rng));
            }
            f
        })
        .collect()
}

/// Writes `models` in the official layout to `dir/db.h5` and `dir/meta.csv` (filter_ids with an
/// inclusive end, the columns pandas exports). Returns both paths.
pub fn write_h5_db(
    dir: &Path,
    models: &[ModelSpec],
    seed: u64,
    float32: bool,
) -> Result<(PathBuf, PathBuf), PrepError> {
    let mut rng = SplitMix64::new(seed);
    let mut filters = Vec::new();
    let mut csv = official_meta::table();
    let mut layer_id = 0;
    for (m, model) in models.iter().enumerate() {
        let nl = model.layers.len();
        for (d, l) in model.layers.iter().enumerate() {
            let norm = if nl > 1 {
                d as f64 / (nl - 1) as f64
            } else {
                0.0
            };
            let start = filters.len();
            filters.extend(layer_filters(l, norm, &mut rng));
            let end = filters.len() - 1;
            let [task, cat, data] = &model.meta;
            official_meta::push(
                &mut csv,
                &official_meta::Row {
                    layer_id,
                    model_id: m,
                    conv_depth: d,
                    conv_depth_norm: norm,
                    filters: (start as u64, end as u64),
                    model: &model.name,
                    meta: [task, cat, data],
                    channels: (l.in_channels as u64, l.out_channels as u64),
                },
            );
            layer_id += 1;
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| PrepError::io(dir, e))?;
    let h5 = dir.join("db.h5");
    let meta = dir.join("meta.csv");
    crate::source::h5::write_db(&h5, &filters, float32, None)?;
    std::fs::write(&meta, csv).map_err(|e| PrepError::io(&meta, e))?;
    Ok((h5, meta))
}

/// Writes each model as an ONNX conv chain (3x3 layers, with a 1x1 conv after the first to show
/// that other kernel sizes count for depth) in `dir`, plus `dir/models.csv`. Weight storage
/// cycles through float32, float16-exact values, double and Constant nodes.
pub fn write_onnx_db(dir: &Path, models: &[ModelSpec], seed: u64) -> Result<PathBuf, PrepError> {
    let mut rng = SplitMix64::new(seed);
    std::fs::create_dir_all(dir).map_err(|e| PrepError::io(dir, e))?;
    let mut csv = String::from("file,model,Task,Visual Category,Training-Dataset\n");
    let storages = [
        Storage::Float32,
        Storage::Double,
        Storage::Constant,
        Storage::Float16,
    ];
    for (m, model) in models.iter().enumerate() {
        let mut convs = Vec::new();
        let nl = model.layers.len();
        for (d, l) in model.layers.iter().enumerate() {
            let storage = storages[(m + d) % storages.len()];
            let mut w: Vec<f64> = layer_filters(l, d as f64 / nl.max(2) as f64, &mut rng)
                .into_iter()
                .flatten()
                .collect();
            // float32 storage rounds; round here so every storage holds exactly these values.
            for v in &mut w {
                *v = match storage {
                    Storage::Float16 => ((*v * 1024.0).round() / 1024.0).clamp(-2.0, 2.0),
                    Storage::Double => *v,
                    _ => *v as f32 as f64,
                };
            }
            convs.push(ConvSpec {
                out_channels: l.out_channels,
                in_channels: l.in_channels,
                k: 3,
                weights: w,
                storage,
                skip_from_input: d == 2,
            });
            if d == 0 {
                let c = l.out_channels;
                convs.push(ConvSpec {
                    out_channels: c,
                    in_channels: c,
                    k: 1,
                    weights: vec![0.5; c * c],
                    storage: Storage::Float32,
                    skip_from_input: false,
                });
            }
        }
        let file = format!("{}.onnx", model.name);
        let p = dir.join(&file);
        std::fs::write(&p, conv_chain(&convs)).map_err(|e| PrepError::io(&p, e))?;
        let [task, cat, data] = &model.meta;
        writeln!(csv, "{file},{},{task},{cat},{data}", model.name).expect("write to string");
    }
    let csv_path = dir.join("models.csv");
    std::fs::write(&csv_path, csv).map_err(|e| PrepError::io(&csv_path, e))?;
    Ok(csv_path)
}

/// A small DB with the variety the reference tests need: several tasks and categories, depths
/// across all buckets, sparse layers, a single-out-channel layer and a grouped-conv-like layer,
/// and a Task label ("Semantic Segmentation") that the notebook's cleaning merges.
pub fn reference_models() -> Vec<ModelSpec> {
    let meta = |t: &str, c: &str, d: &str| [t.to_string(), c.to_string(), d.to_string()];
    let l = |i, o, s| LayerSpec {
        in_channels: i,
        out_channels: o,
        sparse: s,
    };
    vec![
        ModelSpec {
            name: "resnet-a".into(),
            meta: meta("Classification", "natural", "ImageNet1k"),
            layers: vec![
                l(3, 32, 0.0),
                l(32, 32, 0.0),
                l(32, 64, 0.05),
                l(64, 64, 0.0),
                l(64, 64, 0.3),
                l(64, 1, 0.0),
            ],
        },
        ModelSpec {
            name: "vgg-b".into(),
            meta: meta("Classification", "natural", "CIFAR-10"),
            layers: vec![
                l(3, 16, 0.0),
                l(16, 32, 0.0),
                l(32, 32, 0.0),
                l(32, 48, 0.0),
                l(48, 48, 0.2),
                l(48, 48, 0.0),
                l(48, 64, 0.0),
                l(64, 64, 0.0),
                l(64, 64, 0.0),
                l(64, 64, 0.0),
                l(64, 64, 0.6),
            ],
        },
        ModelSpec {
            name: "unet-c".into(),
            meta: meta("Segmentation", "medical ct", "LiTS"),
            layers: vec![
                l(1, 16, 0.0),
                l(16, 16, 0.0),
                l(16, 32, 0.0),
                l(32, 16, 0.0),
                l(16, 2, 0.0),
            ],
        },
        ModelSpec {
            name: "deeplab-f".into(),
            meta: meta("Semantic Segmentation", "natural", "Cityscapes"),
            layers: vec![l(3, 16, 0.0), l(16, 16, 0.1), l(16, 24, 0.0)],
        },
        ModelSpec {
            name: "gan-d".into(),
            meta: meta("GAN-Generator", "faces", "CelebA"),
            layers: vec![l(64, 32, 0.0), l(32, 16, 0.0), l(16, 3, 0.0)],
        },
        ModelSpec {
            name: "mnist-e".into(),
            meta: meta("Classification", "handwriting", "MNIST"),
            layers: vec![l(1, 8, 0.0), l(8, 16, 0.0)],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_seeded_and_sized() {
        let spec = LayerSpec {
            in_channels: 3,
            out_channels: 4,
            sparse: 0.5,
        };
        let a = layer_filters(&spec, 0.2, &mut SplitMix64::new(1));
        let b = layer_filters(&spec, 0.2, &mut SplitMix64::new(1));
        assert_eq!(a.len(), 12);
        assert_eq!(a, b);
        assert!(
            a.iter().any(|f| f.iter().all(|v| v.abs() < 1e-3)),
            "some filters are sparse"
        );
    }
}
