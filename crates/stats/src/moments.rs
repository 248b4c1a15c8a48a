//! First and second moments of a set of 9-vectors, kept as plain f64 sums so that merging two sets
//! is an addition: the mean and covariance of any union of layers follow exactly from the parts.

use crate::{Filter, DIM};

/// Number of entries in the packed upper triangle of a 9x9 symmetric matrix.
pub const PACKED: usize = DIM * (DIM + 1) / 2;

/// Count, sum and sum of outer products of 9-vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    /// How many vectors were added.
    pub n: u64,
    /// Sum of the vectors.
    pub sum: [f64; DIM],
    /// Sum of x x^T, upper triangle packed row by row (see [`Moments::packed_index`]).
    pub sxx: [f64; PACKED],
}

impl Default for Moments {
    fn default() -> Self {
        Self {
            n: 0,
            sum: [0.0; DIM],
            sxx: [0.0; PACKED],
        }
    }
}

impl Moments {
    /// Index of entry (i, j), i <= j, in the packed upper triangle.
    pub const fn packed_index(i: usize, j: usize) -> usize {
        // Row i starts after rows 0..i, which hold DIM, DIM-1, ... entries.
        i * DIM - i * (i + 1) / 2 + j
    }

    /// Adds one vector.
    #[inline]
    pub fn add(&mut self, x: &Filter) {
        self.n += 1;
        let mut k = 0;
        for i in 0..DIM {
            self.sum[i] += x[i];
            let xi = x[i];
            for xj in &x[i..] {
                self.sxx[k] += xi * xj;
                k += 1;
            }
        }
    }

    /// Adds another set's moments: the moments of the union.
    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        for (a, b) in self.sum.iter_mut().zip(&other.sum) {
            *a += b;
        }
        for (a, b) in self.sxx.iter_mut().zip(&other.sxx) {
            *a += b;
        }
    }

    /// Mean vector (zeros for an empty set).
    pub fn mean(&self) -> [f64; DIM] {
        let mut m = [0.0; DIM];
        if self.n > 0 {
            for (o, s) in m.iter_mut().zip(&self.sum) {
                *o = s / self.n as f64;
            }
        }
        m
    }

    /// Sample covariance (centred, divided by n - 1, as numpy/scikit-learn), full 9x9; `None` below 2.
    pub fn covariance(&self) -> Option<[[f64; DIM]; DIM]> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let mut c = [[0.0; DIM]; DIM];
        for i in 0..DIM {
            for j in i..DIM {
                // sum (x_i - m_i)(x_j - m_j) = sxx_ij - sum_i sum_j / n
                let v = (self.sxx[Self::packed_index(i, j)] - self.sum[i] * self.sum[j] / n)
                    / (n - 1.0);
                c[i][j] = v;
                c[j][i] = v;
            }
        }
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_index_walks_the_triangle() {
        let mut k = 0;
        for i in 0..DIM {
            for j in i..DIM {
                assert_eq!(Moments::packed_index(i, j), k);
                k += 1;
            }
        }
        assert_eq!(k, PACKED);
    }

    #[test]
    fn covariance_of_two_points() {
        let mut m = Moments::default();
        let mut a = [0.0; DIM];
        let mut b = [0.0; DIM];
        a[0] = 1.0;
        b[0] = 3.0;
        a[1] = 2.0;
        b[1] = -2.0;
        m.add(&a);
        m.add(&b);
        let c = m.covariance().unwrap();
        assert_eq!(m.mean()[0], 2.0);
        assert_eq!(c[0][0], 2.0); // ((1-2)^2 + (3-2)^2) / 1
        assert_eq!(c[1][1], 8.0);
        assert_eq!(c[0][1], -4.0);
        assert_eq!(c[1][0], -4.0);
    }

    #[test]
    fn too_few_for_covariance() {
        let mut m = Moments::default();
        assert!(m.covariance().is_none());
        m.add(&[1.0; DIM]);
        assert!(m.covariance().is_none());
    }
}
