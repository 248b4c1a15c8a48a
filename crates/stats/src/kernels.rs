//! The per-filter loops of a build (moments, coefficient range, histograms), written over tiles of
//! [`LANES`] filters stored weight-major, so the compiler turns each step into one vector
//! operation across filters instead of nine scalar ones per filter.
//!
//! Coefficients come out bit-identical to [`Basis::project`] of [`scale_filter`]: each lane does
//! the same operations in the same order, so pass 2's range holds every coefficient of pass 3.
//!
//! [`scale_filter`]: crate::scale_filter

use crate::{Basis, BinRule, Filter, Histograms, Moments, Precision, DIM, N_BINS};

/// Filters per tile: 8 f64 fill an AVX-512 register, two AVX2 or four SSE2 ones.
const LANES: usize = 8;

type Lanes = [f64; LANES];

/// Up to [`LANES`] filters, weight-major; lanes past `valid` hold zero filters.
struct Tile {
    w: [Lanes; DIM],
    valid: usize,
}

impl Tile {
    fn load(filters: &[Filter]) -> Self {
        debug_assert!(filters.len() <= LANES);
        let mut w = [[0.0; LANES]; DIM];
        for (t, f) in filters.iter().enumerate() {
            for j in 0..DIM {
                w[j][t] = f[j];
            }
        }
        Self {
            w,
            valid: filters.len(),
        }
    }

    /// Per lane max |w| (0 for a zero filter).
    fn max_abs(&self) -> Lanes {
        let mut m = [0.0f64; LANES];
        for row in &self.w {
            for t in 0..LANES {
                m[t] = m[t].max(row[t].abs());
            }
        }
        m
    }

    /// Each filter scaled by its L-inf norm at `precision`; zero filters stay zero (exactly as
    /// [`Precision::scale`]: for f64 times the reciprocal, for f16 the rounded quotient).
    fn scaled(&self, max_abs: &Lanes, precision: Precision) -> Self {
        let mut den = [0.0; LANES];
        for t in 0..LANES {
            den[t] = if max_abs[t] == 0.0 { 1.0 } else { max_abs[t] };
        }
        let mut w = self.w;
        match precision {
            Precision::F64 => {
                let inv = den.map(|d| 1.0 / d);
                for row in &mut w {
                    for t in 0..LANES {
                        row[t] *= inv[t];
                    }
                }
            }
            Precision::F16 => {
                for row in &mut w {
                    for t in 0..LANES {
                        row[t] = crate::round_to_f16(row[t] / den[t]);
                    }
                }
            }
        }
        Self {
            w,
            valid: self.valid,
        }
    }

    /// The 9 coefficients of each lane: (x - mean) . component_i, summed over j in order.
    fn project(&self, basis: &Basis) -> [Lanes; DIM] {
        let mut centred = self.w;
        for (row, m) in centred.iter_mut().zip(&basis.mean) {
            for v in row.iter_mut() {
                *v -= m;
            }
        }
        let mut out = [[0.0; LANES]; DIM];
        for (o, comp) in out.iter_mut().zip(&basis.components) {
            for (row, c) in centred.iter().zip(comp) {
                for t in 0..LANES {
                    o[t] += row[t] * c;
                }
            }
        }
        out
    }
}

/// Moments of the raw and of the scaled filters (scaled at `precision`), and max |w|, in one
/// sweep. One running sum per entry, filter after filter, as [`Moments::add`]: the compiler
/// vectorises the 45 products of one filter well, and a layer's sums depend only on its filters.
pub fn moments_of(filters: &[Filter], precision: Precision) -> (Moments, Moments, f64) {
    let mut raw = Moments::default();
    let mut scaled = Moments::default();
    let mut max = 0.0f64;
    for f in filters {
        let m = f.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        max = max.max(m);
        raw.add(f);
        scaled.add(&precision.scale(f));
    }
    (raw, scaled, max)
}

/// Calls `f` with the coefficients of every scaled filter, a tile at a time (lanes past `valid`
/// are padding and must be ignored).
fn for_each_tile(
    basis: &Basis,
    filters: &[Filter],
    precision: Precision,
    mut f: impl FnMut(&[Lanes; DIM], usize),
) {
    for chunk in filters.chunks(LANES) {
        let tile = Tile::load(chunk);
        let c = tile.scaled(&tile.max_abs(), precision).project(basis);
        f(&c, tile.valid);
    }
}

/// The smallest and largest coefficient of the filters scaled at `precision` on the basis
/// ((inf, -inf) for no filters).
pub fn coefficient_range(basis: &Basis, filters: &[Filter], precision: Precision) -> (f64, f64) {
    let mut lo = [f64::INFINITY; LANES];
    let mut hi = [f64::NEG_INFINITY; LANES];
    for_each_tile(basis, filters, precision, |c, valid| {
        for row in c {
            for t in 0..valid {
                lo[t] = lo[t].min(row[t]);
                hi[t] = hi[t].max(row[t]);
            }
        }
    });
    (
        lo.iter().fold(f64::INFINITY, |a, &b| a.min(b)),
        hi.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b)),
    )
}

/// Histograms of the coefficients of the filters scaled at `precision`, or `None` if one falls
/// outside the rule.
pub fn histograms_of(
    basis: &Basis,
    rule: &BinRule,
    filters: &[Filter],
    precision: Precision,
) -> Option<Histograms> {
    let (h, outside) = binned(basis, rule, filters, precision);
    (outside == 0).then_some(h)
}

/// Histograms of a foreign model's filters over a site's basis and range: a coefficient outside
/// the range is counted in the nearest end bin. Returns the histograms and how many coefficients
/// were outside (of `9 x filters.len()`).
///
/// ```
/// use filterscope_stats::{histograms_clamped, Basis, BinRule, Precision};
/// let mut components = [[0.0; 9]; 9];
/// for i in 0..9 {
///     components[i][i] = 1.0;
/// }
/// let basis = Basis { mean: [0.0; 9], components, eigenvalues: [1.0; 9], evr: [1.0 / 9.0; 9] };
/// let rule = BinRule::new(-0.5, 0.5);
/// // Scaled, this filter has coefficients 1.0 and -0.25 and seven 0s: one is outside.
/// let f = [4.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
/// let (h, outside) = histograms_clamped(&basis, &rule, &[f], Precision::F64);
/// assert_eq!(outside, 1);
/// assert_eq!(h.component(0)[69], 1); // 1.0 counted in the top bin
/// ```
pub fn histograms_clamped(
    basis: &Basis,
    rule: &BinRule,
    filters: &[Filter],
    precision: Precision,
) -> (Histograms, u64) {
    let mut h = Histograms::default();
    let mut outside = 0;
    for_each_tile(basis, filters, precision, |c, valid| {
        for (i, row) in c.iter().enumerate() {
            for &v in &row[..valid] {
                let k = if v < rule.lo {
                    outside += 1;
                    0
                } else if v > rule.hi {
                    outside += 1;
                    N_BINS - 1
                } else {
                    rule.bin(v).unwrap_or(0)
                };
                h.add_count(i, k, 1);
            }
        }
    });
    (h, outside)
}

/// The counts of [`histograms_of`], and how many coefficients fell outside (not counted).
fn binned(
    basis: &Basis,
    rule: &BinRule,
    filters: &[Filter],
    precision: Precision,
) -> (Histograms, u64) {
    assert_eq!(rule.bins(), N_BINS, "histograms have N_BINS bins");
    // BinRule::bin with the edges in a fixed-size array, so the guess and its correction need no
    // bounds checks: the same bins (the test below checks), a third faster.
    let mut edges = [0.0; N_BINS + 1];
    edges.copy_from_slice(rule.edges());
    let (lo, hi) = (rule.lo, rule.hi);
    let per_unit = N_BINS as f64 / (hi - lo);
    let mut counts = [[0u64; N_BINS]; DIM];
    let mut outside = 0u64;
    for_each_tile(basis, filters, precision, |c, valid| {
        for (row, counts) in c.iter().zip(counts.iter_mut()) {
            for &v in &row[..valid] {
                if !(v >= lo && v <= hi) {
                    outside += 1;
                    continue;
                }
                let mut k = (((v - lo) * per_unit) as usize).min(N_BINS - 1);
                while k > 0 && v < edges[k] {
                    k -= 1;
                }
                while k < N_BINS - 1 && v >= edges[k + 1] {
                    k += 1;
                }
                counts[k] += 1;
            }
        }
    });
    let mut h = Histograms::default();
    for (i, row) in counts.iter().enumerate() {
        for (k, &n) in row.iter().enumerate() {
            h.add_count(i, k, n);
        }
    }
    (h, outside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{scale_filter, SplitMix64};

    fn filters(n: usize, seed: u64) -> Vec<Filter> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|k| {
                if k % 7 == 3 {
                    return [0.0; DIM];
                }
                let mut f = [0.0; DIM];
                for v in &mut f {
                    *v = (rng.next_u64() as f64 / u64::MAX as f64 - 0.4) * (k % 5 + 1) as f64;
                }
                f
            })
            .collect()
    }

    fn basis(fs: &[Filter]) -> Basis {
        let mut m = Moments::default();
        for f in fs {
            m.add(&scale_filter(f));
        }
        Basis::from_moments(&m).unwrap()
    }

    #[test]
    fn coefficients_match_the_scalar_path_bit_for_bit() {
        for precision in [Precision::F64, Precision::F16] {
            scalar_path_at(precision);
        }
    }

    fn scalar_path_at(precision: Precision) {
        // 61 filters: full tiles and a partial one.
        let mut fs = filters(61, 3);
        precision.round_filters(&mut fs).unwrap();
        let b = basis(&fs);
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut h = Histograms::default();
        let (l2, h2) = coefficient_range(&b, &fs, precision);
        let rule = BinRule::new(l2, h2);
        for f in &fs {
            let c = b.project(&precision.scale(f));
            for v in c {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            assert!(h.add(&rule, &c));
        }
        assert_eq!((lo.to_bits(), hi.to_bits()), (l2.to_bits(), h2.to_bits()));
        assert_eq!(histograms_of(&b, &rule, &fs, precision).unwrap(), h);
        let half = BinRule::new(l2 / 2.0, h2 / 2.0);
        assert!(histograms_of(&b, &half, &fs, precision).is_none());
    }

    #[test]
    fn moments_match_one_running_sum() {
        let fs = filters(37, 5);
        let (raw, scaled, max) = moments_of(&fs, Precision::F64);
        let (mut r, mut s) = (Moments::default(), Moments::default());
        let mut m = 0.0f64;
        for f in &fs {
            r.add(f);
            s.add(&scale_filter(f));
            m = f.iter().fold(m, |a, v| a.max(v.abs()));
        }
        assert_eq!(max, m);
        for (a, b) in [(raw, r), (scaled, s)] {
            assert_eq!(a.n, b.n);
            assert_eq!((a.sum, a.sxx), (b.sum, b.sxx));
        }
        let (e, _, z) = moments_of(&[], Precision::F16);
        assert_eq!((e.n, z), (0, 0.0));
    }
}
