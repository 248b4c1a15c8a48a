//! Per-layer quality on raw weights, as torchconvquality measures it: sparsity, variance entropy
//! (and its ratio to the randomness threshold), the degenerated flag, and orthogonality.

use nalgebra::{SMatrix, SymmetricEigen};

use crate::{Filter, Moments, Sketch, DIM};

/// Quality of one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerQuality {
    /// Number of filters (out x in).
    pub n: u64,
    /// Filters whose 9 |w| are all below max|W| * [`SPARSITY_EPS`](crate::SPARSITY_EPS).
    pub n_sparse: u64,
    /// n_sparse / n.
    pub sparsity: f64,
    /// Entropy (base 10) of the normalised covariance eigenvalues; at most log10 9.
    pub variance_entropy: f64,
    /// variance_entropy / [`entropy_threshold`]\(n).
    pub entropy_ratio: f64,
    /// See [`is_degenerated`].
    pub degenerated: bool,
    /// 1 - mean |off-identity| of the normalised out-channel Gram matrix; `None` with one out channel.
    pub orthogonality: Option<f64>,
}

impl LayerQuality {
    /// Measures a layer from its raw filters, in (out, in) order, its out-channel count and its
    /// sketch ([`Sketch::of_layer`] of the same filters).
    pub fn measure(filters: &[Filter], out_channels: usize, sketch: &Sketch) -> Self {
        let n = filters.len() as u64;
        let n_sparse = sketch.n_sparse;
        let h = variance_entropy(&sketch.raw);
        // The same share the site reader derives from a decoded sketch.
        let sparsity = sketch.sparsity();
        Self {
            n,
            n_sparse,
            sparsity,
            variance_entropy: h,
            entropy_ratio: h / entropy_threshold(n),
            degenerated: is_degenerated(h, n, sparsity),
            orthogonality: orthogonality(filters, out_channels),
        }
    }
}

/// Entropy (base 10) of the covariance eigenvalues normalised to sum 1. Zero variance (or fewer
/// than two filters) gives 0, and 0 log 0 is taken as 0.
pub fn variance_entropy(raw: &Moments) -> f64 {
    let Some(cov) = raw.covariance() else {
        return 0.0;
    };
    let mat = SMatrix::<f64, DIM, DIM>::from_fn(|i, j| cov[i][j]);
    let eig = SymmetricEigen::new(mat).eigenvalues;
    let vals: Vec<f64> = eig.iter().map(|v| v.max(0.0)).collect();
    let total: f64 = vals.iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return 0.0;
    }
    -vals
        .iter()
        .map(|v| v / total)
        .filter(|&p| p > 0.0)
        .map(|p| p * p.log10())
        .sum::<f64>()
}

/// The randomness threshold TH(n) of variance entropy for a layer of n filters (a logistic fit).
pub fn entropy_threshold(n: u64) -> f64 {
    let (l, x0, k, b) = (1.2618047, 2.30436435, 0.88767525, -0.31050834);
    l / (1.0 + (-k * ((n as f64).log2() - x0)).exp()) + b
}

/// A layer is degenerated when its entropy is near random (H >= TH(n) - 0.02) or when it is low
/// and many filters are sparse (H < 0.5 and S >= 0.14).
pub fn is_degenerated(h: f64, n: u64, sparsity: f64) -> bool {
    h >= entropy_threshold(n) - 0.02 || (h < 0.5 && sparsity >= 0.14)
}

/// Out-channel rows per block of the Gram matrix: a 512-channel layer computes 36 of 64 blocks.
/// Smaller blocks skip more of the product but re-pack W for every block (16 rows: packing cost
/// more than the multiplication in a 50M-filter profile).
const GRAM_BLOCK: usize = 64;

/// 1 - sum|W W^T - I| / (n(n-1)) over the L2-normalised out-channel rows of W reshaped to
/// (out, in*9); zero rows stay zero. `None` when there are fewer than two out channels or the
/// filters do not split evenly into them.
pub fn orthogonality(filters: &[Filter], out_channels: usize) -> Option<f64> {
    if out_channels < 2 || filters.is_empty() || filters.len() % out_channels != 0 {
        return None;
    }
    let m = filters.len() / out_channels * DIM;
    // W row-major (out, in*9), each row L2-normalised in place (zero rows stay zero).
    let mut w: Vec<f64> = filters.iter().flatten().copied().collect();
    for row in w.chunks_exact_mut(m) {
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm != 0.0 {
            row.iter_mut().for_each(|v| *v /= norm);
        }
    }
    // W W^T by a blocked, SIMD GEMM: large layers (512 x 4608) are most of a build's arithmetic,
    // and a dot product per pair was several times slower. W W^T is symmetric, so only the
    // blocks on and above the diagonal are computed and those above count twice: half the work
    // of the full product for wide layers.
    let n = out_channels;
    let mut block = vec![0.0; GRAM_BLOCK * GRAM_BLOCK];
    let mut total = 0.0;
    for i0 in (0..n).step_by(GRAM_BLOCK) {
        let rows = GRAM_BLOCK.min(n - i0);
        for j0 in (i0..n).step_by(GRAM_BLOCK) {
            let cols = GRAM_BLOCK.min(n - j0);
            // SAFETY: rows i0.. and j0.. of `w` (n x m, row stride m) are read as A (rows x m)
            // and, transposed, as B (m x cols, column stride m); `block` holds rows x cols values
            // written with row stride cols. All extents are in bounds and nothing aliases.
            unsafe {
                matrixmultiply::dgemm(
                    rows,
                    m,
                    cols,
                    1.0,
                    w.as_ptr().add(i0 * m),
                    m as isize,
                    1,
                    w.as_ptr().add(j0 * m),
                    1,
                    m as isize,
                    0.0,
                    block.as_mut_ptr(),
                    cols as isize,
                    1,
                );
            }
            let mut sum = 0.0;
            for i in 0..rows {
                for j in 0..cols {
                    let target = if i0 + i == j0 + j { 1.0 } else { 0.0 };
                    sum += (block[i * cols + j] - target).abs();
                }
            }
            total += if j0 == i0 { sum } else { 2.0 * sum };
        }
    }
    Some(1.0 - total / (n * (n - 1)) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sparsity_count;

    #[test]
    fn threshold_matches_the_logistic_fit() {
        // 1.2618047/(1+exp(-0.88767525*(log2(64)-2.30436435))) - 0.31050834
        let expect = 1.2618047 / (1.0 + (-0.88767525f64 * (6.0 - 2.30436435)).exp()) - 0.31050834;
        assert_eq!(entropy_threshold(64), expect);
        assert!(entropy_threshold(1 << 20) < 9f64.log10());
    }

    #[test]
    fn isotropic_layer_has_max_entropy() {
        let mut m = Moments::default();
        for i in 0..DIM {
            for s in [1.0, -1.0] {
                let mut x = [0.0; DIM];
                x[i] = s;
                m.add(&x);
            }
        }
        assert!((variance_entropy(&m) - 9f64.log10()).abs() < 1e-12);
    }

    #[test]
    fn sparsity_uses_strict_threshold() {
        let mut f = vec![[0.0; DIM]; 4];
        f[0][0] = 10.0;
        f[1][0] = 0.1; // exactly max/100: not sparse
        f[2][0] = 0.099;
        assert_eq!(sparsity_count(&f, 10.0), 2);
        assert_eq!(sparsity_count(&[[0.0; DIM]], 0.0), 1);
    }

    #[test]
    fn orthogonal_rows_score_one() {
        // Two out channels, one in channel: rows e0 and e1.
        let mut f = vec![[0.0; DIM]; 2];
        f[0][0] = 3.0;
        f[1][1] = -2.0;
        assert_eq!(orthogonality(&f, 2), Some(1.0));
        // Identical rows: |1| off the diagonal twice over n(n-1) = 2 -> 0.
        let g = vec![[1.0; DIM]; 2];
        assert!(orthogonality(&g, 2).unwrap().abs() < 1e-12);
        assert_eq!(orthogonality(&g, 1), None);
    }

    #[test]
    fn measure_combines_the_parts() {
        let mut f = vec![[0.0; DIM]; 8];
        for (i, x) in f.iter_mut().enumerate() {
            x[i % DIM] = 1.0 + i as f64;
        }
        f[7] = [0.001; DIM];
        let s = Sketch::of_layer(&f, crate::Precision::F64);
        let q = LayerQuality::measure(&f, 4, &s);
        assert_eq!(q.n, 8);
        assert_eq!(q.n_sparse, 1);
        assert_eq!(q.sparsity, 0.125);
        assert_eq!(q.variance_entropy, variance_entropy(&s.raw));
        assert_eq!(q.entropy_ratio, q.variance_entropy / entropy_threshold(8));
        assert_eq!(q.orthogonality, orthogonality(&f, 4));
        assert_eq!(s.max_abs, 7.0);
        assert_eq!(s.scaled.n, 8);
    }

    #[test]
    fn degenerated_rules() {
        assert!(is_degenerated(0.4, 64, 0.2));
        assert!(!is_degenerated(0.4, 64, 0.1));
        assert!(is_degenerated(entropy_threshold(64) - 0.01, 64, 0.0));
    }

    #[test]
    fn blocked_gram_equals_every_pair() {
        // 40 out channels: blocks on and off the diagonal, and a partial last block.
        let mut rng = crate::SplitMix64::new(4);
        let (out, inn) = (40, 3);
        let f: Vec<Filter> = (0..out * inn)
            .map(|_| {
                let mut x = [0.0; DIM];
                for v in &mut x {
                    *v = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.3;
                }
                x
            })
            .collect();
        let rows: Vec<Vec<f64>> = f
            .chunks(inn)
            .map(|r| {
                let v: Vec<f64> = r.iter().flatten().copied().collect();
                let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
                v.iter().map(|x| x / norm).collect()
            })
            .collect();
        let mut total = 0.0;
        for i in 0..out {
            for j in 0..out {
                let dot: f64 = rows[i].iter().zip(&rows[j]).map(|(a, b)| a * b).sum();
                total += (dot - if i == j { 1.0 } else { 0.0 }).abs();
            }
        }
        let want = 1.0 - total / (out * (out - 1)) as f64;
        let got = orthogonality(&f, out).unwrap();
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
}
