//! The mergeable sketch of a group of filters (one layer, one model, any union of layers).

use crate::{sparsity_count, Filter, Histograms, Moments, Precision};

/// Everything needed to compare a group with any other, exactly, without its raw filters.
///
/// ```
/// use filterscope_stats::{Basis, BinRule, Precision, Sketch};
///
/// let a: Vec<[f64; 9]> = (0..50).map(|i| [i as f64, 1.0, -2.0, 0.5, 0.0, 3.0, 1.0, 1.0, -1.0]).collect();
/// let b: Vec<[f64; 9]> = (0..30).map(|i| [1.0, -(i as f64), 0.0, 2.0, 1.0, 0.0, 0.5, 0.0, 1.0]).collect();
/// let (mut sa, sb) = (Sketch::of_layer(&a, Precision::F64), Sketch::of_layer(&b, Precision::F64));
/// // The basis of both layers from their merged moments, without the filters.
/// let mut both = sa.clone();
/// both.merge(&sb);
/// assert_eq!(both.n(), 80);
/// let basis = Basis::from_moments(&both.scaled).unwrap();
/// assert!((basis.evr.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// // Histograms come later, over the global range (here simply [-3, 3]).
/// let rule = BinRule::new(-3.0, 3.0);
/// for f in &a {
///     assert!(sa.hist.add(&rule, &basis.project(&Precision::F64.scale(f))));
/// }
/// assert_eq!(sa.hist.component(0).iter().sum::<u64>(), 50);
/// ```
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
