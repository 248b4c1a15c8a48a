//! Layer by layer: the layers of a group, and every layer's quality (`data-prep layers`).

use filterscope_stats::{depth_bucket, LayerQuality};
use serde::{Deserialize, Serialize};

use crate::{Part, SiteData, SiteError, Where};

/// `data-prep layers --json`: one layer's quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerReport {
    /// The source's layer id.
    pub layer_id: i64,
    /// Its model's name.
    pub model: String,
    /// Number of filters.
    pub n: u64,
    /// Share of sparse filters.
    pub sparsity: f64,
    /// Variance entropy (base 10).
    pub variance_entropy: f64,
    /// Variance entropy over the randomness threshold.
    pub variance_entropy_ratio: f64,
    /// Degenerated flag.
    pub degenerated: bool,
    /// Orthogonality (null with one out channel).
    pub orthogonality: Option<f64>,
}

impl LayerReport {
    /// The report of layer `layer_id` of `model` with quality `q`.
    pub(crate) fn of(layer_id: i64, model: &str, q: &LayerQuality) -> LayerReport {
        LayerReport {
            layer_id,
            model: model.to_string(),
            n: q.n,
            sparsity: q.sparsity,
            variance_entropy: q.variance_entropy,
            variance_entropy_ratio: q.entropy_ratio,
            degenerated: q.degenerated,
            orthogonality: q.orthogonality,
        }
    }
}

impl SiteData {
    /// Indices of the layers in group `label` of `by` among those passing `filters` (from the
    /// layers table, which must be loaded; a grouping needs no sketch for this).
    pub fn group_layers(
        &self,
        by: &str,
        filters: &[Where],
        label: &str,
    ) -> Result<Vec<usize>, SiteError> {
        self.layers_by_value(by, filters, |v| v == label)
    }

    /// Indices of the layers in any group of `by` but `label` among those passing `filters`: a
    /// pair's "the rest". Layers without a value of `by` are in no group, so not in the rest.
    pub fn other_layers(
        &self,
        by: &str,
        filters: &[Where],
        label: &str,
    ) -> Result<Vec<usize>, SiteError> {
        self.layers_by_value(by, filters, |v| !v.is_empty() && v != label)
    }

    /// Indices of the layers passing `filters` whose value of `by` passes `keep`.
    fn layers_by_value(
        &self,
        by: &str,
        filters: &[Where],
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<usize>, SiteError> {
        self.require(&[Part::Layers])?;
        let by_key = self.key(by)?;
        let conds = self.conditions(filters)?;
        Ok(self
            .layers
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let b = depth_bucket(l.conv_depth_norm).unwrap_or(0);
                let v = |k| self.value(k, l.model, b, Some(l));
                conds.pass(&v) && keep(&v(by_key))
            })
            .map(|(i, _)| i)
            .collect())
    }

    /// Quality of every layer, in layer_id order. Needs the layers and quality tables.
    pub fn layer_reports(&self) -> Result<Vec<LayerReport>, SiteError> {
        self.require(&[Part::Layers, Part::Quality])?;
        let mut out: Vec<LayerReport> = self
            .layers
            .iter()
            .zip(&self.quality)
            .map(|(l, q)| LayerReport::of(l.layer_id, &self.models[l.model as usize].name, q))
            .collect();
        out.sort_by_key(|r| r.layer_id);
        Ok(out)
    }
}
