//! The layers table, layer quality and the per-layer sketch chunks.

use std::sync::Arc;

use arrow_array::types::{Float64Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use filterscope_stats::{LayerQuality, Sketch};

use super::columns::{batch, dict, Cols};
use super::sketch_cols::{decode_sketches, sketch_columns, Has};
use super::*;
use crate::SiteError;

/// The layers table.
pub(crate) fn encode_layers(rows: &[LayerRow], columns: &[String]) -> RecordBatch {
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
pub(crate) fn decode_layers(
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
pub(crate) fn encode_quality(rows: &[LayerSketch]) -> RecordBatch {
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
pub(crate) fn decode_quality(file: &str, b: &RecordBatch) -> Result<Vec<LayerQuality>, SiteError> {
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
pub(crate) fn encode_layer_sketches(first: u32, rows: &[LayerSketch]) -> RecordBatch {
    let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
    let q: Vec<&LayerQuality> = rows.iter().map(|r| &r.quality).collect();
    let mut cols = vec![("layer", u32s(first..first + rows.len() as u32))];
    cols.extend(sketch_columns(&sketches, Has::ALL));
    cols.extend(quality_columns(&q));
    batch(cols)
}

/// Decodes a sketch chunk: (layer index, sketch and quality) per row.
pub(crate) fn decode_layer_sketches(
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
