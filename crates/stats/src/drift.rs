//! Distribution drift between two groups of filters: the symmetric KL divergence of their
//! per-component coefficient distributions, weighted by each component's explained variance ratio.
//!
//! A group's distribution follows the reference notebook's `get_discrete_probability_distribution`
//! step by step: `numpy.histogram(..., density=True)` (counts divided by the bin width and by the
//! group's count), empty bins set to float32 eps *in those density units*, then normalised to sum
//! 1. Setting eps on raw counts instead gives other D values wherever a group leaves bins empty.

use crate::{BinRule, Histograms, DIM, EMPTY_BIN, N_BINS};

/// A group's distribution of one component from its histogram counts over `rule`'s bins,
/// bit-identical to the notebook's `get_discrete_probability_distribution`: density values
/// `count / width / n` (numpy's `n / db / n.sum()`, with `db` the differences of the edges), empty
/// bins set to [`EMPTY_BIN`], divided by their sum (numpy's pairwise summation).
///
/// A group with no filters has no density; numpy's 0/0 would make it NaN everywhere, and so does
/// this.
///
/// ```
/// use filterscope_stats::{distribution, BinRule, N_BINS};
/// let rule = BinRule::new(-1.0, 1.0);
/// let mut counts = vec![0u64; N_BINS];
/// counts[10] = 3;
/// counts[20] = 1;
/// let p = distribution(&counts, &rule);
/// assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-14);
/// assert!(p[10] > 0.74 && p[10] < 0.75 && p[0] > 0.0);
/// ```
pub fn distribution(counts: &[u64], rule: &BinRule) -> Vec<f64> {
    let values: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    distribution_of(&values, rule)
}

/// [`distribution`] of weighted counts (numpy's `histogram(..., weights=w, density=True)`): the
/// same density, eps and normalisation. Whole-number values give [`distribution`]'s bits (their
/// sum is exact below 2^53), so weighting by filters and by models share one path.
///
/// ```
/// use filterscope_stats::{distribution, distribution_of, BinRule, N_BINS};
/// let rule = BinRule::new(-1.0, 1.0);
/// let mut counts = vec![0u64; N_BINS];
/// counts[10] = 3;
/// counts[11] = 1;
/// let whole: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
/// assert_eq!(distribution_of(&whole, &rule), distribution(&counts, &rule));
/// // Any scale of the same counts is the same distribution (up to rounding).
/// let quarter: Vec<f64> = whole.iter().map(|c| c / 4.0).collect();
/// assert!((distribution_of(&quarter, &rule)[10] - distribution(&counts, &rule)[10]).abs() < 1e-15);
/// ```
pub fn distribution_of(values: &[f64], rule: &BinRule) -> Vec<f64> {
    assert_eq!(values.len(), rule.bins(), "one value per bin");
    let n = values.iter().fold(0.0, |s, v| s + v);
    let edges = rule.edges();
    let mut p: Vec<f64> = values
        .iter()
        .zip(edges.windows(2))
        .map(|(&c, e)| {
            let density = c / (e[1] - e[0]) / n;
            if density == 0.0 {
                EMPTY_BIN
            } else {
                density
            }
        })
        .collect();
    let s = numpy_sum(&p);
    for v in &mut p {
        *v /= s;
    }
    p
}

/// numpy's sum of a contiguous float64 array of at most 128 values (its pairwise summation's
/// leaf: eight running sums combined as a tree, the remainder added in order).
fn numpy_sum(a: &[f64]) -> f64 {
    debug_assert!(a.len() <= 128, "numpy splits longer arrays in halves first");
    if a.len() < 8 {
        return a.iter().fold(0.0, |s, v| s + v);
    }
    let mut r = [0.0; 8];
    r.copy_from_slice(&a[..8]);
    let whole = a.len() - a.len() % 8;
    for block in a[8..whole].chunks_exact(8) {
        for (r, v) in r.iter_mut().zip(block) {
            *r += v;
        }
    }
    let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for v in &a[whole..] {
        s += v;
    }
    s
}

/// A group's 9 distributions and their logarithms, so that drift is a dot product.
#[derive(Debug, Clone)]
pub struct LogDist {
    p: Vec<f64>,
    ln_p: Vec<f64>,
}

impl LogDist {
    /// Distributions of a group's histograms over `rule`'s bins.
    pub fn new(h: &Histograms, rule: &BinRule) -> Self {
        let mut p = Vec::with_capacity(DIM * N_BINS);
        for i in 0..DIM {
            p.extend(distribution(h.component(i), rule));
        }
        Self::of_distributions(p)
    }

    /// Distributions of weighted histogram values (9 x [`N_BINS`], component-major): see
    /// [`distribution_of`]. Whole-number values give [`LogDist::new`]'s bits.
    pub fn of_values(values: &[f64], rule: &BinRule) -> Self {
        assert_eq!(values.len(), DIM * N_BINS, "9 components of N_BINS values");
        let mut p = Vec::with_capacity(DIM * N_BINS);
        for c in values.chunks_exact(N_BINS) {
            p.extend(distribution_of(c, rule));
        }
        Self::of_distributions(p)
    }

    fn of_distributions(p: Vec<f64>) -> Self {
        // libm's log, not f64::ln (the platform's): the same bits in data-prep and the browser.
        let ln_p = p.iter().map(|&v| libm::log(v)).collect();
        Self { p, ln_p }
    }

    /// D to `other`: the per-component symmetric KL weighted by `evr`, summed as
    /// [`drift_matrix`] sums it.
    pub fn drift_to(&self, other: &LogDist, evr: &[f64; DIM]) -> f64 {
        self.symmetric_kl(other)
            .iter()
            .zip(evr)
            .map(|(s, e)| s * e)
            .sum()
    }

    /// KL(P_i||Q_i) + KL(Q_i||P_i) = sum (p - q)(ln p - ln q) for each component i. Written this
    /// way the result is exactly symmetric and exactly 0 for identical groups.
    pub fn symmetric_kl(&self, other: &LogDist) -> [f64; DIM] {
        let mut out = [0.0; DIM];
        for (i, o) in out.iter_mut().enumerate() {
            let r = i * N_BINS..(i + 1) * N_BINS;
            *o = self.p[r.clone()]
                .iter()
                .zip(&other.p[r.clone()])
                .zip(self.ln_p[r.clone()].iter().zip(&other.ln_p[r]))
                .map(|((p, q), (lp, lq))| (p - q) * (lp - lq))
                .sum();
        }
        out
    }
}

/// Per-component terms evr_i * (KL(P_i||Q_i) + KL(Q_i||P_i)); their sum is [`drift`].
pub fn drift_per_component(
    a: &Histograms,
    b: &Histograms,
    evr: &[f64; DIM],
    rule: &BinRule,
) -> [f64; DIM] {
    let skl = LogDist::new(a, rule).symmetric_kl(&LogDist::new(b, rule));
    let mut out = [0.0; DIM];
    for i in 0..DIM {
        out[i] = evr[i] * skl[i];
    }
    out
}

/// D(P, Q) = sum_i evr_i * (KL(P_i||Q_i) + KL(Q_i||P_i)), natural log, over `rule`'s bins (the
/// site's global coefficient range).
pub fn drift(a: &Histograms, b: &Histograms, evr: &[f64; DIM], rule: &BinRule) -> f64 {
    drift_per_component(a, b, evr, rule).iter().sum()
}

/// The D matrix between groups: symmetric, zero diagonal, each entry bit-identical to [`drift`]
/// of the pair (on every platform: no fused or reordered arithmetic that native and wasm32 could
/// round differently).
///
/// Each group's distributions and logarithms are computed once ([`LogDist`]), so an entry is one
/// pass over 4 x 630 numbers; pairs are visited in tiles of [`TILE`] x [`TILE`] groups so both
/// tiles' 10 KB rows stay in cache instead of streaming all groups again for every row.
///
/// ```
/// use filterscope_stats::{drift, drift_matrix, BinRule, Histograms, DIM};
///
/// let rule = BinRule::new(-1.0, 1.0);
/// let group = |values: &[f64]| {
///     let mut h = Histograms::default();
///     for &v in values {
///         assert!(h.add(&rule, &[v; DIM]));
///     }
///     h
/// };
/// let groups = [group(&[0.1, 0.2, 0.3]), group(&[-0.5, 0.9]), group(&[0.1, 0.2, 0.3])];
/// let evr = [0.4, 0.2, 0.1, 0.1, 0.05, 0.05, 0.04, 0.03, 0.03];
/// let d = drift_matrix(&groups, &evr, &rule);
/// assert_eq!(d[0][1], drift(&groups[0], &groups[1], &evr, &rule));
/// assert_eq!(d[0][1], d[1][0]);
/// assert_eq!(d[0][2], 0.0); // identical groups
/// assert!(d[0][1] > 1.0);
/// ```
pub fn drift_matrix(groups: &[Histograms], evr: &[f64; DIM], rule: &BinRule) -> Vec<Vec<f64>> {
    let logs: Vec<LogDist> = groups.iter().map(|g| LogDist::new(g, rule)).collect();
    drift_matrix_of(&logs, evr)
}

/// [`drift_matrix`] of groups whose distributions are computed already (weighted groups,
/// resampled groups).
pub fn drift_matrix_of(logs: &[LogDist], evr: &[f64; DIM]) -> Vec<Vec<f64>> {
    let n = logs.len();
    let mut d = vec![vec![0.0; n]; n];
    for i0 in (0..n).step_by(TILE) {
        for j0 in (i0..n).step_by(TILE) {
            for i in i0..(i0 + TILE).min(n) {
                for j in j0.max(i + 1)..(j0 + TILE).min(n) {
                    let v = logs[i].drift_to(&logs[j], evr);
                    d[i][j] = v;
                    d[j][i] = v;
                }
            }
        }
    }
    d
}

/// Groups per side of a tile of the D matrix: 2 x 32 groups x 10 KB fit in a core's L2.
const TILE: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> BinRule {
        BinRule::new(-1.0, 1.0)
    }

    fn hist(values: &[f64]) -> Histograms {
        let mut h = Histograms::default();
        for &v in values {
            assert!(h.add(&rule(), &[v; DIM]));
        }
        h
    }

    /// KL(P || Q) in nats, the textbook form scipy.stats.entropy computes.
    fn kl(p: &[f64], q: &[f64]) -> f64 {
        p.iter().zip(q).map(|(a, b)| a * (a / b).ln()).sum()
    }

    #[test]
    fn distribution_sets_eps_in_density_units() {
        let mut counts = vec![0u64; N_BINS];
        counts[3] = 4;
        let p = distribution(&counts, &rule());
        // One filled bin of width 2/70 holding all 4: density 35, then 69 eps, then normalised.
        let w = 2.0 / 70.0;
        let s = 1.0 / w + 69.0 * EMPTY_BIN;
        assert!((p[3] - (1.0 / w) / s).abs() < 1e-15);
        assert!((p[0] - EMPTY_BIN / s).abs() < 1e-22);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        // Counts-based eps (4 + 69 eps) would weigh an empty bin 35/4 times as much.
        let counts_based = EMPTY_BIN / (4.0 + 69.0 * EMPTY_BIN);
        assert!(counts_based / p[0] > 8.7);
    }

    #[test]
    fn numpy_sum_follows_the_pairwise_leaf() {
        // Values whose sum depends on the order: the tree of eight sums keeps the small ones.
        let mut a = vec![1e-17; 70];
        a[0] = 1.0;
        let sequential = a.iter().fold(0.0, |s, v| s + v);
        assert_eq!(sequential, 1.0);
        assert!(numpy_sum(&a) > 1.0);
        assert_eq!(numpy_sum(&[1.0, 2.0, 3.0]), 6.0);
    }

    #[test]
    fn drift_is_kl_both_ways() {
        let a = hist(&[0.1, 0.2, 0.2, -0.5]);
        let b = hist(&[0.1, 0.9, -0.9]);
        let mut evr = [0.0; DIM];
        evr[0] = 0.7;
        evr[4] = 0.3;
        let r = rule();
        let pa = distribution(a.component(0), &r);
        let pb = distribution(b.component(0), &r);
        let expect = (0.7 + 0.3) * (kl(&pa, &pb) + kl(&pb, &pa));
        let got = drift(&a, &b, &evr, &r);
        assert!((got - expect).abs() < 1e-12 * expect, "{got} vs {expect}");
        assert_eq!(drift(&a, &a, &evr, &r), 0.0);
        assert_eq!(drift(&a, &b, &evr, &r), drift(&b, &a, &evr, &r));
        let m = drift_matrix(&[a.clone(), b.clone(), a.clone()], &evr, &r);
        assert!(
            (m[0][1] - got).abs() < 1e-14 * got.max(1.0),
            "{} vs {got}",
            m[0][1]
        );
        assert_eq!(m[1][0], m[0][1]);
        assert_eq!(m[0][0], 0.0);
        assert!(
            m[0][2] >= 0.0 && m[0][2] < 1e-14,
            "identical groups: {}",
            m[0][2]
        );
    }

    #[test]
    fn matrix_tiles_cover_every_pair_exactly() {
        let mut rng = crate::SplitMix64::new(9);
        let groups: Vec<Histograms> = (0..TILE + 7)
            .map(|g| {
                let values: Vec<f64> = (0..20 + g)
                    .map(|_| (rng.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0)
                    .collect();
                hist(&values)
            })
            .collect();
        let evr = [0.3, 0.2, 0.15, 0.1, 0.08, 0.07, 0.05, 0.03, 0.02];
        let r = rule();
        let m = drift_matrix(&groups, &evr, &r);
        for i in 0..groups.len() {
            assert_eq!(m[i][i], 0.0);
            for j in 0..groups.len() {
                if i != j {
                    assert_eq!(m[i][j], drift(&groups[i], &groups[j], &evr, &r), "{i},{j}");
                }
            }
        }
    }
}
