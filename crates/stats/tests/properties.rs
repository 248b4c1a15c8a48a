//! Properties of the science core: merging is exact for counts and associative for sums, drift is a
//! symmetric divergence, and binning follows numpy's edges on every value.

use filterscope_stats::{drift, drift_matrix, BinRule, Histograms, Precision, Sketch, DIM, N_BINS};
use proptest::prelude::*;

fn filters() -> impl Strategy<Value = Vec<[f64; 9]>> {
    prop::collection::vec(prop::array::uniform9(-2.0f64..2.0), 1..40)
}

fn sketch(fs: &[[f64; 9]], rule: &BinRule) -> Sketch {
    let mut s = Sketch::of_layer(fs, Precision::F64);
    for f in fs {
        // Bin the scaled filter itself (a basis is not needed for merge properties).
        let scaled = filterscope_stats::scale_filter(f);
        assert!(s.hist.add(rule, &scaled));
    }
    s
}

proptest! {
    #[test]
    fn merge_is_associative_and_counts_add(a in filters(), b in filters(), c in filters()) {
        let rule = BinRule::new(-1.0, 1.0);
        let (sa, sb, sc) = (sketch(&a, &rule), sketch(&b, &rule), sketch(&c, &rule));
        let mut left = sa.clone();
        left.merge(&sb);
        left.merge(&sc);
        let mut bc = sb.clone();
        bc.merge(&sc);
        let mut right = sa.clone();
        right.merge(&bc);
        prop_assert_eq!(&left.hist, &right.hist);
        prop_assert_eq!(left.n(), (a.len() + b.len() + c.len()) as u64);
        prop_assert_eq!(left.max_abs, right.max_abs);
        prop_assert_eq!(left.n_sparse, right.n_sparse);
        for (x, y) in left.scaled.sxx.iter().zip(&right.scaled.sxx) {
            prop_assert!((x - y).abs() <= 1e-12 * (1.0 + x.abs()));
        }
        // The merged sketch equals the sketch of the concatenated filters, up to rounding.
        let all: Vec<_> = a.iter().chain(&b).chain(&c).copied().collect();
        let whole = sketch(&all, &rule);
        prop_assert_eq!(&whole.hist, &left.hist);
        for (x, y) in whole.raw.sum.iter().zip(&left.raw.sum) {
            prop_assert!((x - y).abs() <= 1e-12 * (1.0 + x.abs()));
        }
    }

    #[test]
    fn drift_is_symmetric_nonnegative_and_zero_on_diagonal(
        a in filters(), b in filters(), c in filters(),
        evr in prop::array::uniform9(0.0f64..1.0),
    ) {
        let rule = BinRule::new(-1.0, 1.0);
        let hs: Vec<Histograms> = [a, b, c].iter().map(|f| sketch(f, &rule).hist).collect();
        let d = drift_matrix(&hs, &evr, &rule);
        for i in 0..3 {
            prop_assert_eq!(d[i][i], 0.0);
            for j in 0..3 {
                prop_assert_eq!(d[i][j], d[j][i]);
                prop_assert!(d[i][j] >= 0.0);
                let direct = drift(&hs[i], &hs[j], &evr, &rule);
                prop_assert!((direct - d[i][j]).abs() <= 1e-12 * (1.0 + direct));
            }
        }
    }

    #[test]
    fn binning_follows_the_edges(lo in -5.0f64..5.0, width in 1e-6f64..10.0, t in 0.0f64..=1.0, k in 0usize..=N_BINS) {
        let hi = lo + width;
        let rule = BinRule::new(lo, hi);
        let e = rule.edges();
        // An arbitrary value inside, and each edge exactly.
        for v in [lo + t * (hi - lo), e[k]] {
            if let Some(b) = rule.bin(v) {
                prop_assert!(e[b] <= v, "{} below its bin's left edge {}", v, e[b]);
                prop_assert!(v < e[b + 1] || (b == N_BINS - 1 && v <= e[b + 1]));
            } else {
                prop_assert!(v < lo || v > hi);
            }
        }
        prop_assert_eq!(rule.bin(hi), Some(N_BINS - 1));
        prop_assert_eq!(rule.bin(lo), Some(0));
        if k < N_BINS {
            prop_assert_eq!(rule.bin(e[k]), Some(k));
        }
    }
}

#[test]
fn histograms_hold_nine_components() {
    let h = Histograms::default();
    assert_eq!(h.counts().len(), DIM * N_BINS);
}
