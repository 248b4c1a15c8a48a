//! The orders a comparison's groups can be shown in: by similarity (the average-linkage
//! dendrogram's leaves), by mean drift (as the CNN Filter DB notebook sorts its heatmaps), or as
//! the groups come (byte order of the labels; bucket order for depth). One implementation for
//! `data-prep compare --order` and the page.

use std::fmt;
use std::str::FromStr;

use filterscope_stats::{average_linkage, leaf_order};

use serde::Serialize;

use crate::Comparison;

/// How a comparison's groups are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Leaves of the average-linkage dendrogram: similar groups side by side.
    Cluster,
    /// Mean drift to the other groups, smallest first; ties by label.
    Mean,
    /// As the groups come: labels in byte order, depth buckets shallow to deep.
    Name,
}

impl Order {
    /// Every order, as a page lists them.
    pub const ALL: [Order; 3] = [Order::Cluster, Order::Mean, Order::Name];

    /// The order used when none is asked for: depth buckets read best shallow to deep; any other
    /// grouping reads best with similar groups together.
    pub fn default_for(by: &str) -> Order {
        if by == "depth" {
            Order::Name
        } else {
            Order::Cluster
        }
    }

    /// The name in URLs and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Order::Cluster => "cluster",
            Order::Mean => "mean",
            Order::Name => "name",
        }
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// An order name that is none of `cluster`, `mean`, `name`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown order {0:?}: expected cluster, mean or name")]
pub struct UnknownOrder(pub String);

impl FromStr for Order {
    type Err = UnknownOrder;

    fn from_str(s: &str) -> Result<Order, UnknownOrder> {
        Order::ALL
            .into_iter()
            .find(|o| o.key() == s)
            .ok_or_else(|| UnknownOrder(s.to_string()))
    }
}

/// `data-prep compare --json`: the comparison as it comes, plus what readers would otherwise
/// recompute: the groups' labels in `order` (`"order"`) and, with intervals, which cells are
/// within the groups' own spread (`"within_noise"`, [`Comparison::within_noise`]).
#[derive(Serialize)]
pub struct ComparisonJson<'a> {
    /// The comparison.
    #[serde(flatten)]
    pub comparison: &'a Comparison,
    /// Group labels in the order asked for.
    pub order: Vec<String>,
    /// Per cell, whether D is within noise (null: no floor says); absent without intervals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_noise: Option<Vec<Vec<Option<bool>>>>,
}

impl Comparison {
    /// The comparison as `data-prep compare --json` prints it, its groups listed in `order`.
    pub fn json(&self, order: Order) -> ComparisonJson<'_> {
        let n = self.groups.len();
        ComparisonJson {
            comparison: self,
            order: self
                .order(order)
                .into_iter()
                .map(|i| self.groups[i].clone())
                .collect(),
            within_noise: self.ci.as_ref().map(|_| {
                (0..n)
                    .map(|i| (0..n).map(|j| self.within_noise(i, j)).collect())
                    .collect()
            }),
        }
    }
}

impl Comparison {
    /// Fills [`Comparison::tree`] from `d`.
    pub(crate) fn with_tree(mut self) -> Comparison {
        self.tree = average_linkage(&self.d);
        self
    }

    /// The group indices in `order`.
    ///
    /// ```
    /// use filterscope_site::{Comparison, Order};
    /// let d = vec![vec![0.0, 5.0, 1.0], vec![5.0, 0.0, 6.0], vec![1.0, 6.0, 0.0]];
    /// let c = Comparison {
    ///     by: "Task".into(),
    ///     groups: vec!["a".into(), "b".into(), "c".into()],
    ///     n_filters: vec![1; 3],
    ///     n_models: vec![1; 3],
    ///     n_layers: vec![1; 3],
    ///     tree: filterscope_stats::average_linkage(&d),
    ///     d,
    ///     ..Default::default()
    /// };
    /// assert_eq!(c.order(Order::Name), vec![0, 1, 2]);
    /// assert_eq!(c.order(Order::Mean), vec![0, 2, 1]);
    /// assert_eq!(c.order(Order::Cluster), vec![1, 0, 2]);
    /// ```
    pub fn order(&self, order: Order) -> Vec<usize> {
        let n = self.groups.len();
        match order {
            Order::Name => (0..n).collect(),
            Order::Cluster => leaf_order(&self.tree, n),
            Order::Mean => {
                let mean = |i: usize| {
                    if n > 1 {
                        self.d[i].iter().sum::<f64>() / (n - 1) as f64
                    } else {
                        0.0
                    }
                };
                let means: Vec<f64> = (0..n).map(mean).collect();
                let mut o: Vec<usize> = (0..n).collect();
                o.sort_by(|&a, &b| {
                    means[a]
                        .total_cmp(&means[b])
                        .then(self.groups[a].cmp(&self.groups[b]))
                });
                o
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for o in Order::ALL {
            assert_eq!(o.key().parse::<Order>(), Ok(o));
        }
        assert_eq!(
            "size".parse::<Order>().unwrap_err().to_string(),
            "unknown order \"size\": expected cluster, mean or name"
        );
        assert_eq!(Order::default_for("depth"), Order::Name);
        assert_eq!(Order::default_for("model"), Order::Cluster);
    }
}
