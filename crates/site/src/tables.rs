//! The Arrow tables of a site: their rows as Rust types, and their encoding to and from record
//! batches. Every table of sketches (per model, per depth bucket, per (model, bucket), per layer)
//! shares the sketch columns of `sketch_cols.rs`, so all decode the same way.

use std::sync::Arc;

use arrow_array::types::{Float32Type, Float64Type, Int64Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, UInt32Array, UInt64Array,
    UInt8Array,
};
use filterscope_stats::{LayerQuality, Sketch, DIM};

use crate::columns::{batch, dict, fixed, Cols};
use crate::sketch_cols::{decode_sketches, sketch_columns, Has};
use crate::SiteError;

/// One model and its model-level meta values.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelRow {
    /// Unique model name.
    pub name: String,
    /// Values of the manifest's `model_columns`, in order ("" where missing).
    pub values: Vec<String>,
}

/// One layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRow {
    /// The source's layer id (unique).
    pub layer_id: i64,
    /// Index of its model in the models table.
    pub model: u32,
    /// Rank of the layer's graph depth among its model's conv depths.
    pub conv_depth: i64,
    /// conv_depth normalised to [0, 1].
    pub conv_depth_norm: f64,
    /// Input channels per group.
    pub in_channels: i64,
    /// Output channels.
    pub out_channels: i64,
    /// Number of 3x3 filters.
    pub n_filters: u64,
    /// Values of the manifest's `layer_columns`, in order.
    pub values: Vec<String>,
}

/// A layer's sketch and quality.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSketch {
    /// The mergeable sketch.
    pub sketch: Sketch,
    /// Quality measured on the layer's raw weights.
    pub quality: LayerQuality,
}

/// The sketch of one model's layers in one depth bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    /// Model index.
    pub model: u32,
    /// Depth bucket (0..10).
    pub bucket: u8,
    /// Layers merged.
    pub n_layers: u64,
    /// Merged sketch of those layers.
    pub sketch: Sketch,
}

/// The sketch of one depth bucket over every model.
#[derive(Debug, Clone, PartialEq)]
pub struct DepthRow {
    /// Depth bucket (0..10).
    pub bucket: u8,
    /// Models with layers in it.
    pub n_models: u64,
    /// Layers in it.
    pub n_layers: u64,
    /// Merged sketch of those layers.
    pub sketch: Sketch,
}

/// A model's size, stored beside its meta values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ModelTotals {
    /// Its 3x3 conv layers.
    pub n_layers: u64,
    /// Its 3x3 filters.
    pub n_filters: u64,
}

/// One sampled raw filter.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    /// Layer index (row of the layers table).
    pub layer: u32,
    /// Index of the filter within its layer.
    pub index: u32,
    /// Raw weights (as float32, the precision models are trained in).
    pub weights: [f32; DIM],
}

/// Encoders and decoders of the site's tables.
pub struct Tables;

fn u32s(v: impl Iterator<Item = u32>) -> ArrayRef {
    Arc::new(UInt32Array::from_iter_values(v))
}

fn u64s(v: impl Iterator<Item = u64>) -> ArrayRef {
    Arc::new(UInt64Array::from_iter_values(v))
}

fn quality_columns(q: &[&LayerQuality]) -> Vec<(&'static str, ArrayRef)> {
    let f = |f: &dyn Fn(&LayerQuality) -> f64| -> ArrayRef {
        Arc::new(Float64Array::from_iter_values(q.iter().map(|q| f(q))))
    };
    vec![
        ("variance_entropy", f(&|q| q.variance_entropy)),
        ("entropy_ratio", f(&|q| q.entropy_ratio)),
        (
            "degenerated",
            Arc::new(BooleanArray::from_iter(
                q.iter().map(|q| Some(q.degenerated)),
            )),
        ),
        (
            "orthogonality",
            Arc::new(Float64Array::from_iter(q.iter().map(|q| q.orthogonality))),
        ),
    ]
}

/// The quality columns of a decoded table.
struct QualityCols<'a> {
    h: &'a Float64Array,
    ratio: &'a Float64Array,
    deg: &'a BooleanArray,
    orth: &'a Float64Array,
}

impl<'a> QualityCols<'a> {
    fn of(c: &Cols<'a>) -> Result<Self, SiteError> {
        Ok(Self {
            h: c.prim::<Float64Type>("variance_entropy")?,
            ratio: c.prim::<Float64Type>("entropy_ratio")?,
            deg: c.bools("degenerated")?,
            orth: c.prim::<Float64Type>("orthogonality")?,
        })
    }

    /// Row `i`'s quality, for a layer of `n` filters of which `n_sparse` are sparse.
    fn row(&self, i: usize, n: u64, n_sparse: u64) -> LayerQuality {
        LayerQuality {
            n,
            n_sparse,
            sparsity: if n == 0 {
                0.0
            } else {
                n_sparse as f64 / n as f64
            },
            variance_entropy: self.h.value(i),
            entropy_ratio: self.ratio.value(i),
            degenerated: self.deg.value(i),
            orthogonality: self.orth.is_valid(i).then(|| self.orth.value(i)),
        }
    }
}

impl Tables {
    /// The models table: `model`, each model column (dictionary-encoded), then `n_layers` and
    /// `n_filters`.
    pub fn encode_models(
        rows: &[ModelRow],
        columns: &[String],
        totals: &[ModelTotals],
    ) -> RecordBatch {
        let mut cols = vec![("model", dict(rows.iter().map(|r| r.name.clone())))];
        for (k, name) in columns.iter().enumerate() {
            cols.push((
                name.as_str(),
                dict(rows.iter().map(|r| r.values[k].clone())),
            ));
        }
        cols.push(("n_layers", u64s(totals.iter().map(|t| t.n_layers))));
        cols.push(("n_filters", u64s(totals.iter().map(|t| t.n_filters))));
        batch(cols)
    }

    /// Decodes the models table.
    pub fn decode_models(
        file: &str,
        b: &RecordBatch,
        columns: &[String],
    ) -> Result<(Vec<ModelRow>, Vec<ModelTotals>), SiteError> {
        let c = Cols { file, batch: b };
        let names = c.strings("model")?;
        let values: Vec<Vec<String>> = columns
            .iter()
            .map(|n| c.strings(n))
            .collect::<Result<_, _>>()?;
        let nl = c.prim::<UInt64Type>("n_layers")?;
        let nf = c.prim::<UInt64Type>("n_filters")?;
        let totals = (0..names.len())
            .map(|i| ModelTotals {
                n_layers: nl.value(i),
                n_filters: nf.value(i),
            })
            .collect();
        let rows = names
            .into_iter()
            .enumerate()
            .map(|(i, name)| ModelRow {
                name,
                values: values.iter().map(|v| v[i].clone()).collect(),
            })
            .collect();
        Ok((rows, totals))
    }

    /// Per-model sketches with the parts `has` names (row i is model i).
    pub fn encode_model_sketches(sketches: &[Sketch], has: Has) -> RecordBatch {
        let refs: Vec<&Sketch> = sketches.iter().collect();
        let mut cols = vec![("model", u32s(0..sketches.len() as u32))];
        cols.extend(sketch_columns(&refs, has));
        batch(cols)
    }

    /// Decodes per-model sketches, checking that row i is model i.
    pub fn decode_model_sketches(
        file: &str,
        b: &RecordBatch,
        has: Has,
    ) -> Result<Vec<Sketch>, SiteError> {
        let c = Cols { file, batch: b };
        let model = c.prim::<UInt32Type>("model")?;
        if let Some(i) = (0..model.len()).find(|&i| model.value(i) as usize != i) {
            return Err(c.err(format!("row {i} is model {}, not {i}", model.value(i))));
        }
        decode_sketches(&c, has)
    }

    /// The layers table.
    pub fn encode_layers(rows: &[LayerRow], columns: &[String]) -> RecordBatch {
        let i64s = |f: &dyn Fn(&LayerRow) -> i64| -> ArrayRef {
            Arc::new(Int64Array::from_iter_values(rows.iter().map(f)))
        };
        let mut cols = vec![
            ("layer_id", i64s(&|r| r.layer_id)),
            ("model", u32s(rows.iter().map(|r| r.model))),
            ("conv_depth", i64s(&|r| r.conv_depth)),
            (
                "conv_depth_norm",
                Arc::new(Float64Array::from_iter_values(
                    rows.iter().map(|r| r.conv_depth_norm),
                )),
            ),
            ("in_channels", i64s(&|r| r.in_channels)),
            ("out_channels", i64s(&|r| r.out_channels)),
            ("n_filters", u64s(rows.iter().map(|r| r.n_filters))),
        ];
        for (k, name) in columns.iter().enumerate() {
            cols.push((
                name.as_str(),
                dict(rows.iter().map(|r| r.values[k].clone())),
            ));
        }
        batch(cols)
    }

    /// Decodes the layers table.
    pub fn decode_layers(
        file: &str,
        b: &RecordBatch,
        columns: &[String],
    ) -> Result<Vec<LayerRow>, SiteError> {
        let c = Cols { file, batch: b };
        let id = c.prim::<Int64Type>("layer_id")?;
        let model = c.prim::<UInt32Type>("model")?;
        let depth = c.prim::<Int64Type>("conv_depth")?;
        let norm = c.prim::<Float64Type>("conv_depth_norm")?;
        let inc = c.prim::<Int64Type>("in_channels")?;
        let outc = c.prim::<Int64Type>("out_channels")?;
        let n = c.prim::<UInt64Type>("n_filters")?;
        let values: Vec<Vec<String>> = columns
            .iter()
            .map(|n| c.strings(n))
            .collect::<Result<_, _>>()?;
        Ok((0..id.len())
            .map(|i| LayerRow {
                layer_id: id.value(i),
                model: model.value(i),
                conv_depth: depth.value(i),
                conv_depth_norm: norm.value(i),
                in_channels: inc.value(i),
                out_channels: outc.value(i),
                n_filters: n.value(i),
                values: values.iter().map(|v| v[i].clone()).collect(),
            })
            .collect())
    }

    /// Every layer's quality: `layer`, `n`, `n_sparse`, then the quality columns.
    pub fn encode_quality(rows: &[LayerSketch]) -> RecordBatch {
        let q: Vec<&LayerQuality> = rows.iter().map(|r| &r.quality).collect();
        let mut cols = vec![
            ("layer", u32s(0..rows.len() as u32)),
            ("n", u64s(q.iter().map(|q| q.n))),
            ("n_sparse", u64s(q.iter().map(|q| q.n_sparse))),
        ];
        cols.extend(quality_columns(&q));
        batch(cols)
    }

    /// Decodes the quality table (row i is layer i).
    pub fn decode_quality(file: &str, b: &RecordBatch) -> Result<Vec<LayerQuality>, SiteError> {
        let c = Cols { file, batch: b };
        let layer = c.prim::<UInt32Type>("layer")?;
        let n = c.prim::<UInt64Type>("n")?;
        let ns = c.prim::<UInt64Type>("n_sparse")?;
        let q = QualityCols::of(&c)?;
        (0..layer.len())
            .map(|i| {
                if layer.value(i) as usize != i {
                    return Err(c.err(format!("row {i} is layer {}, not {i}", layer.value(i))));
                }
                if ns.value(i) > n.value(i) {
                    return Err(c.err(format!("row {i}: more sparse filters than filters")));
                }
                Ok(q.row(i, n.value(i), ns.value(i)))
            })
            .collect()
    }

    /// A chunk of per-layer sketches (`first` is the index of its first layer).
    pub fn encode_layer_sketches(first: u32, rows: &[LayerSketch]) -> RecordBatch {
        let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
        let q: Vec<&LayerQuality> = rows.iter().map(|r| &r.quality).collect();
        let mut cols = vec![("layer", u32s(first..first + rows.len() as u32))];
        cols.extend(sketch_columns(&sketches, Has::ALL));
        cols.extend(quality_columns(&q));
        batch(cols)
    }

    /// Decodes a sketch chunk: (layer index, sketch and quality) per row.
    pub fn decode_layer_sketches(
        file: &str,
        b: &RecordBatch,
    ) -> Result<Vec<(u32, LayerSketch)>, SiteError> {
        let c = Cols { file, batch: b };
        let layer = c.prim::<UInt32Type>("layer")?;
        let sketches = decode_sketches(&c, Has::ALL)?;
        let q = QualityCols::of(&c)?;
        Ok(sketches
            .into_iter()
            .enumerate()
            .map(|(i, sketch)| {
                let quality = q.row(i, sketch.n(), sketch.n_sparse);
                (layer.value(i), LayerSketch { sketch, quality })
            })
            .collect())
    }

    /// The depth table: one row per depth bucket with layers.
    pub fn encode_depths(rows: &[DepthRow]) -> RecordBatch {
        let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
        let mut cols = vec![
            (
                "bucket",
                Arc::new(UInt8Array::from_iter_values(rows.iter().map(|r| r.bucket))) as ArrayRef,
            ),
            ("n_models", u64s(rows.iter().map(|r| r.n_models))),
            ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
        ];
        cols.extend(sketch_columns(&sketches, Has::ALL));
        batch(cols)
    }

    /// Decodes the depth table.
    pub fn decode_depths(file: &str, b: &RecordBatch) -> Result<Vec<DepthRow>, SiteError> {
        let c = Cols { file, batch: b };
        let bucket = c.prim::<UInt8Type>("bucket")?;
        let nm = c.prim::<UInt64Type>("n_models")?;
        let nl = c.prim::<UInt64Type>("n_layers")?;
        Ok(decode_sketches(&c, Has::ALL)?
            .into_iter()
            .enumerate()
            .map(|(i, sketch)| DepthRow {
                bucket: bucket.value(i),
                n_models: nm.value(i),
                n_layers: nl.value(i),
                sketch,
            })
            .collect())
    }

    /// The rollups table.
    pub fn encode_rollups(rows: &[Rollup]) -> RecordBatch {
        let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
        let mut cols = vec![
            ("model", u32s(rows.iter().map(|r| r.model))),
            (
                "bucket",
                Arc::new(UInt8Array::from_iter_values(rows.iter().map(|r| r.bucket))),
            ),
            ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
        ];
        cols.extend(sketch_columns(&sketches, Has::ALL));
        batch(cols)
    }

    /// Decodes the rollups table.
    pub fn decode_rollups(file: &str, b: &RecordBatch) -> Result<Vec<Rollup>, SiteError> {
        let c = Cols { file, batch: b };
        let model = c.prim::<UInt32Type>("model")?;
        let bucket = c.prim::<UInt8Type>("bucket")?;
        let nl = c.prim::<UInt64Type>("n_layers")?;
        Ok(decode_sketches(&c, Has::ALL)?
            .into_iter()
            .enumerate()
            .map(|(i, sketch)| Rollup {
                model: model.value(i),
                bucket: bucket.value(i),
                n_layers: nl.value(i),
                sketch,
            })
            .collect())
    }

    /// A chunk of samples.
    pub fn encode_samples(rows: &[SampleRow]) -> RecordBatch {
        batch(vec![
            ("layer", u32s(rows.iter().map(|r| r.layer))),
            ("index", u32s(rows.iter().map(|r| r.index))),
            (
                "weights",
                fixed::<Float32Type>(rows.iter().flat_map(|r| r.weights).collect(), DIM),
            ),
        ])
    }

    /// Decodes a chunk of samples.
    pub fn decode_samples(file: &str, b: &RecordBatch) -> Result<Vec<SampleRow>, SiteError> {
        let c = Cols { file, batch: b };
        let layer = c.prim::<UInt32Type>("layer")?;
        let index = c.prim::<UInt32Type>("index")?;
        let w = c.fixed::<Float32Type>("weights", DIM)?;
        Ok((0..layer.len())
            .map(|i| SampleRow {
                layer: layer.value(i),
                index: index.value(i),
                weights: w[i * DIM..(i + 1) * DIM].try_into().expect("9 weights"),
            })
            .collect())
    }
}
