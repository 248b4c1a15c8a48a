//! Merging the rows of the table a grouping reads ([`Source`]) into its groups: one arm per
//! table, each saying which rows pass the filters, under which label and bucket, and whose
//! filters they hold (a model's, or rows already summed over models).

use arrow_array::RecordBatch;
use filterscope_stats::{DEPTH_BUCKETS, DEPTH_LABELS};

use super::grouping::Grouping;
use super::key::Key;
use super::source::Source;
use crate::format::tables::{ValueCell, ValueDepth, ValueShares};
use crate::{Part, SiteData, SiteError};

impl SiteData {
    /// Merges the rows of `source` that pass `g`'s conditions into their groups (its parts
    /// loaded: [`SiteData::parts_of`]).
    // One function: an arm per table, side by side, so that what each passes to the one
    // accumulator (labels, buckets, whose rows) can be compared at a glance.
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
                    // Every condition is on depth.
                    if g.conds.pass(&|_| label.clone()) {
                        g.add(label, b, &r.sketch, None, r.n_models, r.n_layers);
                    }
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
            Source::ValueDepths(k, column, union) => {
                for r in &self.value_depths[k] {
                    let b = r.bucket as usize;
                    // Every condition is on depth or this column.
                    let value = bucket_row(b, &r.value);
                    if g.conds.pass(&value) {
                        let n_models = if union { 0 } else { r.n_models };
                        g.add(value(by), b, &r.sketch, None, n_models, r.n_layers);
                    }
                }
                if union {
                    self.count_models_in_buckets(g, column);
                }
            }
            Source::LayerDepths(k, key, bucket) => {
                let rows: Vec<&ValueDepth> = match bucket {
                    Some(b) => self.bucket_values[&(k, b)].iter().collect(),
                    None => (self.depth_chunks_of(k, key, &g.conds).into_iter())
                        .flat_map(|j| &self.depth_chunks[&(k, j)])
                        .collect(),
                };
                for r in rows {
                    let b = r.bucket as usize;
                    // Every condition is on depth or this column; a group is one row.
                    let value = bucket_row(b, &r.value);
                    if g.conds.pass(&value) {
                        g.add(value(by), b, &r.sketch, None, r.n_models, r.n_layers);
                    }
                }
            }
            Source::LayerDepthShares(k, key, bucket) => {
                let rows: Vec<&ValueShares> = match bucket {
                    Some(b) => self.bucket_shares[&(k, b)].iter().collect(),
                    None => (self.depth_share_chunks_of(k, key, &g.conds).into_iter())
                        .flat_map(|j| &self.depth_share_chunks[&(k, j)])
                        .collect(),
                };
                for r in rows {
                    let b = r.bucket.expect("checked when added") as usize;
                    // Every condition is on depth or this column; a group is one row.
                    let value = bucket_row(b, &r.value);
                    if g.conds.pass(&value) {
                        g.add_shares(value(by), b, r);
                    }
                }
            }
            Source::ValueShares(k, _) => {
                for r in &self.value_shares[k] {
                    // Every condition is on this column.
                    if g.conds.pass(&|_| r.value.clone()) {
                        g.add_shares(r.value.clone(), 0, r);
                    }
                }
            }
            Source::AmongTotals(k, key, e) => {
                let among = &self.manifest.values[k].among[e].value;
                for r in &self.among_totals[&(k, e)] {
                    // Every condition is on this column or the one value its models hold.
                    if g.conds.pass(&among_row(key, &r.value, among)) {
                        g.add(r.value.clone(), 0, &r.sketch, None, r.n_models, r.n_layers);
                    }
                }
            }
            Source::AmongRows(k, key, c) => {
                for e in self.among_entries_of(k, c, &g.conds) {
                    let among = &self.manifest.values[k].among[e].value;
                    for r in &self.among_totals[&(k, e)] {
                        // One row of each: the conditions are on `key` (one value) and `c`.
                        if g.conds.pass(&among_row(key, &r.value, among)) {
                            g.add(among.clone(), 0, &r.sketch, None, r.n_models, r.n_layers);
                        }
                    }
                }
            }
            Source::AmongShares(k, key, e) => {
                let among = &self.manifest.values[k].among[e].value;
                for r in &self.among_shares[&(k, e)] {
                    if g.conds.pass(&among_row(key, &r.value, among)) {
                        g.add_shares(r.value.clone(), 0, r);
                    }
                }
            }
            Source::DepthShares => {
                for r in &self.depth_shares {
                    let b: usize = r.value.parse().expect("checked when added");
                    let label = DEPTH_LABELS[b].to_string();
                    // Every condition is on depth.
                    if g.conds.pass(&|_| label.clone()) {
                        g.add_shares(label, b, r);
                    }
                }
            }
            Source::ValueDepthShares(k, _) => {
                for r in &self.value_depth_shares[k] {
                    let b = r.bucket.expect("checked when added") as usize;
                    // Every condition is on depth or this column; a group is one row.
                    let value = bucket_row(b, &r.value);
                    if g.conds.pass(&value) {
                        g.add_shares(value(by), b, r);
                    }
                }
            }
            Source::ValueCells(k, key) => {
                for j in self.value_chunks(k, key, &g.conds) {
                    self.merge_cells(g, key, &self.value_cells[&(k, j)]);
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

    /// Counts into `g` (grouped by model-level `column`, among depth buckets) each model with a
    /// layer in a bucket that passes its conditions, once however many such buckets it has.
    fn count_models_in_buckets(&self, g: &mut Grouping, column: Key) {
        for (m, &mask) in self.model_buckets.iter().enumerate() {
            let v = self.value(column, m as u32, 0, None);
            let passes = |b: usize| g.conds.pass(&bucket_row(b, &v));
            if (0..DEPTH_BUCKETS).any(|b| mask & (1 << b) != 0 && passes(b)) {
                g.add_model(&v, m as u32);
            }
        }
    }

    /// Merges the rows of one chunk of a layer-level column's cells (`key`'s) that pass `g`'s
    /// conditions: each a model's layers of one value.
    fn merge_cells(&self, g: &mut Grouping, key: Key, rows: &[ValueCell]) {
        let by = g.by;
        for r in rows {
            let value = |c: Key| match c == key {
                true => r.value.clone(),
                false => self.value(c, r.model, 0, None),
            };
            if g.conds.pass(&value) {
                g.add(value(by), 0, &r.sketch, Some(r.model), 0, r.n_layers);
            }
        }
    }

    /// Merges cells chunk `part` into `g`, as [`SiteData::streamed_cells`] lists them, in that
    /// order: its verified `batches` (checked as when the chunk is added, then dropped), or with
    /// none the rows a view keeps already.
    pub fn add_cells(
        &self,
        g: &mut Grouping,
        part: Part,
        batches: Option<Vec<RecordBatch>>,
    ) -> Result<(), SiteError> {
        let (Part::ValueCells(k, j), Some(e)) = (part, self.entry(part)) else {
            return Err(SiteError::Query(format!(
                "{part:?} is not a listed cells chunk"
            )));
        };
        let key = self.key(&self.manifest.values[k].column)?;
        let fresh;
        let rows = match batches {
            Some(b) => {
                fresh = self.checked_cells(k, j, &e.file, b)?;
                &fresh
            }
            None => self
                .value_cells
                .get(&(k, j))
                .ok_or_else(|| SiteError::Query(format!("{part:?} is not loaded")))?,
        };
        self.merge_cells(g, key, rows);
        Ok(())
    }
}

/// A (value, bucket) row's value of a condition's column: the bucket's label for depth, else the
/// row's value (its one other column).
fn bucket_row(bucket: usize, value: &str) -> impl Fn(Key) -> String + '_ {
    move |c| match c {
        Key::Depth => DEPTH_LABELS[bucket].to_string(),
        _ => value.to_string(),
    }
}

/// A row's value of a condition's column, in sums of layer-level column `key` among one
/// model-level value's models: the row's value for `key`, else the value those models hold.
fn among_row<'a>(key: Key, value: &'a str, among: &'a str) -> impl Fn(Key) -> String + 'a {
    move |c| match c == key {
        true => value.to_string(),
        false => among.to_string(),
    }
}
