//! Which filters of a layer are sparse, as torchconvquality counts them.

use crate::Filter;

/// A filter is sparse when all its |w| are below this share of the layer's max |w|.
pub const SPARSITY_EPS: f64 = 0.01;

/// How many filters are sparse: all 9 |w| < max_abs * [`SPARSITY_EPS`] (a threshold of 0, for an
/// all-zero layer, is taken as 1, as torchconvquality does).
pub fn sparsity_count(filters: &[Filter], max_abs: f64) -> u64 {
    let mut t = max_abs * SPARSITY_EPS;
    if t == 0.0 {
        t = 1.0;
    }
    filters
        .iter()
        .filter(|f| f.iter().all(|v| v.abs() < t))
        .count() as u64
}
