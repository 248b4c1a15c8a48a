//! The drift matrix between the groups of a column: which parts a grouping reads, the groups'
//! merged sketches from the smallest table that answers, and D between them, weighted and with
//! intervals as the [`Method`] asks.

use filterscope_stats::{
    depth_bucket, drift_matrix, drift_matrix_of, Histograms, LogDist, Merge, Sketch,
};
use serde::{Deserialize, Serialize};

use super::grouping::{Group, Grouping};
use super::method::{Method, OfModels, Weight};
use super::source::Source;
use super::spread::{Interval, Members, Trace, Watch};
use crate::{Part, SiteData, SiteError, Where};

/// `data-prep compare --json`: the D matrix between groups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The grouping column.
    pub by: String,
    /// Group labels: byte order, or bucket order for `depth`.
    pub groups: Vec<String>,
    /// Filters per group.
    pub n_filters: Vec<u64>,
    /// Models with layers in each group.
    pub n_models: Vec<u64>,
    /// Layers per group.
    pub n_layers: Vec<u64>,
    /// Drift between groups.
    #[serde(rename = "D")]
    pub d: Vec<Vec<f64>>,
    /// What each filter weighed.
    #[serde(default)]
    pub weight: Weight,
    /// Bootstrap intervals of `d`, when asked for (never when grouping by model: one model per
    /// group leaves nothing to resample).
    #[serde(default)]
    pub ci: Option<Interval>,
    /// Each group's noise floor (null for a group under 4 models), with the intervals.
    #[serde(default)]
    pub floor: Option<Vec<Option<f64>>>,
    /// The groups' average-linkage clustering on `D` (SciPy's linkage matrix, row by row), for
    /// the `cluster` [`Order`](crate::Order) and the dendrogram.
    pub tree: Vec<Merge>,
}

impl Comparison {
    /// Whether D between groups `i` and `j` is within the spread inside the groups: its
    /// interval's lower bound not above the larger of their noise floors. `None` without
    /// intervals, and for a pair where neither group is large enough for a floor (that says
    /// nothing either way). The CLI's table, the page's grey cells, hover line and table all ask
    /// this one function.
    ///
    /// ```
    /// use filterscope_site::{Comparison, Interval};
    /// let c = Comparison {
    ///     ci: Some(Interval {
    ///         low: vec![vec![0.0, 0.3], vec![0.3, 0.0]],
    ///         high: vec![vec![0.0, 0.9], vec![0.9, 0.0]],
    ///         replicates: 100,
    ///         seed: 0,
    ///     }),
    ///     floor: Some(vec![Some(0.2), None]),
    ///     ..Default::default()
    /// };
    /// assert_eq!(c.within_noise(0, 1), Some(false)); // 0.3 > 0.2
    /// let none = Comparison { floor: Some(vec![None, None]), ..c.clone() };
    /// assert_eq!(none.within_noise(0, 1), None);
    /// assert_eq!(Comparison::default().within_noise(0, 1), None);
    /// ```
    pub fn within_noise(&self, i: usize, j: usize) -> Option<bool> {
        let (ci, floor) = (self.ci.as_ref()?, self.floor.as_ref()?);
        let top = [floor[i], floor[j]]
            .into_iter()
            .flatten()
            .reduce(f64::max)?;
        Some(i != j && ci.low[i][j] <= top)
    }
}

impl SiteData {
    /// The parts grouping by `by` under `filters` reads; with `moments`, also those holding the
    /// groups' moments (for a subset PCA).
    pub fn group_needs(
        &self,
        by: &str,
        filters: &[Where],
        moments: bool,
    ) -> Result<Vec<Part>, SiteError> {
        let by_key = self.key(by)?;
        let conds = self.conditions(filters)?;
        let source = self.source(by_key, &conds, OfModels::Nothing, moments);
        Ok(self.parts_of(source, &conds, moments))
    }

    /// The parts [`SiteData::compare`] reads for `by` under `filters`.
    pub fn compare_needs(&self, by: &str, filters: &[Where]) -> Result<Vec<Part>, SiteError> {
        self.compare_needs_with(by, filters, &Method::default())
    }

    /// The parts [`SiteData::compare_with`] reads: resampling models needs each model's part of
    /// a group, so depth then reads the per-(model, bucket) rollups; weighing them, the sum of
    /// those parts' shares, which a layer-level column's values hold. Where the site stores the
    /// intervals asked for (by a layer-level column, unfiltered, the page's default
    /// resampling), its sums and that file.
    pub fn compare_needs_with(
        &self,
        by: &str,
        filters: &[Where],
        method: &Method,
    ) -> Result<Vec<Part>, SiteError> {
        let by_key = self.key(by)?;
        let conds = self.conditions(filters)?;
        let (of_models, stored) = self.compare_plan(by_key, &conds, method);
        let source = self.source(by_key, &conds, of_models, false);
        let mut parts = self.parts_of(source, &conds, false);
        parts.extend(stored);
        Ok(parts)
    }

    /// The merged sketch of each group of `by` among the layers that pass `filters`, in the order
    /// `compare` reports them, from the smallest table that answers it ([`SiteData::group_needs`]
    /// says which; an error names a needed part that is not loaded). Moments are merged only if
    /// their part is loaded too.
    pub fn group_sketches(&self, by: &str, filters: &[Where]) -> Result<Vec<Group>, SiteError> {
        self.groups_of(by, filters, OfModels::Nothing, true)
    }

    /// [`SiteData::group_sketches`], with what `of_models` asks of each model's part of each
    /// group, and from a table that holds moments when `moments` (the moments' part itself is
    /// optional).
    fn groups_of(
        &self,
        by: &str,
        filters: &[Where],
        of_models: OfModels,
        moments: bool,
    ) -> Result<Vec<Group>, SiteError> {
        let by_key = self.key(by)?;
        let conds = self.conditions(filters)?;
        let source = self.source(by_key, &conds, of_models, moments);
        self.require(&self.parts_of(source, &conds, false))?;
        let mut g = Grouping::new(by_key, conds, of_models.any());
        self.merge_from(source, &mut g);
        Ok(g.finish())
    }

    /// Starts merging the groups of `by` among the layers that pass `filters` from per-layer
    /// sketches fed in by [`SiteData::add_layers`], so that a caller can stream the sketch chunks
    /// and drop each after it is merged (the browser's worker does: the per-layer sketches of
    /// the full DB take about 130 MB). Needs the layers table.
    /// With `method` asking for it, each model's part of each group is kept.
    pub fn layer_grouping(
        &self,
        by: &str,
        filters: &[Where],
        method: &Method,
    ) -> Result<Grouping, SiteError> {
        self.require(&[Part::Layers])?;
        let conds = self.conditions(filters)?;
        Ok(Grouping::new(self.key(by)?, conds, method.per_model()))
    }

    /// Merges layer sketches (layer index, sketch) into `g`. Fed every layer in layer order, the
    /// groups are bit-identical to [`SiteData::group_sketches`]'s.
    pub fn add_layers<'a>(
        &self,
        g: &mut Grouping,
        layers: impl IntoIterator<Item = (usize, &'a Sketch)>,
    ) {
        for (i, s) in layers {
            let Some(l) = self.layers.get(i) else {
                continue;
            };
            let b = depth_bucket(l.conv_depth_norm).unwrap_or(0);
            if g.conds.pass(&|k| self.value(k, l.model, b, Some(l))) {
                let label = self.value(g.by, l.model, b, Some(l));
                g.add(label, b, s, Some(l.model), 0, 1);
            }
        }
    }

    /// The D matrix between `groups` of `by` (as [`SiteData::layer_grouping`] merges them, with
    /// each model's part when `method` weighs or resamples models), weighted, left out and
    /// resampled as `method` says.
    /// `progress` hears (replicates and splits done, of all) as the resampling goes.
    pub fn compare_groups(
        &self,
        by: &str,
        groups: &[Group],
        method: &Method,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Comparison, SiteError> {
        self.compare_groups_watched(by, groups, method, None, &mut Watch::new(None, progress))
    }

    /// With `stored`, the intervals and floors are read from that part, not resampled: the
    /// groups then need no model's part beyond what the weight asks.
    fn compare_groups_watched(
        &self,
        by: &str,
        groups: &[Group],
        method: &Method,
        stored: Option<Part>,
        watch: &mut Watch,
    ) -> Result<Comparison, SiteError> {
        method.check()?;
        // Borrowed: a worker keeps the groups for the next request (the members of 237 groups
        // by conv_depth are 54 MB).
        let groups: Vec<&Group> = groups
            .iter()
            .filter(|g| g.n_models >= method.min_models)
            .collect();
        let (evr, rule) = (&self.basis.evr, &self.rule);
        // Weighed by models alone, the groups' sums of model shares are all D reads: from a
        // per-value table they are the very sums each model's part would give.
        let of_models = method.of_models_quoting(stored.is_some());
        let shares: Option<Vec<&[f64]>> = match of_models {
            OfModels::Shares => groups.iter().map(|g| g.model_shares.as_deref()).collect(),
            _ => None,
        };
        let per_model = of_models.any() && shares.is_none();
        if per_model && groups.iter().any(|g| g.members.is_empty()) {
            return Err(SiteError::Query(format!(
                "the groups of {by} were merged without their models"
            )));
        }
        let members = per_model.then(|| Members::of(&groups, method.weight));
        let d = match (&members, &shares) {
            (_, Some(s)) => {
                let dists: Vec<LogDist> = s.iter().map(|v| LogDist::of_values(v, rule)).collect();
                drift_matrix_of(&dists, evr)
            }
            (Some(m), _) if method.weight == Weight::Models => drift_matrix_of(&m.point(rule), evr),
            _ => {
                let hists: Vec<Histograms> = groups.iter().map(|g| g.sketch.hist.clone()).collect();
                drift_matrix(&hists, evr, rule)
            }
        };
        if let Some(t) = watch.trace() {
            t.models = groups
                .iter()
                .map(|g| g.members.iter().map(|m| m.0).collect())
                .collect();
            t.counts = groups
                .iter()
                .map(|g| g.members.iter().map(|m| m.1.to_u64()).collect())
                .collect();
        }
        // Grouping by model leaves one model per group: nothing to resample.
        let (ci, floor) = match (method.resampling, &members, stored) {
            (Some(_), None, Some(part)) => {
                let (ci, floor) = self.quoted_spread(part, &groups)?;
                (Some(ci), Some(floor))
            }
            (Some(r), Some(m), _) if by != "model" => (
                Some(m.bootstrap(rule, evr, r, watch)),
                Some(m.floors(rule, evr, r, watch)),
            ),
            _ => (None, None),
        };
        Ok(Comparison {
            by: by.to_string(),
            n_filters: groups.iter().map(|g| g.sketch.n()).collect(),
            n_models: groups.iter().map(|g| g.n_models).collect(),
            n_layers: groups.iter().map(|g| g.n_layers).collect(),
            d,
            weight: method.weight,
            ci,
            floor,
            groups: groups.iter().map(|g| g.label.clone()).collect(),
            tree: vec![],
        }
        .with_tree())
    }

    /// The per-(value, model) cells chunks that a grouping [`SiteData::needs_layers`] says
    /// streams every per-layer sketch can stream instead, when there are such and they are fewer
    /// bytes: the same groups ([`SiteData::add_cells`] merges each chunk, in this order).
    pub fn streamed_cells(
        &self,
        by: &str,
        filters: &[Where],
        method: Option<&Method>,
    ) -> Result<Option<Vec<Part>>, SiteError> {
        let conds = self.conditions(filters)?;
        Ok(self.cells_to_stream(self.key(by)?, &conds, method.is_none()))
    }

    /// Whether grouping by `by` under `filters` needs the per-layer sketches: for a comparison
    /// by `method`, or (`None`) for [`SiteData::group_sketches`] (whose groups have moments).
    pub fn needs_layers(
        &self,
        by: &str,
        filters: &[Where],
        method: Option<&Method>,
    ) -> Result<bool, SiteError> {
        let (by, conds) = (self.key(by)?, self.conditions(filters)?);
        let (of_models, moments) = method.map_or((OfModels::Nothing, true), |m| {
            (self.compare_plan(by, &conds, m).0, false)
        });
        let source = self.source(by, &conds, of_models, moments);
        Ok(source == Source::Layers)
    }

    /// The D matrix between the groups of `by`: every filter counts once, no intervals.
    pub fn compare(&self, by: &str, filters: &[Where]) -> Result<Comparison, SiteError> {
        self.compare_with(by, filters, &Method::default())
    }

    /// The D matrix between the groups of `by`, as `method` says, from the parts
    /// [`SiteData::compare_needs_with`] names.
    pub fn compare_with(
        &self,
        by: &str,
        filters: &[Where],
        method: &Method,
    ) -> Result<Comparison, SiteError> {
        self.compare_with_progress(by, filters, method, &mut |_, _| {})
    }

    /// [`SiteData::compare_with`], `progress` hearing how far a resampling is (replicates and
    /// splits done, of all). Stored intervals are read, not resampled, where they answer.
    pub fn compare_with_progress(
        &self,
        by: &str,
        filters: &[Where],
        method: &Method,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Comparison, SiteError> {
        let (by_key, conds) = (self.key(by)?, self.conditions(filters)?);
        let (of_models, stored) = self.compare_plan(by_key, &conds, method);
        let groups = self.groups_of(by, filters, of_models, false)?;
        let mut watch = Watch::new(None, progress);
        self.compare_groups_watched(by, &groups, method, stored, &mut watch)
    }

    /// The groups of `by` as a comparison by `method` merges them (with each model's part when
    /// it weighs or resamples models), for [`SiteData::compare_groups`].
    pub fn group_sketches_for(
        &self,
        by: &str,
        filters: &[Where],
        method: &Method,
    ) -> Result<Vec<Group>, SiteError> {
        self.groups_of(by, filters, method.of_models(), false)
    }

    /// [`SiteData::compare_with`] and what its resampling drew, for tests/reference to replay.
    #[doc(hidden)]
    pub fn compare_traced(
        &self,
        by: &str,
        filters: &[Where],
        method: &Method,
    ) -> Result<(Comparison, Trace), SiteError> {
        // The trace holds each model's part, whatever else would answer.
        let of_models = match method.per_model() {
            true => OfModels::Each,
            false => OfModels::Nothing,
        };
        let groups = self.groups_of(by, filters, of_models, false)?;
        let mut t = Trace::default();
        let c = self.compare_groups_watched(
            by,
            &groups,
            method,
            None,
            &mut Watch::new(Some(&mut t), &mut |_, _| {}),
        )?;
        Ok((c, t))
    }
}
