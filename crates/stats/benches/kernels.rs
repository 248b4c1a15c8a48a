//! The inner loops of a build and of the browser's heatmap (D and its cluster order), one core each:
//! `cargo bench -p filterscope-stats --bench kernels`.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use filterscope_stats::{
    average_linkage, coefficient_range, drift_matrix, histograms_of, leaf_order, moments_of, Basis,
    BinRule, Filter, Histograms, Moments, Precision, SplitMix64,
};

fn filters(n: usize) -> Vec<Filter> {
    let mut rng = SplitMix64::new(11);
    (0..n)
        .map(|_| {
            let mut f = [0.0; 9];
            for v in &mut f {
                *v = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            }
            f
        })
        .collect()
}

fn build_kernels(c: &mut Criterion) {
    let fs = filters(1 << 16);
    let (_, scaled, _) = moments_of(&fs, Precision::F64);
    let basis = Basis::from_moments(&scaled).unwrap();
    let (lo, hi) = coefficient_range(&basis, &fs, Precision::F64);
    let rule = BinRule::new(lo, hi);
    let mut g = c.benchmark_group("per filter");
    g.throughput(Throughput::Elements(fs.len() as u64));
    g.bench_function("moments_of (pass 1)", |b| {
        b.iter(|| moments_of(&fs, Precision::F64))
    });
    g.bench_function("Moments::add, one running sum", |b| {
        b.iter(|| {
            let mut m = Moments::default();
            for f in &fs {
                m.add(f);
            }
            m
        })
    });
    g.bench_function("coefficient_range (pass 2)", |b| {
        b.iter(|| coefficient_range(&basis, &fs, Precision::F64))
    });
    g.bench_function("histograms_of (pass 3)", |b| {
        b.iter(|| histograms_of(&basis, &rule, &fs, Precision::F64))
    });
    g.finish();
}

fn heatmap(c: &mut Criterion) {
    let mut rng = SplitMix64::new(5);
    let mut g = c.benchmark_group("drift_matrix");
    g.sample_size(10);
    for n in [11usize, 647] {
        let groups: Vec<Histograms> = (0..n)
            .map(|_| {
                let mut h = Histograms::default();
                let rule = BinRule::new(-1.0, 1.0);
                for _ in 0..2000 {
                    let mut c = [0.0; 9];
                    for v in &mut c {
                        *v = (rng.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0;
                        *v *= v.abs();
                    }
                    h.add(&rule, &c);
                }
                h
            })
            .collect();
        let evr = [0.3, 0.2, 0.15, 0.1, 0.08, 0.07, 0.05, 0.03, 0.02];
        let rule = BinRule::new(-1.0, 1.0);
        g.bench_with_input(BenchmarkId::from_parameter(n), &groups, |b, gs| {
            b.iter(|| drift_matrix(gs, &evr, &rule))
        });
        // The cluster order of the same matrix: linkage and leaves, as the worker computes them.
        let d = drift_matrix(&groups, &evr, &rule);
        g.bench_with_input(BenchmarkId::new("cluster order", n), &d, |b, d| {
            b.iter(|| leaf_order(&average_linkage(d), d.len()))
        });
    }
    g.finish();
}

criterion_group!(benches, build_kernels, heatmap);
criterion_main!(benches);
