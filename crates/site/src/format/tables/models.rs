//! The models table and the per-model sketches.

use arrow_array::types::{UInt32Type, UInt64Type};
use arrow_array::RecordBatch;
use filterscope_stats::Sketch;

use super::columns::{batch, dict, Cols};
use super::sketch_cols::{decode_sketches, sketch_columns, Has};
use super::*;
use crate::SiteError;

/// The models table: `model`, each model column (dictionary-encoded), then `n_layers` and
/// `n_filters`.
pub(crate) fn encode_models(
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
pub(crate) fn decode_models(
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
pub(crate) fn encode_model_sketches(sketches: &[Sketch], has: Has) -> RecordBatch {
    let refs: Vec<&Sketch> = sketches.iter().collect();
    let mut cols = vec![("model", u32s(0..sketches.len() as u32))];
    cols.extend(sketch_columns(&refs, has));
    batch(cols)
}

/// Decodes per-model sketches, checking that row i is model i.
pub(crate) fn decode_model_sketches(
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
