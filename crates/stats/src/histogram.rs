//! Histograms of PCA coefficients: 70 equal bins over one global range, binned exactly as
//! `numpy.histogram(a, bins=70, range=(lo, hi))` bins them.

use crate::{DIM, N_BINS};

/// numpy.histogram's equal-width binning over a fixed range.
#[derive(Debug, Clone, PartialEq)]
pub struct BinRule {
    /// Left edge of the first bin.
    pub lo: f64,
    /// Right edge of the last bin (inclusive).
    pub hi: f64,
    edges: Vec<f64>,
    /// bins / (hi - lo): the first guess needs a multiplication, not a division.
    per_unit: f64,
}

impl BinRule {
    /// The rule for `range=(lo, hi)` and [`N_BINS`] bins. As numpy does, an empty range (lo == hi)
    /// is widened to (lo - 0.5, hi + 0.5).
    pub fn new(lo: f64, hi: f64) -> Self {
        Self::with_bins(lo, hi, N_BINS)
    }

    /// The rule with any number of bins (>= 1).
    pub fn with_bins(lo: f64, hi: f64, bins: usize) -> Self {
        assert!(bins >= 1, "a histogram needs at least one bin");
        let (lo, hi) = if lo == hi {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        };
        Self {
            lo,
            hi,
            edges: linspace(lo, hi, bins + 1),
            per_unit: bins as f64 / (hi - lo),
        }
    }

    /// The bin edges, as `numpy.linspace(lo, hi, bins + 1)` computes them.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// Number of bins.
    pub fn bins(&self) -> usize {
        self.edges.len() - 1
    }

    /// The bin of `v`, or `None` outside [lo, hi] (and for NaN). Edge k belongs to bin k; `hi`
    /// belongs to the last bin.
    #[inline]
    pub fn bin(&self, v: f64) -> Option<usize> {
        if !(v >= self.lo && v <= self.hi) {
            return None;
        }
        let n = self.bins();
        // numpy's fast path: a first guess from the arithmetic, then corrected against the edges
        // so the result depends only on the edges (any guess gives the same bin).
        let guess = (v - self.lo) * self.per_unit;
        let mut k = (guess as usize).min(n - 1);
        while k > 0 && v < self.edges[k] {
            k -= 1;
        }
        while k < n - 1 && v >= self.edges[k + 1] {
            k += 1;
        }
        Some(k)
    }
}

/// numpy.linspace(start, stop, num) with endpoint: `k * step + start`, the last value set to `stop`.
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let div = (num - 1) as f64;
    let step = (stop - start) / div;
    let mut y: Vec<f64> = (0..num)
        .map(|k| {
            if step == 0.0 {
                (k as f64 / div) * (stop - start) + start
            } else {
                k as f64 * step + start
            }
        })
        .collect();
    if num > 1 {
        y[num - 1] = stop;
    }
    y
}

/// Per-component histogram counts: 9 components x [`N_BINS`] bins, component-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histograms {
    counts: Vec<u64>,
}

impl Default for Histograms {
    fn default() -> Self {
        Self {
            counts: vec![0; DIM * N_BINS],
        }
    }
}

impl Histograms {
    /// Builds from a flat component-major slice of `9 * N_BINS` counts.
    pub fn from_counts(counts: Vec<u64>) -> Option<Self> {
        (counts.len() == DIM * N_BINS).then_some(Self { counts })
    }

    /// Counts the coefficients of one filter. Returns false (counting nothing) if a coefficient
    /// falls outside the rule's range, which for the global range means the range is wrong.
    #[inline]
    pub fn add(&mut self, rule: &BinRule, coefficients: &[f64; DIM]) -> bool {
        let mut bins = [0usize; DIM];
        for (b, &c) in bins.iter_mut().zip(coefficients) {
            match rule.bin(c) {
                Some(k) => *b = k,
                None => return false,
            }
        }
        for (i, b) in bins.iter().enumerate() {
            self.counts[i * N_BINS + b] += 1;
        }
        true
    }

    /// Adds `n` values of component `i` to bin `k`.
    pub(crate) fn add_count(&mut self, i: usize, k: usize, n: u64) {
        self.counts[i * N_BINS + k] += n;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Histograms) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// Counts of component `i`.
    pub fn component(&self, i: usize) -> &[u64] {
        &self.counts[i * N_BINS..(i + 1) * N_BINS]
    }

    /// All counts, component-major.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Number of filters counted (the total of component 0).
    pub fn total(&self) -> u64 {
        self.component(0).iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_match_numpy_linspace() {
        // numpy.linspace(-1, 1, 71)[1] == -0.9714285714285714, [35] == 0.0 (k*step+start).
        let r = BinRule::new(-1.0, 1.0);
        assert_eq!(r.edges().len(), 71);
        assert_eq!(r.edges()[1], -0.9714285714285714);
        assert_eq!(r.edges()[70], 1.0);
        assert_eq!(r.edges()[35], 2.0 / 70.0 * 35.0 - 1.0);
    }

    #[test]
    fn edge_values_go_right_and_max_goes_last() {
        let r = BinRule::with_bins(0.0, 10.0, 10);
        assert_eq!(r.bin(0.0), Some(0));
        assert_eq!(r.bin(1.0), Some(1));
        assert_eq!(r.bin(0.999_999), Some(0));
        assert_eq!(r.bin(9.5), Some(9));
        assert_eq!(r.bin(10.0), Some(9));
        assert_eq!(r.bin(10.000_001), None);
        assert_eq!(r.bin(-1e-12), None);
        assert_eq!(r.bin(f64::NAN), None);
    }

    #[test]
    fn empty_range_is_widened_like_numpy() {
        let r = BinRule::with_bins(2.0, 2.0, 2);
        assert_eq!(r.lo, 1.5);
        assert_eq!(r.hi, 2.5);
        assert_eq!(r.bin(2.0), Some(1));
    }

    #[test]
    fn out_of_range_counts_nothing() {
        let r = BinRule::new(-1.0, 1.0);
        let mut h = Histograms::default();
        let mut c = [0.0; DIM];
        assert!(h.add(&r, &c));
        c[8] = 2.0;
        assert!(!h.add(&r, &c));
        assert_eq!(h.total(), 1);
        assert_eq!(h.component(8)[35], 1);
    }
}
