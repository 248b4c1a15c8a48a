//! The per-value sketches of a column: each value's over every model (a grouping by the column);
//! of a layer-level column each (value, model)'s (the column crossed with model-level columns, or
//! weighed and resampled by model); of a model-level column each (value, depth bucket)'s (the
//! column crossed with depth). Counts add up exactly in any order, so these give the very numbers the
//! per-layer path does. A value's total holds its moments too (a pair's own PCA reads them, and
//! they are summed in the per-layer path's order); a cell holds counts only.

use arrow_array::types::{UInt32Type, UInt64Type, UInt8Type};
use arrow_array::RecordBatch;
use filterscope_stats::Sketch;

use super::columns::{batch, dict, Cols};
use super::sketch_cols::{decode_sketches, sketch_columns, Has};
use super::*;
use crate::SiteError;

/// One value of a layer-level column over every model.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueTotal {
    /// The value, as text (as a filter or group label writes it).
    pub value: String,
    /// Models with a layer of this value.
    pub n_models: u64,
    /// Layers of this value.
    pub n_layers: u64,
    /// Their merged histograms and scaled moments.
    pub sketch: Sketch,
}

/// One model's layers of one value of a layer-level column.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueCell {
    /// The value, as text.
    pub value: String,
    /// Model index.
    pub model: u32,
    /// The model's layers of this value.
    pub n_layers: u64,
    /// Their merged histograms (no moments).
    pub sketch: Sketch,
}

/// A value-totals table: `value` (string), `n_models`, `n_layers`, then both parts.
pub(crate) fn encode_value_totals(rows: &[ValueTotal]) -> RecordBatch {
    let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
    let mut cols = vec![
        ("value", dict(rows.iter().map(|r| r.value.clone()))),
        ("n_models", u64s(rows.iter().map(|r| r.n_models))),
        ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
    ];
    cols.extend(sketch_columns(&sketches, Has::ALL));
    batch(cols)
}

/// Decodes a value-totals table.
pub(crate) fn decode_value_totals(
    file: &str,
    b: &RecordBatch,
) -> Result<Vec<ValueTotal>, SiteError> {
    let c = Cols { file, batch: b };
    let value = c.strings("value")?;
    let nm = c.prim::<UInt64Type>("n_models")?;
    let nl = c.prim::<UInt64Type>("n_layers")?;
    Ok(decode_sketches(&c, Has::ALL)?
        .into_iter()
        .zip(value)
        .enumerate()
        .map(|(i, (sketch, value))| ValueTotal {
            value,
            n_models: nm.value(i),
            n_layers: nl.value(i),
            sketch,
        })
        .collect())
}

/// A chunk of value cells: `value` (string), `model` (uint32), `n_layers`, then the counts part.
pub(crate) fn encode_value_cells(rows: &[ValueCell]) -> RecordBatch {
    let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
    let mut cols = vec![
        ("value", dict(rows.iter().map(|r| r.value.clone()))),
        ("model", u32s(rows.iter().map(|r| r.model))),
        ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
    ];
    cols.extend(sketch_columns(&sketches, Has::COUNTS));
    batch(cols)
}

/// Decodes a chunk of value cells.
pub(crate) fn decode_value_cells(file: &str, b: &RecordBatch) -> Result<Vec<ValueCell>, SiteError> {
    let c = Cols { file, batch: b };
    let value = c.strings("value")?;
    let model = c.prim::<UInt32Type>("model")?;
    let nl = c.prim::<UInt64Type>("n_layers")?;
    Ok(decode_sketches(&c, Has::COUNTS)?
        .into_iter()
        .zip(value)
        .enumerate()
        .map(|(i, (sketch, value))| ValueCell {
            value,
            model: model.value(i),
            n_layers: nl.value(i),
            sketch,
        })
        .collect())
}

/// One value of a model-level column within one depth bucket: its models' layers there.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueDepth {
    /// The value, as text.
    pub value: String,
    /// Depth bucket (0..10).
    pub bucket: u8,
    /// Models of this value with layers in the bucket.
    pub n_models: u64,
    /// Their layers in the bucket.
    pub n_layers: u64,
    /// Their merged histograms and scaled moments.
    pub sketch: Sketch,
}

/// A value-by-depth table: `value` (string), `bucket` (uint8), `n_models`, `n_layers`, then both
/// parts.
pub(crate) fn encode_value_depths(rows: &[ValueDepth]) -> RecordBatch {
    let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
    let mut cols = vec![
        ("value", dict(rows.iter().map(|r| r.value.clone()))),
        ("bucket", u8s(rows.iter().map(|r| r.bucket))),
        ("n_models", u64s(rows.iter().map(|r| r.n_models))),
        ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
    ];
    cols.extend(sketch_columns(&sketches, Has::ALL));
    batch(cols)
}

/// Decodes a value-by-depth table.
pub(crate) fn decode_value_depths(
    file: &str,
    b: &RecordBatch,
) -> Result<Vec<ValueDepth>, SiteError> {
    let c = Cols { file, batch: b };
    let value = c.strings("value")?;
    let bucket = c.prim::<UInt8Type>("bucket")?;
    let nm = c.prim::<UInt64Type>("n_models")?;
    let nl = c.prim::<UInt64Type>("n_layers")?;
    Ok(decode_sketches(&c, Has::ALL)?
        .into_iter()
        .zip(value)
        .enumerate()
        .map(|(i, (sketch, value))| ValueDepth {
            value,
            bucket: bucket.value(i),
            n_models: nm.value(i),
            n_layers: nl.value(i),
            sketch,
        })
        .collect())
}
