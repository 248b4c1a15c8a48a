//! Groups being merged: the accumulator behind every grouping query. One code path for every
//! table a grouping reads, so per-model, per-bucket, rollup and per-layer answers can only differ
//! by what they merge, never by how.

use std::collections::{BTreeMap, BTreeSet};

use filterscope_stats::{Moments, Sketch};

use super::key::{Conditions, Key};
use super::member_counts::MemberCounts;
use crate::ValueShares;

/// One group of a comparison: its label, merged sketch and size.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The column's value (or depth bucket label).
    pub label: String,
    /// The merged sketch of the group's layers. Read from the per-value sums of model shares, it
    /// holds the group's number of filters only (what a comparison weighed by models reads of it
    /// beside the shares).
    pub sketch: Sketch,
    /// Models with layers in the group.
    pub n_models: u64,
    /// Layers in the group.
    pub n_layers: u64,
    /// Each model's counts within the group (model index, counts), by model index: what
    /// weighting by models and resampling models read. Empty unless the grouping was asked to
    /// keep them (`per_model`).
    pub members: Vec<(u32, MemberCounts)>,
    /// The sum of each model's counts over its filters, in model order (9 x 70): what weighing
    /// by models compares, when the grouping read it from a per-value table rather than keeping
    /// each model's part.
    pub model_shares: Option<Vec<f64>>,
}

#[derive(Default)]
struct Acc {
    model_shares: Option<Vec<f64>>,
    sketch: Sketch,
    models: BTreeSet<u32>,
    members: BTreeMap<u32, MemberCounts>,
    n_models: u64,
    n_layers: u64,
}

/// Groups of a column being merged (from [`crate::SiteData::layer_grouping`]); [`Grouping::finish`]
/// gives them in the order a comparison reports them.
pub struct Grouping {
    pub(crate) by: Key,
    pub(crate) conds: Conditions,
    /// Whether each model's part of a group is kept ([`Group::members`]).
    pub(crate) per_model: bool,
    /// Keyed by (bucket for depth, else 0; label): depth groups sort by bucket, others by the
    /// label's bytes.
    groups: BTreeMap<(usize, String), Acc>,
}

impl Grouping {
    pub(crate) fn new(by: Key, conds: Conditions, per_model: bool) -> Self {
        Self {
            by,
            conds,
            per_model,
            groups: BTreeMap::new(),
        }
    }

    /// Merges `s` into group `label`: the rows of one model (`model`), or of `n_models` models
    /// counted already (a per-bucket row).
    pub(crate) fn add(
        &mut self,
        label: String,
        bucket: usize,
        s: &Sketch,
        model: Option<u32>,
        n_models: u64,
        n_layers: u64,
    ) {
        if label.is_empty() {
            return;
        }
        let order = if self.by == Key::Depth { bucket } else { 0 };
        let a = self.groups.entry((order, label)).or_default();
        a.sketch.merge(s);
        match model {
            Some(m) => {
                a.models.insert(m);
                if self.per_model {
                    a.members.entry(m).or_default().merge(&s.hist);
                }
            }
            None => a.n_models += n_models,
        }
        a.n_layers += n_layers;
    }

    /// Counts model `model` in group `label` (of a grouping not by depth) once, its filters
    /// merged already from rows summed over models.
    pub(crate) fn add_model(&mut self, label: &str, model: u32) {
        if let Some(a) = self.groups.get_mut(&(0, label.to_string())) {
            a.models.insert(model);
        }
    }

    /// Makes a row of sums of model shares group `label` (a row per group: nothing to merge).
    pub(crate) fn add_shares(&mut self, label: String, bucket: usize, r: &ValueShares) {
        if label.is_empty() {
            return;
        }
        let order = if self.by == Key::Depth { bucket } else { 0 };
        let a = self.groups.entry((order, label)).or_default();
        a.sketch = Sketch {
            scaled: Moments {
                n: r.n_filters,
                ..Default::default()
            },
            ..Default::default()
        };
        a.n_models = r.n_models;
        a.n_layers = r.n_layers;
        a.model_shares = Some(r.shares.clone());
    }

    /// The groups with filters in them, in comparison order.
    pub fn finish(self) -> Vec<Group> {
        self.groups
            .into_iter()
            .filter(|(_, a)| a.sketch.n() > 0)
            .map(|((_, label), a)| Group {
                n_models: a.n_models + a.models.len() as u64,
                n_layers: a.n_layers,
                label,
                sketch: a.sketch,
                members: a.members.into_iter().collect(),
                model_shares: a.model_shares,
            })
            .collect()
    }
}
