//! Which per-value table answers a grouping that involves one layer-level column: without
//! depth, the column's totals or sums of shares, its sums among one model-level value's models,
//! or its (value, model) cells, kept decoded or streamed; with depth, its per-(value, bucket)
//! sums where each group is one row.

use super::key::{valued_columns, Conditions, Key};
use super::method::OfModels;
use super::source::Source;
use filterscope_stats::DEPTH_LABELS;

use crate::{Part, SiteData, ValueChunk};

/// Reading the per-(value, model) cells (kept decoded) instead of streaming the per-layer sketches
/// only when they are much smaller: a grouping by conv_depth resampled by models, whose cells are
/// about half the per-layer sketches' bytes, would hold them all decoded beside its groups'
/// members. Where the worker streams, it streams those cells instead
/// ([`SiteData::cells_to_stream`]), merging and dropping them one by one.
const CELLS_SHARE: u64 = 4;

impl SiteData {
    /// A per-value source, when one layer-level column (and no depth) is involved: grouping by
    /// it alone, its totals, or weighed by models its sums of shares; by it among one value of a
    /// model-level column, its sums among those models (the same two kinds); else (without `moments`,
    /// which cells lack) its cells when they are small enough.
    pub(super) fn by_value(
        &self,
        by: Key,
        conds: &Conditions,
        of_models: OfModels,
        moments: bool,
    ) -> Option<Source> {
        let (k, lk, alone) = self.value_column(by, conds)?;
        let files = &self.manifest.values[k];
        match (of_models, self.among_entry(k, by, lk, conds)) {
            (OfModels::Nothing, Some(e)) => return Some(Source::AmongTotals(k, lk, e)),
            (OfModels::Shares, Some(e)) if !moments => return Some(Source::AmongShares(k, lk, e)),
            _ => {}
        }
        if moments && of_models == OfModels::Nothing {
            if let Some(rows) = self.among_rows(k, by, lk, conds) {
                return Some(rows);
            }
        }
        match of_models {
            OfModels::Nothing if alone => return Some(Source::ValueTotals(k, lk)),
            OfModels::Shares if alone && files.model_shares.is_some() && !moments => {
                return Some(Source::ValueShares(k, lk))
            }
            _ if moments => return None,
            _ => {}
        }
        let chunks = self.value_chunks(k, lk, conds);
        (self.cells_bytes(k, &chunks) * CELLS_SHARE <= self.sketches_bytes())
            .then_some(Source::ValueCells(k, lk))
    }

    /// The one layer-level column a grouping by `by` under `conds` involves, when it involves
    /// one and no depth: its value files (`values[k]`), its key, and whether the grouping is by
    /// it alone.
    fn value_column(&self, by: Key, conds: &Conditions) -> Option<(usize, Key, bool)> {
        let keys = conds.keys_with(by);
        if keys.contains(&Key::Depth) {
            return None;
        }
        let mut layer_level = keys.iter().filter(|k| !k.model_level());
        let (lk, None) = (*layer_level.next()?, layer_level.next()) else {
            return None;
        };
        let k = self.layer_value_files(lk)?;
        Some((k, lk, by == lk && keys.len() == 1))
    }

    /// Where layer-level key `lk`'s value files are in the manifest's `values`.
    pub(crate) fn layer_value_files(&self, lk: Key) -> Option<usize> {
        let name = valued_columns(&self.manifest.layer_columns)
            .into_iter()
            .find(|(_, k)| *k == lk)?
            .0;
        self.value_files_of(&name)
    }

    /// The per-(value, bucket) sums of the one layer-level column a grouping involves beside
    /// depth, when each group is one row of them: by the column among one bucket's layers (that
    /// bucket's file), or by depth among one of its values' layers (the chunk listing it). A
    /// group of several rows would count a model with layers in two of them twice (and add
    /// moments in another order): those read every layer, as does one resampled by model (the
    /// rows are not per model). Weighed by models (without moments), each row's sum of its
    /// models' shares, cut the same two ways.
    pub(super) fn layer_value_depths(
        &self,
        by: Key,
        conds: &Conditions,
        of_models: OfModels,
        moments: bool,
    ) -> Option<Source> {
        let keys = conds.keys_with(by);
        let mut others = keys.iter().filter(|k| **k != Key::Depth);
        let (&lk, None) = (others.next()?, others.next()) else {
            return None;
        };
        if lk.model_level() || !keys.contains(&Key::Depth) {
            return None;
        }
        let k = self.layer_value_files(lk)?;
        let files = &self.manifest.values[k];
        type Piece = fn(usize, Key, Option<usize>) -> Source;
        let (source, chunks, buckets): (Piece, _, _) = match of_models {
            OfModels::Nothing => (Source::LayerDepths, &files.depth_chunks, &files.buckets),
            OfModels::Shares if !moments => (
                Source::LayerDepthShares,
                &files.depth_share_chunks,
                &files.bucket_shares,
            ),
            _ => return None,
        };
        if by == Key::Depth {
            let one = conds.values_of(lk).len() == 1 && !chunks.is_empty();
            return one.then_some(source(k, lk, None));
        }
        let labels: Vec<&str> = conds.values_of(Key::Depth).into_iter().collect();
        let ([label], false) = (&labels[..], buckets.is_empty()) else {
            return None;
        };
        let b = DEPTH_LABELS.iter().position(|l| l == label)?;
        Some(source(k, lk, Some(b)))
    }

    /// Where in `values[k].among` (layer-level column `lk`'s) the sums are that answer a
    /// grouping by `lk` under `conds`: conditions on `lk` and on one value of one model-level
    /// column. Two values of it would add two entries' rows, in another order than the models'
    /// (the shares and moments would not be the per-layer path's to the bit): those read cells.
    pub(crate) fn among_entry(
        &self,
        k: usize,
        by: Key,
        lk: Key,
        conds: &Conditions,
    ) -> Option<usize> {
        let mut others = conds.0.iter().filter(|(c, _)| *c != lk);
        let (Key::ModelColumn(i), value) = others.next()? else {
            return None;
        };
        if by != lk || others.any(|(c, v)| (c, v) != (&Key::ModelColumn(*i), value)) {
            return None;
        }
        let column = &self.manifest.model_columns[*i];
        self.manifest.values[k]
            .among
            .iter()
            .position(|a| a.column == *column && a.value == *value)
    }

    /// The sums among each value of model-level column `by`'s models, when a grouping by it
    /// under `conds` takes one row of each: the conditions are on one value of `lk` (and on
    /// `by`'s own values). Each such row's moments are added layer by layer in layer order over
    /// that value's models' layers of that `lk` value, which is what the per-layer path adds for
    /// the group, so they are its moments to the bit.
    fn among_rows(&self, k: usize, by: Key, lk: Key, conds: &Conditions) -> Option<Source> {
        let Key::ModelColumn(c) = by else {
            return None;
        };
        let one = conds.values_of(lk).len() == 1;
        let only = conds.0.iter().all(|(key, _)| *key == lk || *key == by);
        let any = !self.among_entries_of(k, c, conds).is_empty();
        (one && only && any).then_some(Source::AmongRows(k, lk, c))
    }

    /// The entries of `values[k].among` of model-level column `c` whose value `conds` keeps.
    pub(crate) fn among_entries_of(&self, k: usize, c: usize, conds: &Conditions) -> Vec<usize> {
        let column = &self.manifest.model_columns[c];
        let wanted = conds.values_of(Key::ModelColumn(c));
        let among = &self.manifest.values[k].among;
        (0..among.len())
            .filter(|&e| among[e].column == *column)
            .filter(|&e| wanted.is_empty() || wanted.contains(among[e].value.as_str()))
            .collect()
    }

    /// Bytes of cells chunks `chunks` of `values[k]`.
    fn cells_bytes(&self, k: usize, chunks: &[usize]) -> u64 {
        let files = &self.manifest.values[k].cells;
        chunks.iter().map(|&j| files[j].entry.bytes).sum()
    }

    /// Bytes of every per-layer sketch chunk.
    fn sketches_bytes(&self) -> u64 {
        self.manifest.sketches.iter().map(|c| c.entry.bytes).sum()
    }

    /// The cells chunks to stream instead of every per-layer sketch, for a grouping by `by`
    /// under `conds` that would stream those (its cells, kept decoded, were too large; streamed,
    /// each is merged and dropped like a sketch chunk): the chunks, when the cells answer it
    /// (no moments, one layer-level column, no depth) in fewer bytes.
    pub(crate) fn cells_to_stream(
        &self,
        by: Key,
        conds: &Conditions,
        moments: bool,
    ) -> Option<Vec<Part>> {
        let (k, lk, _) = self.value_column(by, conds).filter(|_| !moments)?;
        let chunks = self.value_chunks(k, lk, conds);
        (self.cells_bytes(k, &chunks) < self.sketches_bytes())
            .then(|| chunks.into_iter().map(|j| Part::ValueCells(k, j)).collect())
    }

    /// The chunks of `values[k]`'s cells holding the values `conds` asks of `key` (all of them
    /// when it asks none).
    pub(crate) fn value_chunks(&self, k: usize, key: Key, conds: &Conditions) -> Vec<usize> {
        listing(&self.manifest.values[k].cells, key, conds)
    }

    /// The chunks of `values[k]`'s per-(value, bucket) sums holding the values `conds` asks of
    /// `key`.
    pub(crate) fn depth_chunks_of(&self, k: usize, key: Key, conds: &Conditions) -> Vec<usize> {
        listing(&self.manifest.values[k].depth_chunks, key, conds)
    }

    /// The chunks of `values[k]`'s per-(value, bucket) sums of shares holding the values `conds`
    /// asks of `key`.
    pub(crate) fn depth_share_chunks_of(
        &self,
        k: usize,
        key: Key,
        conds: &Conditions,
    ) -> Vec<usize> {
        listing(&self.manifest.values[k].depth_share_chunks, key, conds)
    }
}

/// Which of `chunks` list a value `conds` asks of `key` (all of them when it asks none).
fn listing(chunks: &[ValueChunk], key: Key, conds: &Conditions) -> Vec<usize> {
    let wanted = conds.values_of(key);
    (0..chunks.len())
        .filter(|&j| {
            wanted.is_empty() || chunks[j].values.iter().any(|v| wanted.contains(v.as_str()))
        })
        .collect()
}
