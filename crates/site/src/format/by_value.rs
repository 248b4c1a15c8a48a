//! Sums the layers' sketches per value of each layer-level column, over every model and per
//! model, and writes them as a column's value files: what lets a grouping by conv_depth or
//! channels, or a model-level grouping filtered by one of their values, skip the per-layer
//! sketches.

use std::collections::{BTreeMap, BTreeSet};

use filterscope_stats::Sketch;

use super::named::Files;
use super::tables::{self, LayerRow, LayerSketch, ValueCell, ValueTotal};
use crate::query::key::{valued_columns, Key};
use crate::{SiteError, ValueChunk, ValueFiles};

/// Counts only: comparisons read nothing else (a subset PCA reads the per-layer moments).
fn counts_of(s: &Sketch) -> Sketch {
    Sketch {
        scaled: filterscope_stats::Moments {
            n: s.n(),
            ..Default::default()
        },
        raw: Default::default(),
        max_abs: s.max_abs,
        n_sparse: s.n_sparse,
        hist: s.hist.clone(),
    }
}

/// Each value's total and each (value, model)'s cell for column `key`, by value then model.
fn sums(
    key: Key,
    layers: &[LayerRow],
    sketches: &[LayerSketch],
) -> (Vec<ValueTotal>, Vec<ValueCell>) {
    let mut cells: BTreeMap<(String, u32), (u64, Sketch)> = BTreeMap::new();
    for (l, s) in layers.iter().zip(sketches) {
        let v = key.of_layer(l).expect("a layer-level column");
        let e = cells.entry((v, l.model)).or_default();
        e.0 += 1;
        e.1.merge(&counts_of(&s.sketch));
    }
    let mut totals: BTreeMap<&str, (BTreeSet<u32>, u64, Sketch)> = BTreeMap::new();
    for ((v, m), (n_layers, s)) in &cells {
        let t = totals.entry(v.as_str()).or_default();
        t.0.insert(*m);
        t.1 += n_layers;
        t.2.merge(s);
    }
    let totals = totals
        .into_iter()
        .map(|(v, (models, n_layers, sketch))| ValueTotal {
            value: v.to_string(),
            n_models: models.len() as u64,
            n_layers,
            sketch,
        })
        .collect();
    let cells = cells
        .into_iter()
        .map(|((value, model), (n_layers, sketch))| ValueCell {
            value,
            model,
            n_layers,
            sketch,
        })
        .collect();
    (totals, cells)
}

/// Cuts cells (sorted by value) into runs of about `target` rows, each ending where the value
/// changes.
fn cut(cells: &[ValueCell], target: usize) -> Vec<&[ValueCell]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=cells.len() {
        let value_ends = i == cells.len() || cells[i].value != cells[i - 1].value;
        if value_ends && (i - start >= target.max(1) || i == cells.len()) {
            out.push(&cells[start..i]);
            start = i;
        }
    }
    out
}

/// Writes every layer-level column's value files (`values-K`, `cells-K-NNNN`, K the column's
/// place in [`valued_columns`]), the cells in chunks of about `per_chunk` rows (the sketch
/// chunks' layer count: a cell is counts only, so such a chunk is a fraction of a sketch
/// chunk's bytes). Chunks end only between values, so that a filter on one value reads only the
/// chunks listing it; at the full DB's shape a value has at most one row per model (647).
pub(crate) fn value_files(
    files: &mut Files,
    per_chunk: usize,
    layers: &[LayerRow],
    layer_columns: &[String],
    sketches: &[LayerSketch],
) -> Result<Vec<ValueFiles>, SiteError> {
    let mut out = Vec::new();
    for (k, (column, key)) in valued_columns(layer_columns).into_iter().enumerate() {
        let (totals, cells) = sums(key, layers, sketches);
        let totals = files.put(&format!("values-{k}"), tables::encode_value_totals(&totals))?;
        let mut chunks = Vec::new();
        for (j, run) in cut(&cells, per_chunk).into_iter().enumerate() {
            let values: BTreeSet<&str> = run.iter().map(|c| c.value.as_str()).collect();
            let entry = files.put(
                &format!("cells-{k}-{j:04}"),
                tables::encode_value_cells(run),
            )?;
            chunks.push(ValueChunk {
                entry,
                values: values.into_iter().map(String::from).collect(),
            });
        }
        out.push(ValueFiles {
            column,
            totals,
            cells: chunks,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(value: &str, model: u32) -> ValueCell {
        ValueCell {
            value: value.into(),
            model,
            n_layers: 1,
            sketch: Sketch::default(),
        }
    }

    #[test]
    fn chunks_end_between_values() {
        let cells: Vec<ValueCell> = [("0", 0), ("0", 1), ("0", 2), ("1", 0), ("10", 3), ("2", 1)]
            .iter()
            .map(|&(v, m)| cell(v, m))
            .collect();
        let lens = |t| cut(&cells, t).iter().map(|r| r.len()).collect::<Vec<_>>();
        assert_eq!(lens(2), [3, 2, 1]);
        assert_eq!(lens(1), [3, 1, 1, 1]);
        assert_eq!(lens(100), [6]);
        assert!(cut(&[], 4).is_empty());
    }
}
