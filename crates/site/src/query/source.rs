//! Which table answers a grouping ([`Source`]): the smallest one that can, the parts it reads,
//! and merging its rows into a [`Grouping`]. Every table holds sums of the same per-layer counts,
//! and counts add up exactly in any order, so the source changes what a visit downloads, never a
//! number.

use std::collections::BTreeSet;

use filterscope_stats::DEPTH_LABELS;

use super::grouping::{Group, Grouping};
use super::key::{valued_columns, Conditions, Key};
use crate::{Part, SiteData, SiteError};

/// Which rows answer a grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Per-model sketches: model-level grouping and filters, depth in neither.
    Models,
    /// Per-bucket sketches: by depth, no filter.
    Depths,
    /// Per (model, bucket) sketches: depth crossed with model-level columns.
    Rollups,
    /// Per-value sketches of the manifest's `values[k]` (a layer-level or model-level column):
    /// grouping by that column, filtered at most by its own values, every filter counted once.
    ValueTotals(usize, Key),
    /// Per (value, model) sketches of `values[k]`: that column crossed with model-level columns,
    /// or weighed and resampled by model; only the chunks of the values filtered on.
    ValueCells(usize, Key),
    /// Per-layer sketches: anything else.
    Layers,
}

/// Reading the per-(value, model) cells beats streaming the per-layer sketches only when they are
/// much smaller: they are kept decoded (the per-layer chunks are merged and dropped one by one),
/// so a grouping by conv_depth weighed by models, whose cells are about half the per-layer
/// sketches' bytes, still streams those.
const CELLS_SHARE: u64 = 4;

impl SiteData {
    /// The table answering a grouping by `by` under `conds`. With `per_model`, one whose rows
    /// belong to one model each (the per-bucket and per-value sums do not say whose filters they
    /// hold); with `moments`, one that holds the scaled moments (of the per-value files, only the
    /// totals do).
    pub(crate) fn source(
        &self,
        by: Key,
        conds: &Conditions,
        per_model: bool,
        moments: bool,
    ) -> Source {
        if !(by.model_level() && conds.model_level()) {
            return self
                .by_value(by, conds, per_model, moments)
                .unwrap_or(Source::Layers);
        }
        let depth_filtered = conds.0.iter().any(|(k, _)| *k == Key::Depth);
        match (by == Key::Depth, depth_filtered) {
            (false, false) => self
                .model_column_totals(by, conds, per_model)
                .unwrap_or(Source::Models),
            (true, false) if conds.0.is_empty() && !per_model => Source::Depths,
            _ => Source::Rollups,
        }
    }

    /// The totals of model-level column `by`, when the grouping is by it alone (filtered at
    /// most by its own values) and does not need each model's part.
    fn model_column_totals(&self, by: Key, conds: &Conditions, per_model: bool) -> Option<Source> {
        let Key::ModelColumn(c) = by else {
            return None;
        };
        if per_model || conds.0.iter().any(|(k, _)| *k != by) {
            return None;
        }
        let k = self.value_files_of(&self.manifest.model_columns[c])?;
        Some(Source::ValueTotals(k, by))
    }

    /// Where `column`'s value files are in the manifest's `values`, if it has any.
    fn value_files_of(&self, column: &str) -> Option<usize> {
        self.manifest.values.iter().position(|f| f.column == column)
    }

    /// A per-value source, when one layer-level column (and no depth) is involved: its totals
    /// when grouping by it alone, else (without `moments`, which cells lack) its cells when
    /// they are small enough.
    fn by_value(
        &self,
        by: Key,
        conds: &Conditions,
        per_model: bool,
        moments: bool,
    ) -> Option<Source> {
        let keys: BTreeSet<Key> = std::iter::once(by)
            .chain(conds.0.iter().map(|(k, _)| *k))
            .collect();
        if keys.contains(&Key::Depth) {
            return None;
        }
        let mut layer_level = keys.iter().filter(|k| !k.model_level());
        let (lk, None) = (*layer_level.next()?, layer_level.next()) else {
            return None;
        };
        let name = valued_columns(&self.manifest.layer_columns)
            .into_iter()
            .find(|(_, k)| *k == lk)?
            .0;
        let k = self.value_files_of(&name)?;
        if by == lk && keys.len() == 1 && !per_model {
            return Some(Source::ValueTotals(k, lk));
        }
        if moments {
            return None;
        }
        let cells: u64 = self
            .value_chunks(k, lk, conds)
            .into_iter()
            .map(|j| self.manifest.values[k].cells[j].entry.bytes)
            .sum();
        let layers: u64 = self.manifest.sketches.iter().map(|c| c.entry.bytes).sum();
        (cells * CELLS_SHARE <= layers).then_some(Source::ValueCells(k, lk))
    }

    /// The chunks of `values[k]`'s cells holding the values `conds` asks of `key` (all of them
    /// when it asks none).
    fn value_chunks(&self, k: usize, key: Key, conds: &Conditions) -> Vec<usize> {
        let wanted: BTreeSet<&str> = conds
            .0
            .iter()
            .filter(|(c, _)| *c == key)
            .map(|(_, v)| v.as_str())
            .collect();
        let chunks = &self.manifest.values[k].cells;
        (0..chunks.len())
            .filter(|&j| {
                wanted.is_empty() || chunks[j].values.iter().any(|v| wanted.contains(v.as_str()))
            })
            .collect()
    }

    /// The groups of `by` (`model` or a model-level column), every filter counted once, merged
    /// from the per-model tables, whichever table a grouping by it would read: for a caller that
    /// holds those tables already (ranking a visitor's model), with the same counts.
    pub(crate) fn per_model_groups(&self, by: &str) -> Result<Vec<Group>, SiteError> {
        let key = self.key(by)?;
        if !key.model_level() || key == Key::Depth {
            return Err(SiteError::Query(format!(
                "{by} is not a model-level column"
            )));
        }
        self.require(&self.parts_of(Source::Models, &Conditions(vec![]), false))?;
        let mut g = Grouping::new(key, Conditions(vec![]), false);
        self.merge_from(Source::Models, &mut g);
        Ok(g.finish())
    }

    /// The parts `source` reads for `conds`; with `moments`, also those holding the groups'
    /// moments.
    pub(crate) fn parts_of(&self, source: Source, conds: &Conditions, moments: bool) -> Vec<Part> {
        match source {
            Source::Models if moments => vec![Part::ModelCounts, Part::ModelMoments],
            Source::Models => vec![Part::ModelCounts],
            Source::Depths => vec![Part::Depths],
            Source::Rollups if moments => vec![Part::Rollups, Part::RollupMoments],
            Source::Rollups => vec![Part::Rollups],
            Source::ValueTotals(k, _) => vec![Part::ValueTotals(k)],
            Source::ValueCells(k, key) => self
                .value_chunks(k, key, conds)
                .into_iter()
                .map(|j| Part::ValueCells(k, j))
                .collect(),
            Source::Layers => {
                let mut v = vec![Part::Layers];
                v.extend((0..self.manifest.sketches.len()).map(Part::Sketches));
                v
            }
        }
    }

    /// Merges the rows of `source` that pass `g`'s conditions into their groups (its parts
    /// loaded: [`SiteData::parts_of`]).
    pub(crate) fn merge_from(&self, source: Source, g: &mut Grouping) {
        let by = g.by;
        match source {
            Source::Models => {
                for (m, s) in self.model_sketches.iter().enumerate() {
                    let m = m as u32;
                    if g.conds.pass(&|k| self.value(k, m, 0, None)) {
                        let n = self.totals[m as usize].n_layers;
                        g.add(self.value(by, m, 0, None), 0, s, Some(m), 0, n);
                    }
                }
            }
            Source::Depths => {
                for r in &self.depths {
                    let b = r.bucket as usize;
                    let label = DEPTH_LABELS[b].to_string();
                    g.add(label, b, &r.sketch, None, r.n_models, r.n_layers);
                }
            }
            Source::Rollups => {
                for r in &self.rollups {
                    let b = r.bucket as usize;
                    if g.conds.pass(&|k| self.value(k, r.model, b, None)) {
                        let label = self.value(by, r.model, b, None);
                        g.add(label, b, &r.sketch, Some(r.model), 0, r.n_layers);
                    }
                }
            }
            Source::ValueTotals(k, _) => {
                for r in &self.value_totals[k] {
                    // Every condition is on this column.
                    if g.conds.pass(&|_| r.value.clone()) {
                        g.add(r.value.clone(), 0, &r.sketch, None, r.n_models, r.n_layers);
                    }
                }
            }
            Source::ValueCells(k, key) => {
                for j in self.value_chunks(k, key, &g.conds) {
                    for r in &self.value_cells[&(k, j)] {
                        let value = |c: Key| match c == key {
                            true => r.value.clone(),
                            false => self.value(c, r.model, 0, None),
                        };
                        if g.conds.pass(&value) {
                            g.add(value(by), 0, &r.sketch, Some(r.model), 0, r.n_layers);
                        }
                    }
                }
            }
            Source::Layers => {
                let all = self
                    .sketches
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (i, &s.as_ref().expect("all chunks loaded").sketch));
                self.add_layers(g, all);
            }
        }
    }
}
