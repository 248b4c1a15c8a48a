//! Sums the layers' sketches per value of each layer-level column, over every model and per
//! model, and writes them as a column's value files: what lets a grouping by conv_depth or
//! channels, or a model-level grouping filtered by one of their values, skip the per-layer
//! sketches. And the models' sketches per value of each model-level column: what lets a
//! grouping by Task skip the per-model sketches.

use std::collections::{BTreeMap, BTreeSet};

use filterscope_stats::{Moments, Sketch};

use super::among::{among_files, value_depths, Among};
use super::cut::put_chunks;
use super::kept::{counts_of, member, stored};
use super::layer_depths::{layer_depth_files, layer_depth_share_files};
use super::named::Files;
use super::tables::{
    self, LayerRow, LayerSketch, ModelRow, ModelTotals, Rollup, ValueCell, ValueDepth, ValueShares,
    ValueTotal,
};
use crate::query::key::{valued_columns, Key};
use crate::query::member_counts::MemberCounts;
use crate::query::member_sums::shares_summed;
use crate::{SiteError, ValueFiles};

/// Each value's total and each (value, model)'s cell for column `key`, by value then model.
/// A total holds its value's moments too (a pair's own PCA reads them), summed layer by layer in
/// layer order: the order the per-layer path merges them in, so that its floating-point sums are
/// bit for bit the ones a grouping streamed from every layer gets (counts are exact in any order).
fn sums(
    key: Key,
    layers: &[LayerRow],
    sketches: &[LayerSketch],
) -> (Vec<ValueTotal>, Vec<ValueCell>) {
    let mut cells: BTreeMap<(String, u32), (u64, Sketch)> = BTreeMap::new();
    let mut moments: BTreeMap<String, Moments> = BTreeMap::new();
    for (l, s) in layers.iter().zip(sketches) {
        let v = key.of_layer(l).expect("a layer-level column");
        moments
            .entry(v.clone())
            .or_default()
            .merge(&s.sketch.scaled);
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
        .map(|(v, (models, n_layers, mut sketch))| {
            sketch.scaled = moments.remove(v).expect("a value of some layer");
            ValueTotal {
                value: v.to_string(),
                n_models: models.len() as u64,
                n_layers,
                sketch,
            }
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

/// Each value's sum of its models' shares, from its `cells` (by value, then model: the order in
/// which a comparison weighed by models adds a group's members, so the sums are its own).
fn model_shares(totals: &[ValueTotal], cells: &[ValueCell]) -> Vec<ValueShares> {
    let runs = cells.chunk_by(|a, b| a.value == b.value);
    totals
        .iter()
        .zip(runs)
        .map(|(t, run)| {
            assert_eq!(t.value, run[0].value, "totals and cells of the same values");
            let members: Vec<MemberCounts> = run.iter().map(|c| member(&c.sketch)).collect();
            ValueShares {
                value: t.value.clone(),
                bucket: None,
                n_models: t.n_models,
                n_layers: t.n_layers,
                n_filters: t.sketch.n(),
                shares: shares_summed(&members),
            }
        })
        .collect()
}

/// Each value's total of model-level column `c`: the models' sketches (counts and moments)
/// summed by the value each model holds, in model order as the per-model path merges them. A
/// model holds one value, so its cells would be the per-model sketches themselves: the column
/// has totals only.
fn model_column_totals(c: usize, site: &Summed) -> Vec<ValueTotal> {
    let mut totals: BTreeMap<&str, (u64, u64, Sketch)> = BTreeMap::new();
    let models = site
        .models
        .iter()
        .zip(site.model_totals)
        .zip(site.per_model);
    for ((m, n), s) in models {
        let t = totals.entry(m.values[c].as_str()).or_default();
        t.0 += 1;
        t.1 += n.n_layers;
        t.2.merge(&stored(s));
    }
    totals
        .into_iter()
        .map(|(v, (n_models, n_layers, sketch))| ValueTotal {
            value: v.to_string(),
            n_models,
            n_layers,
            sketch,
        })
        .collect()
}

/// Each (value, depth bucket)'s sum of model-level column `c`: the models' per-bucket rows
/// (counts and moments) summed by the value each model holds, in their order (by model), as a
/// grouping merged from those rows adds them. So a group made of one such row has the moments,
/// to the bit, of the same group merged from the rows.
fn model_column_depths(c: usize, site: &Summed) -> Vec<ValueDepth> {
    let mut sums: BTreeMap<(&str, u8), (u64, u64, Sketch)> = BTreeMap::new();
    for r in site.rollups {
        let value = site.models[r.model as usize].values[c].as_str();
        let e = sums.entry((value, r.bucket)).or_default();
        e.0 += 1;
        e.1 += r.n_layers;
        e.2.merge(&stored(&r.sketch));
    }
    sums.into_iter()
        .map(|((v, bucket), (n_models, n_layers, sketch))| ValueDepth {
            value: v.to_string(),
            bucket,
            n_models,
            n_layers,
            sketch,
        })
        .collect()
}

/// Each (value, depth bucket)'s sum of its models' shares of model-level column `c`, by value
/// then bucket: the per-(model, bucket) rows of the value's models in the bucket, in model order,
/// the order in which a comparison weighed by models among one value's models (by depth) or one
/// bucket's layers (by the column) adds a group's members.
fn model_column_depth_shares(c: usize, site: &Summed) -> Vec<ValueShares> {
    let mut runs: BTreeMap<(&str, u8), Vec<&Rollup>> = BTreeMap::new();
    for r in site.rollups {
        let value = site.models[r.model as usize].values[c].as_str();
        runs.entry((value, r.bucket)).or_default().push(r);
    }
    runs.into_iter()
        .map(|((value, bucket), rows)| {
            let members: Vec<MemberCounts> = rows.iter().map(|r| member(&r.sketch)).collect();
            ValueShares {
                value: value.to_string(),
                bucket: Some(bucket),
                n_models: rows.len() as u64,
                n_layers: rows.iter().map(|r| r.n_layers).sum(),
                n_filters: rows.iter().map(|r| r.sketch.n()).sum(),
                shares: shares_summed(&members),
            }
        })
        .collect()
}

/// Each depth bucket's sum of its models' shares, as a value-shares table whose `value` is the
/// bucket's index (0..9, so byte order is bucket order): the per-(model, bucket) rows of a bucket
/// in model order, the order in which a comparison by depth weighed by models adds its members.
pub(crate) fn depth_shares(rollups: &[Rollup]) -> Vec<ValueShares> {
    (0..filterscope_stats::DEPTH_BUCKETS as u8)
        .filter_map(|b| {
            let rows: Vec<&Rollup> = rollups.iter().filter(|r| r.bucket == b).collect();
            let members: Vec<MemberCounts> = rows.iter().map(|r| member(&r.sketch)).collect();
            (!rows.is_empty()).then(|| ValueShares {
                value: b.to_string(),
                bucket: None,
                n_models: rows.len() as u64,
                n_layers: rows.iter().map(|r| r.n_layers).sum(),
                n_filters: rows.iter().map(|r| r.sketch.n()).sum(),
                shares: shares_summed(&members),
            })
        })
        .collect()
}

/// What [`value_files`] sums: the site's layers and models.
pub(crate) struct Summed<'a> {
    pub layers: &'a [LayerRow],
    pub layer_columns: &'a [String],
    pub sketches: &'a [LayerSketch],
    pub models: &'a [ModelRow],
    pub model_columns: &'a [String],
    pub model_totals: &'a [ModelTotals],
    pub per_model: &'a [Sketch],
    /// Per (model, depth bucket), by model then bucket.
    pub rollups: &'a [Rollup],
}

/// Writes every layer-level column's value files (`values-K`, `cells-K-NNNN`, K the column's
/// place in [`valued_columns`]), the cells in chunks of about `per_chunk` rows (the sketch
/// chunks' layer count: a cell is counts only, so such a chunk is a fraction of a sketch
/// chunk's bytes). Chunks end only between values, so that a filter on one value reads only the
/// chunks listing it; at the full DB's shape a value has at most one row per model (647).
/// Then each model-level column's totals (`values-K` after the layer-level columns', no cells;
/// none for a column whose every model has a value of its own): the default comparison, by
/// Task, reads a few kilobytes instead of every model's counts; and its sums per depth bucket
/// (`values-K-depth`): by Task among one bucket's layers reads those instead of every (model,
/// bucket)'s. A layer-level column also gets each value's sum of its models' shares
/// (`values-K-models`): by conv_depth weighed by models reads those instead of every cell;
/// both among each model-level value's models (`format/among.rs`); and its sums per depth
/// bucket, cut by value and by bucket (`format/layer_depths.rs`).
pub(crate) fn value_files(
    files: &mut Files,
    per_chunk: usize,
    site: &Summed,
) -> Result<Vec<ValueFiles>, SiteError> {
    let Summed {
        layers,
        layer_columns,
        sketches,
        ..
    } = *site;
    let mut out = Vec::new();
    for (k, (column, key)) in valued_columns(layer_columns).into_iter().enumerate() {
        let (totals, cells) = sums(key, layers, sketches);
        let shares = tables::encode_value_shares(&model_shares(&totals, &cells));
        let model_shares = Some(files.put(&format!("values-{k}-models"), shares)?);
        let totals = files.put(&format!("values-{k}"), tables::encode_value_totals(&totals))?;
        let among = Among {
            k,
            key,
            cells: &cells,
            layers,
            sketches,
            models: site.models,
            model_columns: site.model_columns,
        };
        let among = among_files(files, &among)?;
        let depths = layer_depth_files(files, k, per_chunk, &value_depths(key, layers, sketches))?;
        let depth_shares = layer_depth_share_files(files, (k, key, per_chunk), layers, sketches)?;
        let chunks = put_chunks(
            files,
            &cells,
            per_chunk,
            |c| c.value.as_str(),
            |j| format!("cells-{k}-{j:04}"),
            tables::encode_value_cells,
        )?;
        out.push(ValueFiles {
            column,
            totals,
            cells: chunks,
            by_depth: None,
            depth_chunks: depths.chunks,
            buckets: depths.buckets,
            depth_share_chunks: depth_shares.chunks,
            bucket_shares: depth_shares.buckets,
            by_depth_shares: None,
            model_shares,
            among,
            spread: vec![],
        });
    }
    model_column_files(files, site, &mut out)?;
    Ok(out)
}

/// Each model-level column's value files (after the layer-level ones in `out`), but a column's
/// with a value per model.
fn model_column_files(
    files: &mut Files,
    site: &Summed,
    out: &mut Vec<ValueFiles>,
) -> Result<(), SiteError> {
    for (c, column) in site.model_columns.iter().enumerate() {
        let totals = model_column_totals(c, site);
        // A column with a value per model (a name, an id): its totals are the per-model counts.
        if totals.len() == site.models.len() && totals.len() > 1 {
            continue;
        }
        let k = out.len();
        let totals = files.put(&format!("values-{k}"), tables::encode_value_totals(&totals))?;
        let by_depth = tables::encode_value_depths(&model_column_depths(c, site));
        let by_depth = files.put(&format!("values-{k}-depth"), by_depth)?;
        let shares = tables::encode_value_shares(&model_column_depth_shares(c, site));
        let by_depth_shares = files.put(&format!("values-{k}-depth-models"), shares)?;
        out.push(ValueFiles {
            column: column.clone(),
            totals,
            cells: vec![],
            by_depth: Some(by_depth),
            depth_chunks: vec![],
            buckets: vec![],
            depth_share_chunks: vec![],
            bucket_shares: vec![],
            by_depth_shares: Some(by_depth_shares),
            model_shares: None,
            among: vec![],
            spread: vec![],
        });
    }
    Ok(())
}
