//! The Arrow tables of a site: their rows as Rust types, and their encoding to and from record
//! batches. Every table of sketches (per model, per depth bucket, per (model, bucket), per value of
//! a column, per (value, model) or (value, bucket), per layer)
//! shares the sketch columns of `sketch_cols.rs`, so all decode the same way.

pub(crate) mod columns;
mod depths;
mod layers;
mod models;
mod samples;
pub(crate) mod sketch_cols;
mod spread;
mod values;

pub(crate) use depths::{
    decode_depths, decode_model_buckets, decode_rollups, encode_depths, encode_model_buckets,
    encode_rollups,
};
pub(crate) use layers::{
    decode_layer_sketches, decode_layers, decode_quality, encode_layer_sketches, encode_layers,
    encode_quality,
};
pub(crate) use models::{
    decode_model_sketches, decode_models, encode_model_sketches, encode_models,
};
pub(crate) use samples::{decode_lite_cells, decode_samples, encode_lite_cells, encode_samples};
pub(crate) use spread::{decode_spread, encode_spread, StoredSpread};
pub(crate) use values::{
    decode_value_cells, decode_value_depths, decode_value_shares, decode_value_totals,
    encode_value_cells, encode_value_depths, encode_value_shares, encode_value_totals,
};
pub use values::{ValueCell, ValueDepth, ValueShares, ValueTotal};

use std::sync::Arc;

use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, UInt32Array, UInt64Array};
use filterscope_stats::{LayerQuality, Sketch, DIM};

use crate::SiteError;
use columns::Cols;

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

pub(crate) fn u32s(v: impl Iterator<Item = u32>) -> ArrayRef {
    Arc::new(UInt32Array::from_iter_values(v))
}

pub(crate) fn u8s(v: impl Iterator<Item = u8>) -> ArrayRef {
    Arc::new(arrow_array::UInt8Array::from_iter_values(v))
}

pub(crate) fn u64s(v: impl Iterator<Item = u64>) -> ArrayRef {
    Arc::new(UInt64Array::from_iter_values(v))
}

pub(crate) fn quality_columns(q: &[&LayerQuality]) -> Vec<(&'static str, ArrayRef)> {
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
pub(crate) struct QualityCols<'a> {
    h: &'a Float64Array,
    ratio: &'a Float64Array,
    deg: &'a BooleanArray,
    orth: &'a Float64Array,
}

impl<'a> QualityCols<'a> {
    pub(crate) fn of(c: &Cols<'a>) -> Result<Self, SiteError> {
        Ok(Self {
            h: c.prim::<Float64Type>("variance_entropy")?,
            ratio: c.prim::<Float64Type>("entropy_ratio")?,
            deg: c.bools("degenerated")?,
            orth: c.prim::<Float64Type>("orthogonality")?,
        })
    }

    /// Row `i`'s quality, for a layer of `n` filters of which `n_sparse` are sparse.
    pub(crate) fn row(&self, i: usize, n: u64, n_sparse: u64) -> LayerQuality {
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
