//! The site's models and layers as tables, one line each with its columns by name: what
//! `data-prep models --json` and `data-prep layers --json` print and the Python package turns
//! into DataFrames.

use std::collections::BTreeMap;

use filterscope_stats::{depth_bucket, DEPTH_LABELS};
use serde::{Deserialize, Serialize};

use crate::{LayerReport, Part, SiteData, SiteError, Where};

/// `data-prep models --json`: one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelLine {
    /// Its unique name.
    pub name: String,
    /// Its meta values by column (the manifest's `model_columns`; "" where missing).
    pub columns: BTreeMap<String, String>,
    /// Its 3x3 conv layers.
    pub n_layers: u64,
    /// Its 3x3 filters.
    pub n_filters: u64,
}

/// `data-prep layers --json`: one layer, what it is and its quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerLine {
    /// Its quality (with its id, model and filter count).
    #[serde(flatten)]
    pub quality: LayerReport,
    /// Rank of its graph depth among its model's conv depths.
    pub conv_depth: i64,
    /// conv_depth normalised to [0, 1].
    pub conv_depth_norm: f64,
    /// The depth bucket it falls in (the `depth` column's label).
    pub depth: String,
    /// Input channels per group.
    pub in_channels: i64,
    /// Output channels.
    pub out_channels: i64,
    /// Its layer-level meta values by column (the manifest's `layer_columns`).
    pub columns: BTreeMap<String, String>,
}

impl SiteData {
    /// Every model, in the models table's order (loaded with the manifest).
    pub fn model_lines(&self) -> Vec<ModelLine> {
        let cols = &self.manifest.model_columns;
        self.models
            .iter()
            .zip(&self.totals)
            .map(|(m, t)| ModelLine {
                name: m.name.clone(),
                columns: cols.iter().cloned().zip(m.values.iter().cloned()).collect(),
                n_layers: t.n_layers,
                n_filters: t.n_filters,
            })
            .collect()
    }

    /// The layers passing `filters` (as `compare` takes them: OR within a column, AND across),
    /// in layer_id order. Needs the layers and quality tables.
    pub fn layer_lines(&self, filters: &[Where]) -> Result<Vec<LayerLine>, SiteError> {
        self.require(&[Part::Layers, Part::Quality])?;
        let conds = self.conditions(filters)?;
        let cols = &self.manifest.layer_columns;
        let mut out: Vec<LayerLine> = self
            .layers
            .iter()
            .zip(&self.quality)
            .filter_map(|(l, q)| {
                let b = depth_bucket(l.conv_depth_norm).unwrap_or(0);
                let v = |k| self.value(k, l.model, b, Some(l));
                conds.pass(&v).then(|| LayerLine {
                    quality: LayerReport::of(l.layer_id, &self.models[l.model as usize].name, q),
                    conv_depth: l.conv_depth,
                    conv_depth_norm: l.conv_depth_norm,
                    depth: DEPTH_LABELS[b].to_string(),
                    in_channels: l.in_channels,
                    out_channels: l.out_channels,
                    columns: cols.iter().cloned().zip(l.values.iter().cloned()).collect(),
                })
            })
            .collect();
        out.sort_by_key(|r| r.quality.layer_id);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{content, loaded};
    use crate::Where;

    #[test]
    fn a_filter_keeps_only_its_layers_and_no_filter_keeps_them_all() {
        let site = loaded(&content());
        let all = site.layer_lines(&[]).unwrap();
        assert_eq!(all.len() as u64, site.stats().n_layers);
        assert_eq!(
            all.iter().map(|l| l.quality.layer_id).collect::<Vec<_>>(),
            site.layer_reports()
                .unwrap()
                .iter()
                .map(|r| r.layer_id)
                .collect::<Vec<_>>()
        );
        let first = all[0].quality.model.clone();
        let w: Where = format!("model={first}").parse().unwrap();
        let some = site.layer_lines(&[w]).unwrap();
        assert!(!some.is_empty() && some.len() < all.len());
        assert!(some.iter().all(|l| l.quality.model == first));
        let models = site.model_lines();
        let m = models.iter().find(|m| m.name == first).unwrap();
        assert_eq!(m.n_layers, some.len() as u64);
        assert_eq!(m.n_filters, some.iter().map(|l| l.quality.n).sum::<u64>());
    }
}
