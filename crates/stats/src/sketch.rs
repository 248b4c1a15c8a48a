//! The mergeable sketch of a group of filters (one layer, one model, any union of layers).

use crate::{sparsity_count, Filter, Histograms, Moments, Precision};

/// Everything needed to compare a group with any other, exactly, without its raw filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sketch {
    /// Moments of the L-inf-scaled filters (for the mean, covariance and subset PCA).
    pub scaled: Moments,
    /// Moments of the raw filters (for variance entropy of the group).
    pub raw: Moments,
    /// Largest |w| in the group.
    pub max_abs: f64,
    /// Filters sparse within their own layer (see [`crate::sparsity_count`]).
    pub n_sparse: u64,
    /// Per-component coefficient histograms over the global range.
    pub hist: Histograms,
}

impl Sketch {
    /// The sketch of one layer's raw filters, scaled at `precision`, without histograms (they
    /// need the global basis and range, known only after every layer has been seen).
    pub fn of_layer(filters: &[Filter], precision: Precision) -> Self {
        let mut s = Sketch::default();
        (s.raw, s.scaled, s.max_abs) = crate::moments_of(filters, precision);
        s.n_sparse = sparsity_count(filters, s.max_abs);
        s
    }

    /// Number of filters in the group.
    pub fn n(&self) -> u64 {
        self.scaled.n
    }

    /// Adds another group: the sketch of the union. Counts and sums add, so merging is exact for
    /// the counts and associative up to f64 rounding for the sums.
    pub fn merge(&mut self, other: &Sketch) {
        self.scaled.merge(&other.scaled);
        self.raw.merge(&other.raw);
        self.max_abs = self.max_abs.max(other.max_abs);
        self.n_sparse += other.n_sparse;
        self.hist.merge(&other.hist);
    }

    /// Share of the group's filters that are sparse in their layer.
    pub fn sparsity(&self) -> f64 {
        if self.n() == 0 {
            0.0
        } else {
            self.n_sparse as f64 / self.n() as f64
        }
    }
}
