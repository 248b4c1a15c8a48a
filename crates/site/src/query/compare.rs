//! The drift matrix between the groups of a column: which parts a grouping reads, the groups'
//! merged sketches from the smallest table that answers, and D between them.

use filterscope_stats::{depth_bucket, drift_matrix, Histograms, Merge, Sketch, DEPTH_LABELS};
use serde::{Deserialize, Serialize};

use super::grouping::{Group, Grouping};
use super::key::Source;
use crate::{Part, SiteData, SiteError, Where};

/// `data-prep compare --json`: the D matrix between groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The groups' average-linkage clustering on `D` (SciPy's linkage matrix, row by row), for
    /// the `cluster` [`Order`](crate::Order) and the dendrogram.
    pub tree: Vec<Merge>,
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
        Ok(match self.source(by_key, &conds) {
            Source::Models if moments => vec![Part::ModelCounts, Part::ModelMoments],
            Source::Models => vec![Part::ModelCounts],
            Source::Depths => vec![Part::Depths],
            Source::Rollups => vec![Part::Rollups],
            Source::Layers => {
                let mut v = vec![Part::Layers];
                v.extend((0..self.manifest.sketches.len()).map(Part::Sketches));
                v
            }
        })
    }

    /// The parts [`SiteData::compare`] reads for `by` under `filters`.
    pub fn compare_needs(&self, by: &str, filters: &[Where]) -> Result<Vec<Part>, SiteError> {
        self.group_needs(by, filters, false)
    }

    /// The merged sketch of each group of `by` among the layers that pass `filters`, in the order
    /// `compare` reports them, from the smallest table that answers it ([`SiteData::group_needs`]
    /// says which; an error names a needed part that is not loaded). Moments are merged only if
    /// their part is loaded too.
    pub fn group_sketches(&self, by: &str, filters: &[Where]) -> Result<Vec<Group>, SiteError> {
        self.require(&self.group_needs(by, filters, false)?)?;
        let by_key = self.key(by)?;
        let conds = self.conditions(filters)?;
        let mut g = Grouping::new(by_key, conds);
        match self.source(by_key, &g.conds) {
            Source::Models => {
                for (m, s) in self.model_sketches.iter().enumerate() {
                    let m = m as u32;
                    if g.conds.pass(&|k| self.value(k, m, 0, None)) {
                        let n = self.totals[m as usize].n_layers;
                        g.add(self.value(by_key, m, 0, None), 0, s, Some(m), 0, n);
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
                        let label = self.value(by_key, r.model, b, None);
                        g.add(label, b, &r.sketch, Some(r.model), 0, r.n_layers);
                    }
                }
            }
            Source::Layers => {
                let all = self
                    .sketches
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (i, &s.as_ref().expect("all chunks loaded").sketch));
                self.add_layers(&mut g, all);
            }
        }
        Ok(g.finish())
    }

    /// Starts merging the groups of `by` among the layers that pass `filters` from per-layer
    /// sketches fed in by [`SiteData::add_layers`], so that a caller can stream the sketch chunks
    /// and drop each after it is merged (the browser's worker does: the per-layer sketches of
    /// the full DB take about 130 MB). Needs the layers table.
    pub fn layer_grouping(&self, by: &str, filters: &[Where]) -> Result<Grouping, SiteError> {
        self.require(&[Part::Layers])?;
        Ok(Grouping::new(self.key(by)?, self.conditions(filters)?))
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

    /// The D matrix between `groups` (as [`SiteData::group_sketches`] gives them) of `by`.
    pub fn compare_groups(&self, by: &str, groups: Vec<Group>) -> Comparison {
        let hists: Vec<Histograms> = groups.iter().map(|g| g.sketch.hist.clone()).collect();
        Comparison {
            by: by.to_string(),
            n_filters: groups.iter().map(|g| g.sketch.n()).collect(),
            n_models: groups.iter().map(|g| g.n_models).collect(),
            n_layers: groups.iter().map(|g| g.n_layers).collect(),
            d: drift_matrix(&hists, &self.basis.evr, &self.rule),
            groups: groups.into_iter().map(|g| g.label).collect(),
            tree: vec![],
        }
        .with_tree()
    }

    /// Whether grouping by `by` under `filters` needs the per-layer sketches.
    pub fn needs_layers(&self, by: &str, filters: &[Where]) -> Result<bool, SiteError> {
        Ok(self.source(self.key(by)?, &self.conditions(filters)?) == Source::Layers)
    }

    /// The D matrix between the groups of `by`.
    pub fn compare(&self, by: &str, filters: &[Where]) -> Result<Comparison, SiteError> {
        Ok(self.compare_groups(by, self.group_sketches(by, filters)?))
    }
}
