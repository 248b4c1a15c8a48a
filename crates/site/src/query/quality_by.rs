//! The quality of the site's layers, group by group: the distributions of layer sparsity, H/TH
//! and orthogonality, and the share of degenerated layers in all and per depth bucket, for the
//! groups of any column (the page's Quality view).

use std::collections::BTreeMap;

use filterscope_stats::{depth_bucket, DEPTH_BUCKETS, DEPTH_LABELS};
use serde::{Deserialize, Serialize};

use super::key::Key;
use crate::{Part, SiteData, SiteError, Where};

/// One group's layers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QualityGroup {
    /// The column's value.
    pub label: String,
    /// Each layer's sparsity, in layer order.
    pub sparsity: Vec<f64>,
    /// Each layer's variance entropy over its randomness threshold.
    pub entropy_ratio: Vec<f64>,
    /// Each layer's orthogonality, where defined.
    pub orthogonality: Vec<f64>,
    /// Layers in the group.
    pub n_layers: u64,
    /// Degenerated layers in the group.
    pub n_degenerated: u64,
    /// Per depth bucket: layers, and degenerated layers.
    pub by_depth: Vec<[u64; 2]>,
}

/// The groups of a column with their layers' quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityBy {
    /// The column.
    pub by: String,
    /// Groups in byte order of their labels (depth buckets shallow to deep).
    pub groups: Vec<QualityGroup>,
}

impl SiteData {
    /// What [`SiteData::quality_by`] reads for `by` under `filters`.
    pub fn quality_needs(&self, by: &str, filters: &[Where]) -> Result<Vec<Part>, SiteError> {
        let mut n = vec![Part::Layers, Part::Quality];
        n.extend(self.values_needs(by)?);
        for w in filters {
            n.extend(self.values_needs(&w.column)?);
        }
        Ok(n)
    }

    /// The quality of every layer passing `filters`, grouped by `by` (any column, `model` or
    /// `depth`).
    pub fn quality_by(&self, by: &str, filters: &[Where]) -> Result<QualityBy, SiteError> {
        self.require(&self.quality_needs(by, filters)?)?;
        let key = self.key(by)?;
        let conds = self.conditions(filters)?;
        let mut groups: BTreeMap<String, QualityGroup> = BTreeMap::new();
        for (l, q) in self.layers.iter().zip(&self.quality) {
            let bucket = depth_bucket(l.conv_depth_norm).unwrap_or(0);
            if !conds.pass(&|k| self.value(k, l.model, bucket, Some(l))) {
                continue;
            }
            let label = self.value(key, l.model, bucket, Some(l));
            let g = groups.entry(label.clone()).or_insert_with(|| QualityGroup {
                label,
                by_depth: vec![[0, 0]; DEPTH_BUCKETS],
                ..QualityGroup::default()
            });
            g.sparsity.push(q.sparsity);
            g.entropy_ratio.push(q.entropy_ratio);
            if let Some(o) = q.orthogonality {
                g.orthogonality.push(o);
            }
            g.n_layers += 1;
            g.by_depth[bucket][0] += 1;
            if q.degenerated {
                g.n_degenerated += 1;
                g.by_depth[bucket][1] += 1;
            }
        }
        let mut groups: Vec<QualityGroup> = groups.into_values().collect();
        if key == Key::Depth {
            let rank = |s: &str| DEPTH_LABELS.iter().position(|l| *l == s);
            groups.sort_by_key(|g| rank(&g.label));
        }
        Ok(QualityBy {
            by: by.to_string(),
            groups,
        })
    }
}
