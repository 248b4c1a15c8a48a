//! Which table answers a grouping ([`Source`]): the smallest one that can, and the parts it
//! reads (`merge.rs` merges its rows into a grouping). Every table holds sums of the same
//! per-layer counts, and counts add up exactly in any order, so the source changes what a visit
//! downloads, never a number (the sums of model shares are floats: data-prep adds them in the
//! order the other paths do, so they give the same bits).

use super::key::{Conditions, Key};
use super::method::OfModels;
use crate::{Part, SiteData};

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
    /// Per (value, bucket) sketches of the manifest's `values[k]` (a model-level column): that
    /// column crossed with depth, every filter counted once, each group one row where it must be
    /// (see [`SiteData::value_depths_source`]). With `true`, grouped by the column among
    /// several buckets, each group's models are counted from the model-buckets table.
    ValueDepths(usize, Key, bool),
    /// Per (value, bucket) sketches of `values[k]` (a layer-level column), each group one row:
    /// by depth among one of its values (`None`: the chunks listing it) or by the column among
    /// one depth bucket (`Some(b)`: that bucket's file).
    LayerDepths(usize, Key, Option<usize>),
    /// Their sums of model shares, the same pieces: those crossings weighed by models, nothing
    /// resampled.
    LayerDepthShares(usize, Key, Option<usize>),
    /// Per (value, model) sketches of `values[k]`: that column crossed with model-level columns,
    /// or resampled by model (or weighed by model where its sums of shares do not answer); only
    /// the chunks of the values filtered on.
    ValueCells(usize, Key),
    /// Per-value sums of model shares of `values[k]` (a layer-level column): grouping by that
    /// column weighed by models, filtered at most by its own values, nothing resampled.
    ValueShares(usize, Key),
    /// Per-value sketches of `values[k]` (a layer-level column) among the models of its
    /// `among[e]` model-level value: grouping by the column among those models, filtered at most
    /// by its own values too.
    AmongTotals(usize, Key, usize),
    /// Per-value sums of the shares of those models: the same weighed by models, nothing
    /// resampled.
    AmongShares(usize, Key, usize),
    /// The rows of one value of `values[k]` (layer-level column `lk`) in the sums among each
    /// value of model-level column `c`'s models: grouping by `c` among that one value's layers
    /// with moments (a pair's own PCA where conv_depth is 0), each group one row.
    AmongRows(usize, Key, usize),
    /// Per-bucket sums of model shares: by depth weighed by models, filtered at most by depth,
    /// nothing resampled.
    DepthShares,
    /// Per (value, bucket) sums of model shares of `values[k]` (a model-level column): that
    /// column crossed with depth weighed by models, each group one row, nothing resampled.
    ValueDepthShares(usize, Key),
    /// Per-layer sketches: anything else.
    Layers,
}

impl SiteData {
    /// The table answering a grouping by `by` under `conds`. With `of_models` asking each
    /// model's part, one whose rows belong to one model each (the per-bucket and per-value sums
    /// do not say whose filters they hold), or for their shares alone the per-value sums of
    /// shares; with `moments`, one that holds the scaled moments (of the per-value files, only
    /// the totals do).
    pub(crate) fn source(
        &self,
        by: Key,
        conds: &Conditions,
        of_models: OfModels,
        moments: bool,
    ) -> Source {
        let per_model = of_models.any();
        if !(by.model_level() && conds.model_level()) {
            return self
                .by_value(by, conds, of_models, moments)
                .or_else(|| self.layer_value_depths(by, conds, of_models, moments))
                .unwrap_or(Source::Layers);
        }
        let depth_filtered = conds.0.iter().any(|(k, _)| *k == Key::Depth);
        let only_depth = conds.0.iter().all(|(k, _)| *k == Key::Depth);
        match (by == Key::Depth, depth_filtered) {
            (false, false) => self
                .model_column_totals(by, conds, per_model)
                .unwrap_or(Source::Models),
            (true, _) if only_depth && !per_model => Source::Depths,
            (true, _) if only_depth && of_models == OfModels::Shares && !moments => self
                .manifest
                .depth_shares
                .as_ref()
                .map_or(Source::Rollups, |_| Source::DepthShares),
            _ => self
                .value_depths_source(by, conds, of_models, moments)
                .unwrap_or(Source::Rollups),
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

    /// The per-(value, bucket) sums of the one model-level column besides depth that the
    /// grouping involves, when they answer it exactly. Counts add up in any order, but a group
    /// merged from several rows would count a model in two buckets twice (grouping by the
    /// column under two buckets: then each model's buckets count them), and its moments would
    /// be added in another order than the per-(model, bucket) rows' (either way, with moments:
    /// then each group must be one row).
    fn value_depths_source(
        &self,
        by: Key,
        conds: &Conditions,
        of_models: OfModels,
        moments: bool,
    ) -> Option<Source> {
        let per_model = of_models.any();
        let mut keys = conds.keys_with(by);
        keys.remove(&Key::Depth);
        let (Some(&c @ Key::ModelColumn(i)), 1) = (keys.first(), keys.len()) else {
            return None;
        };
        let k = self.value_files_of(&self.manifest.model_columns[i])?;
        self.manifest.values[k].by_depth.as_ref()?;
        let other = if by == Key::Depth { c } else { Key::Depth };
        let one_row = conds.values_of(other).len() == 1;
        // Weighed by models, a group of one row is that row's sum of its models' shares, added
        // in the order the rollups' members are.
        if per_model {
            let shares = of_models == OfModels::Shares && !moments && one_row;
            let file = self.manifest.values[k].by_depth_shares.as_ref();
            return (shares && file.is_some()).then_some(Source::ValueDepthShares(k, c));
        }
        if one_row || (by == Key::Depth && !moments) {
            return Some(Source::ValueDepths(k, c, false));
        }
        // By the column among several buckets: each group adds up its value's rows of those
        // buckets (counts add up in any order; moments would not, so none may be asked) and
        // counts its models from their buckets, a model in two of them being one model.
        (!moments && self.manifest.model_buckets.is_some())
            .then_some(Source::ValueDepths(k, c, true))
    }

    /// Where `column`'s value files are in the manifest's `values`, if it has any.
    pub(crate) fn value_files_of(&self, column: &str) -> Option<usize> {
        self.manifest.values.iter().position(|f| f.column == column)
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
            Source::ValueDepths(k, _, false) => vec![Part::ValueDepths(k)],
            Source::ValueDepths(k, _, true) => vec![Part::ValueDepths(k), Part::ModelBuckets],
            Source::LayerDepths(k, _, Some(b)) => vec![Part::BucketValues(k, b)],
            Source::LayerDepths(k, key, None) => self
                .depth_chunks_of(k, key, conds)
                .into_iter()
                .map(|j| Part::ValueDepthChunk(k, j))
                .collect(),
            Source::LayerDepthShares(k, _, Some(b)) => vec![Part::BucketShares(k, b)],
            Source::LayerDepthShares(k, key, None) => self
                .depth_share_chunks_of(k, key, conds)
                .into_iter()
                .map(|j| Part::ValueDepthShareChunk(k, j))
                .collect(),
            Source::ValueShares(k, _) => vec![Part::ValueShares(k)],
            Source::AmongTotals(k, _, e) => vec![Part::AmongTotals(k, e)],
            Source::AmongShares(k, _, e) => vec![Part::AmongShares(k, e)],
            Source::AmongRows(k, _, c) => self
                .among_entries_of(k, c, conds)
                .into_iter()
                .map(|e| Part::AmongTotals(k, e))
                .collect(),
            Source::DepthShares => vec![Part::DepthShares],
            Source::ValueDepthShares(k, _) => vec![Part::ValueDepthShares(k)],
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::grouping::{Group, Grouping};
    use crate::testing::{content, loaded};
    use filterscope_stats::DEPTH_LABELS;

    fn wheres(filters: &[(&str, &str)]) -> Vec<crate::Where> {
        filters
            .iter()
            .map(|(c, v)| crate::Where {
                column: c.to_string(),
                value: v.to_string(),
            })
            .collect()
    }

    /// `by` under `filters` merged from `source`, with moments.
    fn merged(s: &SiteData, source: Source, by: &str, filters: &[(&str, &str)]) -> Vec<Group> {
        let conds = s.conditions(&wheres(filters)).unwrap();
        let mut g = Grouping::new(s.key(by).unwrap(), conds, false);
        s.merge_from(source, &mut g);
        g.finish()
    }

    /// A grouping, and whether the per-(value, bucket) sums answer it with moments and without.
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, bool, bool);

    /// The per-(value, bucket) sums answer what the per-(model, bucket) rows do, moments to
    /// the bit, wherever they are chosen; where they could not (a model in two buckets, moments
    /// of several rows) the rows are still read.
    #[test]
    fn value_by_depth_sums_are_the_rollups_wherever_they_are_chosen() {
        // Three models a Task: sums of two would be the same in either order.
        let mut c = content();
        for (m, row) in c.models.iter_mut().enumerate() {
            row.values[0] = ["Classification", "Segmentation"][m % 2].into();
        }
        let s = loaded(&c);
        let (b1, b2) = (DEPTH_LABELS[0], DEPTH_LABELS[9]);
        let task = Key::ModelColumn(0);
        let k = s.value_files_of("Task").unwrap();
        let cases: [Case; 6] = [
            ("Task", vec![("depth", b1)], true, true),
            (
                "Task",
                vec![("depth", b1), ("Task", "Segmentation")],
                true,
                true,
            ),
            ("depth", vec![("Task", "Classification")], true, true),
            (
                "depth",
                vec![("Task", "Classification"), ("Task", "Segmentation")],
                false,
                true,
            ),
            ("Task", vec![("depth", b1), ("depth", b2)], false, true),
            (
                "Task",
                vec![("depth", b1), ("Visual Category", "faces")],
                false,
                false,
            ),
        ];
        for (by, filters, with_moments, counts_only) in cases {
            // Grouped by Task among two buckets: the models counted from their buckets.
            let union = by == "Task" && filters.iter().filter(|f| f.0 == "depth").count() > 1;
            let conds = s.conditions(&wheres(&filters)).unwrap();
            let key = s.key(by).unwrap();
            for (moments, chosen) in [(true, with_moments), (false, counts_only)] {
                let want = match chosen {
                    true => Source::ValueDepths(k, task, union),
                    false => Source::Rollups,
                };
                let source = s.source(key, &conds, OfModels::Nothing, moments);
                assert_eq!(source, want, "{by} {filters:?} moments {moments}");
            }
            if !counts_only {
                continue;
            }
            let fast = merged(&s, Source::ValueDepths(k, task, union), by, &filters);
            let rows = merged(&s, Source::Rollups, by, &filters);
            assert!(!fast.is_empty(), "{by} {filters:?}");
            if with_moments {
                assert_eq!(fast, rows, "{by} {filters:?}: bit for bit");
            } else {
                let counts = |g: &[Group]| {
                    g.iter()
                        .map(|g| (g.label.clone(), g.sketch.hist.clone(), g.n_models))
                        .collect::<Vec<_>>()
                };
                assert_eq!(counts(&fast), counts(&rows), "{by} {filters:?}");
            }
        }
        // By depth among its own buckets: the per-bucket rows.
        let conds = s.conditions(&wheres(&[("depth", b1)])).unwrap();
        assert_eq!(
            s.source(Key::Depth, &conds, OfModels::Nothing, true),
            Source::Depths
        );
    }
}
