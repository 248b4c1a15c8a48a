//! The per-depth-bucket and per-(model, bucket) sketches.

use std::sync::Arc;

use arrow_array::types::{UInt16Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{ArrayRef, RecordBatch, UInt16Array, UInt8Array};
use filterscope_stats::Sketch;

use super::columns::{batch, Cols};
use super::sketch_cols::{decode_sketches, sketch_columns, Has};
use super::*;
use crate::SiteError;

/// The depth table: one row per depth bucket with layers.
pub(crate) fn encode_depths(rows: &[DepthRow]) -> RecordBatch {
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
pub(crate) fn decode_depths(file: &str, b: &RecordBatch) -> Result<Vec<DepthRow>, SiteError> {
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

/// The rollups table, with the parts `has` names.
pub(crate) fn encode_rollups(rows: &[Rollup], has: Has) -> RecordBatch {
    let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
    let mut cols = vec![
        ("model", u32s(rows.iter().map(|r| r.model))),
        (
            "bucket",
            Arc::new(UInt8Array::from_iter_values(rows.iter().map(|r| r.bucket))),
        ),
        ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
    ];
    cols.extend(sketch_columns(&sketches, has));
    batch(cols)
}

/// Decodes a rollups table holding the parts `has` names.
pub(crate) fn decode_rollups(
    file: &str,
    b: &RecordBatch,
    has: Has,
) -> Result<Vec<Rollup>, SiteError> {
    let c = Cols { file, batch: b };
    let model = c.prim::<UInt32Type>("model")?;
    let bucket = c.prim::<UInt8Type>("bucket")?;
    let nl = c.prim::<UInt64Type>("n_layers")?;
    Ok(decode_sketches(&c, has)?
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

/// The model-buckets table: one row per model (the models table's order), `buckets` (uint16) with
/// bit b set when the model has a layer in depth bucket b. What a model-level grouping among
/// several buckets counts its models with, since a model in two of them is one model.
pub(crate) fn encode_model_buckets(masks: &[u16]) -> RecordBatch {
    let col = Arc::new(UInt16Array::from_iter_values(masks.iter().copied())) as ArrayRef;
    batch(vec![("buckets", col)])
}

/// Decodes the model-buckets table.
pub(crate) fn decode_model_buckets(file: &str, b: &RecordBatch) -> Result<Vec<u16>, SiteError> {
    let c = Cols { file, batch: b };
    Ok(c.prim::<UInt16Type>("buckets")?.values().to_vec())
}
