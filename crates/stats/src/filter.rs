//! One filter: its type and size, the histogram's bin count, scaling by the peak magnitude,
//! and the errors of the statistics.

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
