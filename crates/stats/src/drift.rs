//! Distribution drift between two groups of filters: the symmetric KL divergence of their
//! per-component coefficient distributions, weighted by each component's explained variance ratio.

use crate::{Histograms, DIM, EMPTY_BIN, N_BINS};

/// A group's distribution of component `i`: counts with empty bins set to float32 eps, normalised
/// to sum 1 (scipy.stats.entropy normalises the same way).
pub fn distribution(counts: &[u64]) -> Vec<f64> {
    let mut p: Vec<f64> = counts
        .iter()
        .map(|&c| if c == 0 { EMPTY_BIN } else { c as f64 })
        .collect();
    let s: f64 = p.iter().sum();
    for v in &mut p {
        *v /= s;
    }
    p
}

/// KL(P || Q) in nats for two distributions of equal length with no zero entries.
pub fn kl_divergence(p: &[f64], q: &[f64]) -> f64 {
    p.iter().zip(q).map(|(a, b)| a * (a / b).ln()).sum()
}

/// A group's 9 distributions and their logarithms, so that drift is a dot product.
#[derive(Debug, Clone)]
pub struct LogDist {
    p: Vec<f64>,
    ln_p: Vec<f64>,
}

impl LogDist {
    /// Distributions of a group's histograms.
    pub fn new(h: &Histograms) -> Self {
        let mut p = Vec::with_capacity(DIM * N_BINS);
        for i in 0..DIM {
            p.extend(distribution(h.component(i)));
        }
        // libm's log, not f64::ln (the platform's): the same bits in data-prep and the browser.
        let ln_p = p.iter().map(|&v| libm::log(v)).collect();
        Self { p, ln_p }
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
pub fn drift_per_component(a: &Histograms, b: &Histograms, evr: &[f64; DIM]) -> [f64; DIM] {
    let skl = LogDist::new(a).symmetric_kl(&LogDist::new(b));
    let mut out = [0.0; DIM];
    for i in 0..DIM {
        out[i] = evr[i] * skl[i];
    }
    out
}

/// D(P, Q) = sum_i evr_i * (KL(P_i||Q_i) + KL(Q_i||P_i)), natural log.
pub fn drift(a: &Histograms, b: &Histograms, evr: &[f64; DIM]) -> f64 {
    drift_per_component(a, b, evr).iter().sum()
}

/// The D matrix between groups: symmetric, zero diagonal, each entry bit-identical to [`drift`]
/// of the pair (on every platform: no fused or reordered arithmetic that native and wasm32 could
/// round differently).
///
/// Each group's distributions and logarithms are computed once ([`LogDist`]), so an entry is one
/// pass over 4 x 630 numbers; pairs are visited in tiles of [`TILE`] x [`TILE`] groups so both
/// tiles' 10 KB rows stay in cache instead of streaming all groups again for every row.
pub fn drift_matrix(groups: &[Histograms], evr: &[f64; DIM]) -> Vec<Vec<f64>> {
    let logs: Vec<LogDist> = groups.iter().map(LogDist::new).collect();
    let n = groups.len();
    let mut d = vec![vec![0.0; n]; n];
    for i0 in (0..n).step_by(TILE) {
        for j0 in (i0..n).step_by(TILE) {
            for i in i0..(i0 + TILE).min(n) {
                for j in j0.max(i + 1)..(j0 + TILE).min(n) {
                    let skl = logs[i].symmetric_kl(&logs[j]);
                    let v: f64 = skl.iter().zip(evr).map(|(s, e)| s * e).sum();
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
    use crate::BinRule;

    fn hist(values: &[f64]) -> Histograms {
        let rule = BinRule::new(-1.0, 1.0);
        let mut h = Histograms::default();
        for &v in values {
            assert!(h.add(&rule, &[v; DIM]));
        }
        h
    }

    #[test]
    fn distribution_fills_empty_bins_with_eps() {
        let mut counts = vec![0u64; N_BINS];
        counts[3] = 4;
        let p = distribution(&counts);
        let s = 4.0 + 69.0 * EMPTY_BIN;
        assert_eq!(p[3], 4.0 / s);
        assert_eq!(p[0], EMPTY_BIN / s);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn drift_is_kl_both_ways() {
        let a = hist(&[0.1, 0.2, 0.2, -0.5]);
        let b = hist(&[0.1, 0.9, -0.9]);
        let mut evr = [0.0; DIM];
        evr[0] = 0.7;
        evr[4] = 0.3;
        let pa = distribution(a.component(0));
        let pb = distribution(b.component(0));
        let expect = (0.7 + 0.3) * (kl_divergence(&pa, &pb) + kl_divergence(&pb, &pa));
        let got = drift(&a, &b, &evr);
        assert!((got - expect).abs() < 1e-12 * expect, "{got} vs {expect}");
        assert_eq!(drift(&a, &a, &evr), 0.0);
        assert_eq!(drift(&a, &b, &evr), drift(&b, &a, &evr));
        let m = drift_matrix(&[a.clone(), b.clone(), a.clone()], &evr);
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
        let m = drift_matrix(&groups, &evr);
        for i in 0..groups.len() {
            assert_eq!(m[i][i], 0.0);
            for j in 0..groups.len() {
                if i != j {
                    assert_eq!(m[i][j], drift(&groups[i], &groups[j], &evr), "{i},{j}");
                }
            }
        }
    }
}
