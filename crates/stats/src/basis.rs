//! The PCA basis of a set of scaled filters, as scikit-learn's `PCA(n_components=9)` fits it:
//! centred, components sorted by explained variance, each component's sign chosen so that its entry
//! of largest absolute value is positive.

use nalgebra::{SMatrix, SymmetricEigen};

use crate::{Filter, Moments, StatsError, DIM};

/// Mean, principal components and explained variance of a set of scaled filters.
#[derive(Debug, Clone, PartialEq)]
pub struct Basis {
    /// The mean filter (what PCA centres by).
    pub mean: [f64; DIM],
    /// Components, one row each, sorted by eigenvalue, descending.
    pub components: [[f64; DIM]; DIM],
    /// Eigenvalues of the covariance (scikit-learn's `explained_variance_`).
    pub eigenvalues: [f64; DIM],
    /// Eigenvalue / sum of eigenvalues (scikit-learn's `explained_variance_ratio_`).
    pub evr: [f64; DIM],
}

impl Basis {
    /// Fits the basis from merged moments of scaled filters.
    pub fn from_moments(m: &Moments) -> Result<Self, StatsError> {
        let cov = m.covariance().ok_or(StatsError::TooFewFilters(m.n))?;
        let mat = SMatrix::<f64, DIM, DIM>::from_fn(|i, j| cov[i][j]);
        let eig = SymmetricEigen::new(mat);
        let mut order: Vec<usize> = (0..DIM).collect();
        // Descending eigenvalue; ties keep the solver's order so the result is deterministic.
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        let mut components = [[0.0; DIM]; DIM];
        let mut eigenvalues = [0.0; DIM];
        for (row, &k) in order.iter().enumerate() {
            let v = eig.eigenvectors.column(k);
            if v.iter().any(|x| !x.is_finite()) || !eig.eigenvalues[k].is_finite() {
                return Err(StatsError::Eigen);
            }
            // scikit-learn's svd_flip(u_based_decision=False): the largest |entry| is positive.
            let mut arg = 0;
            for i in 1..DIM {
                if v[i].abs() > v[arg].abs() {
                    arg = i;
                }
            }
            let sign = if v[arg] < 0.0 { -1.0 } else { 1.0 };
            for i in 0..DIM {
                components[row][i] = sign * v[i];
            }
            // Covariance is positive semi-definite; rounding can make a null eigenvalue -1e-17.
            eigenvalues[row] = eig.eigenvalues[k].max(0.0);
        }
        let total: f64 = eigenvalues.iter().sum();
        let mut evr = [0.0; DIM];
        if total > 0.0 {
            for (r, e) in evr.iter_mut().zip(&eigenvalues) {
                *r = e / total;
            }
        }
        Ok(Self {
            mean: m.mean(),
            components,
            eigenvalues,
            evr,
        })
    }

    /// Coefficients of a scaled filter: c_i = (x - mean) . component_i.
    #[inline]
    pub fn project(&self, x: &Filter) -> [f64; DIM] {
        let mut centred = [0.0; DIM];
        for i in 0..DIM {
            centred[i] = x[i] - self.mean[i];
        }
        let mut c = [0.0; DIM];
        for (ci, comp) in c.iter_mut().zip(&self.components) {
            let mut s = 0.0;
            for j in 0..DIM {
                s += centred[j] * comp[j];
            }
            *ci = s;
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_aligned_variance_gives_unit_components() {
        // Points spread along axis 3 (variance 4) and axis 7 (variance 1).
        let mut m = Moments::default();
        for (a, b) in [(2.0, 1.0), (-2.0, -1.0), (2.0, -1.0), (-2.0, 1.0)] {
            let mut x = [0.0; DIM];
            x[3] = a;
            x[7] = b;
            m.add(&x);
        }
        let basis = Basis::from_moments(&m).unwrap();
        assert_eq!(basis.components[0][3], 1.0);
        assert_eq!(basis.components[1][7], 1.0);
        assert!((basis.evr[0] - 0.8).abs() < 1e-12);
        assert!((basis.evr[1] - 0.2).abs() < 1e-12);
        assert!((basis.evr.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn sign_convention_makes_largest_entry_positive() {
        let mut m = Moments::default();
        for t in [-3.0, -1.0, 0.5, 2.0, 4.0] {
            let mut x = [0.0; DIM];
            x[0] = -t;
            x[1] = 0.5 * t;
            m.add(&x);
        }
        let b = Basis::from_moments(&m).unwrap();
        assert!(b.components[0][0] > 0.0);
        assert!((b.components[0][0].abs() - 2.0 / 5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn one_filter_is_too_few() {
        let mut m = Moments::default();
        m.add(&[1.0; DIM]);
        assert_eq!(Basis::from_moments(&m), Err(StatsError::TooFewFilters(1)));
    }
}
