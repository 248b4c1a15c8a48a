//! The sampled filters of the sample and lite-sample chunks.

use arrow_array::types::{Float32Type, UInt32Type};
use arrow_array::RecordBatch;
use filterscope_stats::DIM;

use super::columns::{batch, fixed, Cols};
use super::*;
use crate::SiteError;

/// A chunk of samples.
pub(crate) fn encode_samples(rows: &[SampleRow]) -> RecordBatch {
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
pub(crate) fn decode_samples(file: &str, b: &RecordBatch) -> Result<Vec<SampleRow>, SiteError> {
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

/// The lite-cells table: each lite sample's layer and cell of the pair view's density, in the
/// lite chunks' row order.
pub(crate) fn encode_lite_cells(rows: &[(u32, u16)]) -> RecordBatch {
    batch(vec![
        ("layer", u32s(rows.iter().map(|r| r.0))),
        (
            "cell",
            Arc::new(arrow_array::UInt16Array::from_iter_values(
                rows.iter().map(|r| r.1),
            )),
        ),
    ])
}

/// Decodes the lite-cells table.
pub(crate) fn decode_lite_cells(file: &str, b: &RecordBatch) -> Result<Vec<(u32, u16)>, SiteError> {
    let c = Cols { file, batch: b };
    let layer = c.prim::<UInt32Type>("layer")?;
    let cell = c.prim::<arrow_array::types::UInt16Type>("cell")?;
    Ok((0..layer.len())
        .map(|i| (layer.value(i), cell.value(i)))
        .collect())
}
