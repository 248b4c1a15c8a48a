//! A layer-level column's sums among the models of one value of a model-level column: what lets
//! a grouping by conv_depth among one Task's models, by filters or weighed by models, read one
//! value's few hundred kilobytes instead of every (value, model)'s counts (10.6 MB at the full
//! DB's shape, every chunk of them, since a Task's models have every depth). And its sums per
//! (value, depth bucket): by in_channels among one bucket's layers, or by depth among one
//! in_channels' layers, without every per-layer sketch (20 MB at the full shape).

use std::collections::{BTreeMap, BTreeSet};

use filterscope_stats::Sketch;

use super::kept::{member, stored};
use super::layer_depths::value_bucket;
use super::named::Files;
use super::tables::{
    self, LayerRow, LayerSketch, ModelRow, ValueCell, ValueDepth, ValueShares, ValueTotal,
};
use crate::query::key::Key;
use crate::query::member_counts::MemberCounts;
use crate::query::member_sums::shares_summed;
use crate::{AmongFiles, SiteError};

/// Models, layers and sketch (counts and moments) of a run of layers.
type Summed = (BTreeSet<u32>, u64, Sketch);

/// The layers summed by `place` (what run a layer joins, if any): each run's layers in layer
/// order, the order a grouping streamed from every per-layer sketch merges them in, so that even
/// the moments are its own to the bit.
fn runs<P: Ord>(
    layers: &[LayerRow],
    sketches: &[LayerSketch],
    place: impl Fn(&LayerRow) -> P,
) -> BTreeMap<P, Summed> {
    let mut sums: BTreeMap<P, Summed> = BTreeMap::new();
    for (l, s) in layers.iter().zip(sketches) {
        let e = sums.entry(place(l)).or_default();
        e.0.insert(l.model);
        e.1 += 1;
        e.2.merge(&stored(&s.sketch));
    }
    sums
}

/// Each (model-level value, layer-level value)'s total over the models holding the first.
fn totals_among(
    key: Key,
    c: usize,
    layers: &[LayerRow],
    sketches: &[LayerSketch],
    models: &[ModelRow],
) -> BTreeMap<String, Vec<ValueTotal>> {
    let of = |l: &LayerRow| {
        let among = models[l.model as usize].values[c].clone();
        (among, key.of_layer(l).expect("a layer-level column"))
    };
    let mut out: BTreeMap<String, Vec<ValueTotal>> = BTreeMap::new();
    for ((among, value), (models, n_layers, sketch)) in runs(layers, sketches, of) {
        out.entry(among).or_default().push(ValueTotal {
            value,
            n_models: models.len() as u64,
            n_layers,
            sketch,
        });
    }
    out
}

/// Each (value, depth bucket)'s sketch of layer-level column `key` (counts and moments), by value
/// then bucket, so that a group of one row has its layers' moments to the bit.
pub(crate) fn value_depths(
    key: Key,
    layers: &[LayerRow],
    sketches: &[LayerSketch],
) -> Vec<ValueDepth> {
    runs(layers, sketches, |l| value_bucket(key, l))
        .into_iter()
        .map(|((value, bucket), (models, n_layers, sketch))| ValueDepth {
            value,
            bucket,
            n_models: models.len() as u64,
            n_layers,
            sketch,
        })
        .collect()
}

/// Each (model-level value, layer-level value)'s sum of the shares of the models holding the
/// first, from the column's `cells` (by value then model): each run's members in model order, as
/// a comparison weighed by models adds a group's.
fn shares_among(
    c: usize,
    cells: &[ValueCell],
    models: &[ModelRow],
) -> BTreeMap<String, Vec<ValueShares>> {
    let mut runs: BTreeMap<(&str, &str), Vec<&ValueCell>> = BTreeMap::new();
    for cell in cells {
        let among = models[cell.model as usize].values[c].as_str();
        runs.entry((among, &cell.value)).or_default().push(cell);
    }
    let mut out: BTreeMap<String, Vec<ValueShares>> = BTreeMap::new();
    for ((among, value), run) in runs {
        let members: Vec<MemberCounts> = run.iter().map(|c| member(&c.sketch)).collect();
        out.entry(among.to_string()).or_default().push(ValueShares {
            value: value.to_string(),
            bucket: None,
            n_models: run.len() as u64,
            n_layers: run.iter().map(|c| c.n_layers).sum(),
            n_filters: run.iter().map(|c| c.sketch.n()).sum(),
            shares: shares_summed(&members),
        });
    }
    out
}

/// What [`among_files`] reads: the column and the site's layers and models.
pub(crate) struct Among<'a> {
    /// The column's place among the value files, and its key.
    pub k: usize,
    pub key: Key,
    /// Its (value, model) cells, by value then model.
    pub cells: &'a [ValueCell],
    pub layers: &'a [LayerRow],
    pub sketches: &'a [LayerSketch],
    pub models: &'a [ModelRow],
    pub model_columns: &'a [String],
}

/// Writes layer-level column `k`'s totals and sums of shares among the models of each value of
/// each model-level column (`values-K-among-C-NNN` and `...-models`, C the column's place in
/// `model_columns`, NNN the value's in byte order), and lists them. A column whose every model
/// has a value of its own (a name) gets none: among one model, the column's rows would be that
/// model's cells.
pub(crate) fn among_files(files: &mut Files, a: &Among) -> Result<Vec<AmongFiles>, SiteError> {
    let mut out = Vec::new();
    for (c, column) in a.model_columns.iter().enumerate() {
        let distinct: BTreeSet<&str> = a.models.iter().map(|m| m.values[c].as_str()).collect();
        if distinct.len() == a.models.len() && distinct.len() > 1 {
            continue;
        }
        let mut totals = totals_among(a.key, c, a.layers, a.sketches, a.models);
        let mut shares = shares_among(c, a.cells, a.models);
        for (i, among) in distinct.into_iter().enumerate() {
            // A value whose models have no layers has neither.
            let Some(rows) = totals.remove(among) else {
                continue;
            };
            let sums = shares.remove(among).unwrap_or_default();
            let name = format!("values-{}-among-{c}-{i:03}", a.k);
            out.push(AmongFiles {
                column: column.clone(),
                value: among.to_string(),
                totals: files.put(&name, tables::encode_value_totals(&rows))?,
                shares: files.put(
                    &format!("{name}-models"),
                    tables::encode_value_shares(&sums),
                )?,
                spread: vec![],
            });
        }
    }
    Ok(out)
}
