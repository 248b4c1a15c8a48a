//! A comparison's intervals and floors from the ones data-prep stored (`values-K-spread`, and
//! `values-K-among-C-NNN-spread` among one model-level value's models), where they answer:
//! grouping by a layer-level column with no filter or that one condition, every group kept,
//! weighed and resampled as an entry of the manifest names (the page's default resampling). Computed, the
//! same comparison reads every (value, model)'s counts of the column (conv_depth's are 10.7 MB
//! at the full DB's shape); stored, one file of a few hundred kilobytes. data-prep writes them
//! by running this comparison on the cells (`format/spread_files.rs`), so they are the computed
//! numbers to the bit; `tests/spread.rs` holds them to the per-layer path.

use super::grouping::Group;
use super::key::{Conditions, Key};
use super::method::{Method, OfModels};
use super::spread::Interval;
use crate::{Part, SiteData, SiteError, SpreadEntry};

impl SiteData {
    /// The stored intervals that answer a comparison by `by` under `conds` as `method` says,
    /// if any: by a layer-level column with no filter, or among one model-level value's models
    /// (one condition, on that value). Another filter, or a least group size that could leave a
    /// group out, changes the groups resampled (and the generator's draws with them): those are
    /// computed.
    pub(crate) fn stored_spread(
        &self,
        by: Key,
        conds: &Conditions,
        method: &Method,
    ) -> Option<Part> {
        let r = method.resampling?;
        if by.model_level() || conds.0.len() > 1 || method.min_models > 1 {
            return None;
        }
        let k = self.layer_value_files(by)?;
        let files = &self.manifest.values[k];
        let (spread, part): (_, &dyn Fn(usize) -> Part) = match conds.0.first() {
            None => (&files.spread, &|i| Part::ValueSpread(k, i)),
            // The one condition is on a model-level value: its `among` entry, as the sums are.
            Some(_) => {
                let e = self.among_entry(k, by, by, conds)?;
                (&files.among[e].spread, &move |i| Part::AmongSpread(k, e, i))
            }
        };
        let i = spread.iter().position(|e| {
            (e.weight, e.replicates, e.seed) == (method.weight, r.replicates, r.seed)
        })?;
        Some(part(i))
    }

    /// What a comparison must hold of each model's part of a group, and the stored intervals
    /// it reads instead of resampling them, if any: with those, only what its weight asks.
    pub(crate) fn compare_plan(
        &self,
        by: Key,
        conds: &Conditions,
        method: &Method,
    ) -> (OfModels, Option<Part>) {
        let stored = self.stored_spread(by, conds, method);
        (method.of_models_quoting(stored.is_some()), stored)
    }

    /// The stored intervals and floors of `part` for `groups` (the comparison's, in its order),
    /// once they are checked to be those groups': the same labels and models, or an error
    /// naming the file (never another grouping's numbers).
    pub(crate) fn quoted_spread(
        &self,
        part: Part,
        groups: &[&Group],
    ) -> Result<(Interval, Vec<Option<f64>>), SiteError> {
        self.require(&[part])?;
        let (Some(e), Some(s)) = (self.spread_entry(part), self.spreads.get(&part)) else {
            return Err(SiteError::Query(format!("{part:?} holds no intervals")));
        };
        let labels = groups.iter().map(|g| g.label.as_str());
        let models = groups.iter().map(|g| g.n_models);
        if !labels.eq(s.groups.iter().map(String::as_str)) || !models.eq(s.n_models.iter().copied())
        {
            return Err(SiteError::Table {
                file: e.entry.file.clone(),
                problem: format!(
                    "intervals stored for {} groups that are not the {} it compares",
                    s.groups.len(),
                    groups.len()
                ),
            });
        }
        let ci = Interval {
            low: s.low.clone(),
            high: s.high.clone(),
            replicates: e.replicates,
            seed: e.seed,
        };
        Ok((ci, s.floor.clone()))
    }

    /// The manifest's entry of a part of stored intervals.
    fn spread_entry(&self, part: Part) -> Option<&SpreadEntry> {
        let v = &self.manifest.values;
        match part {
            Part::ValueSpread(k, i) => v.get(k)?.spread.get(i),
            Part::AmongSpread(k, e, i) => v.get(k)?.among.get(e)?.spread.get(i),
            _ => None,
        }
    }
}
