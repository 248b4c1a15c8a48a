//! The whole site at once: its counts and basis (`data-prep stats`), and the sketch of every
//! filter merged.

use filterscope_stats::Sketch;
use serde::{Deserialize, Serialize};

use crate::SiteError;
use crate::{Part, SiteData};

/// `data-prep stats --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsReport {
    /// Number of filters.
    pub n_filters: u64,
    /// Number of layers.
    pub n_layers: u64,
    /// Number of models.
    pub n_models: u64,
    /// Mean of the scaled filters.
    pub pca_mean: [f64; 9],
    /// Principal components, one row each.
    pub components: [[f64; 9]; 9],
    /// Explained variance ratios.
    pub explained_variance_ratio: [f64; 9],
    /// Global coefficient range.
    pub coef_range: [f64; 2],
}

impl SiteData {
    /// Global counts and basis.
    pub fn stats(&self) -> StatsReport {
        let m = &self.manifest;
        StatsReport {
            n_filters: m.n_filters,
            n_layers: m.n_layers,
            n_models: m.n_models,
            pca_mean: m.basis.mean,
            components: m.basis.components,
            explained_variance_ratio: m.basis.explained_variance_ratio,
            coef_range: m.coef_range,
        }
    }

    /// The sketch of every layer, merged (the whole DB), from the depth table.
    pub fn global_sketch(&self) -> Result<Sketch, SiteError> {
        self.require(&[Part::Depths])?;
        let mut s = Sketch::default();
        for r in &self.depths {
            s.merge(&r.sketch);
        }
        Ok(s)
    }
}
