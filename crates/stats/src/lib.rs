//! The science core of Filterscope.
//!
//! Every statistic of the CNN Filter DB method (docs/method.md) is computed here, once, for both
//! the native `data-prep` tool and the browser. The central type is [`Sketch`]: a summary of a set of
//! 3x3 filters that merges exactly (counts add, sums add), so any group of layers can be compared
//! without the raw filters.
//!
//! Pipeline, as the reference notebook runs it:
//! 1. [`scale_filter`] each filter by its L-inf norm and accumulate [`Moments`];
//! 2. fit the global [`Basis`] (PCA, 9 components) from the merged moments;
//! 3. project every scaled filter ([`Basis::project`]) and find the global coefficient range;
//! 4. bin the coefficients into [`Histograms`] with a [`BinRule`] (numpy.histogram's rule);
//! 5. compare groups with [`drift`] (symmetric KL weighted by explained variance), and order them
//!    by similarity with [`average_linkage`] and [`leaf_order`].
//!
//! Per layer, [`LayerQuality`] holds sparsity, variance entropy and orthogonality on raw weights.
#![deny(missing_docs)]
// Matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

mod basis;
mod cluster;
mod depth;
mod drift;
mod histogram;
mod kernels;
mod moments;
mod precision;
mod quality;
mod sample;
mod sketch;

pub use basis::Basis;
pub use cluster::{average_linkage, leaf_order, Merge};
pub use depth::{depth_bucket, DEPTH_BUCKETS, DEPTH_LABELS};
pub use drift::{distribution, drift, drift_matrix, drift_per_component, LogDist};
pub use histogram::{BinRule, Histograms};
pub use kernels::{coefficient_range, histograms_clamped, histograms_of, moments_of};
pub use moments::{Moments, PACKED};
pub use precision::{round_to_f16, Precision};
pub use quality::{
    entropy_threshold, is_degenerated, orthogonality, sparsity_count, variance_entropy,
    LayerQuality, SPARSITY_EPS,
};
pub use sample::{sample_indices, seed_of, SplitMix64, GOLDEN_GAMMA};
pub use sketch::Sketch;

/// Weights of one 3x3 filter, row-major.
pub type Filter = [f64; 9];

/// Number of weights in a filter, and of principal components.
pub const DIM: usize = 9;

/// Histogram bins per component: the reference notebook uses 70.
pub const N_BINS: usize = 70;

/// What an empty bin is set to before normalising (numpy's `np.finfo(np.float32).eps`).
pub const EMPTY_BIN: f64 = f32::EPSILON as f64;

/// Errors of the statistics.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StatsError {
    /// A basis needs at least two filters to have a covariance.
    #[error("a PCA basis needs at least 2 filters, got {0}")]
    TooFewFilters(u64),
    /// A weight is NaN or infinite.
    #[error("weight {index} of filter {filter} is not finite ({value})")]
    NotFinite {
        /// filter index within the input
        filter: usize,
        /// weight index, 0..9
        index: usize,
        /// the offending value
        value: f64,
    },
    /// The symmetric eigen-solver produced a non-finite value.
    #[error("the covariance has no finite eigen-decomposition")]
    Eigen,
}

/// Scales a filter by its L-inf norm, as the notebook's `scale`: a zero filter is left as it is.
/// Multiplies by the reciprocal (one division a filter instead of nine): each weight within an ulp
/// of numpy's `x / max`, far below what any statistic of the contract can see.
pub fn scale_filter(x: &Filter) -> Filter {
    let den = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let inv = 1.0 / if den == 0.0 { 1.0 } else { den };
    let mut out = [0.0; DIM];
    for (o, v) in out.iter_mut().zip(x) {
        *o = v * inv;
    }
    out
}

/// Checks every weight is finite, naming the first that is not.
pub fn check_finite(filters: &[Filter]) -> Result<(), StatsError> {
    for (f, x) in filters.iter().enumerate() {
        if let Some(index) = x.iter().position(|v| !v.is_finite()) {
            return Err(StatsError::NotFinite {
                filter: f,
                index,
                value: x[index],
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_divides_by_peak_magnitude() {
        let x = [1.0, -4.0, 2.0, 0.0, 0.5, 0.0, 0.0, 0.0, -1.0];
        let s = scale_filter(&x);
        assert_eq!(s[1], -1.0);
        assert_eq!(s[0], 0.25);
        assert_eq!(s[4], 0.125);
        // Within an ulp of the division where the reciprocal is inexact.
        let y = [49.0, 7.0, -3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        for (a, b) in scale_filter(&y).iter().zip(y.map(|v| v / 49.0)) {
            assert!((a - b).abs() <= f64::EPSILON * b.abs(), "{a} vs {b}");
        }
    }

    #[test]
    fn zero_filter_stays_zero() {
        assert_eq!(scale_filter(&[0.0; 9]), [0.0; 9]);
    }

    #[test]
    fn non_finite_is_named() {
        let mut f = vec![[0.0; 9]; 3];
        f[2][4] = f64::NAN;
        let e = check_finite(&f).unwrap_err();
        assert!(matches!(
            e,
            StatsError::NotFinite {
                filter: 2,
                index: 4,
                ..
            }
        ));
    }
}
