//! The three passes of a build (see [`crate::build`]): what each computes per part of a layer
//! and per layer, and how their results combine into the site content.

use filterscope_site::{LayerSketch, SampleRow, SiteContent};
use filterscope_stats::{
    check_finite, coefficient_range, histograms_of, moments_of, sample_indices, seed_of,
    sparsity_count, Basis, BinRule, Filter, Histograms, LayerQuality, Moments, Sketch, StatsError,
};

use super::engine::{pass, work, FilterSource, Options, PassTiming, Plan};
use crate::PrepError;

/// Builds the site content from a plan and its filters, also returning how long each pass took.
pub fn build_timed(
    plan: &Plan,
    source: &dyn FilterSource,
    opts: &Options,
) -> Result<(SiteContent, Vec<PassTiming>), PrepError> {
    let (first, t1) = moments(plan, source, opts)?;
    let basis = global_basis(source, &first)?;
    let (rule, t2) = range(plan, source, opts, &basis)?;
    let (third, t3) = histograms(plan, source, opts, &basis, &rule)?;
    let mut sketches = first;
    let mut samples = Vec::new();
    for (s, (hist, rows)) in sketches.iter_mut().zip(third) {
        s.sketch.hist = hist;
        samples.extend(rows);
    }
    let content = SiteContent {
        producer: format!("data-prep {}", env!("CARGO_PKG_VERSION")),
        source: plan.source.clone(),
        // The caller names the data (data-prep build's flags and defaults).
        provenance: Default::default(),
        models: plan.models.clone(),
        model_columns: plan.model_columns.clone(),
        layers: plan.layers.clone(),
        layer_columns: plan.layer_columns.clone(),
        sketches,
        samples,
        basis,
        coef_range: [rule.lo, rule.hi],
        precision: opts.precision,
        label_rules: plan.label_rules.clone(),
        corrections: plan.corrections.clone(),
        sample_per_layer: opts.sample_per_layer,
        sample_seed: opts.seed,
    };
    Ok((content, vec![t1, t2, t3]))
}

/// Pass 1: per layer, the moments of the raw and scaled filters, max |w|, sparsity and quality.
fn moments(
    plan: &Plan,
    source: &dyn FilterSource,
    opts: &Options,
) -> Result<(Vec<LayerSketch>, PassTiming), PrepError> {
    let finite = |i: usize, offset: usize, fs: &[Filter]| {
        check_finite(fs).map_err(|e| match e {
            StatsError::NotFinite {
                filter,
                index,
                value,
            } => {
                let (path, place) = source.locate(i, offset + filter);
                PrepError::invalid(
                    path,
                    place,
                    format!("weight {index} is {value}; every weight must be finite"),
                )
            }
            other => PrepError::invalid(source.locate(i, 0).0, "filters", other.to_string()),
        })
    };
    let moments = work(
        |i, offset, fs| {
            let m = moments_of(fs, opts.precision);
            // A NaN or infinite weight makes its column sum non-finite: only then look for it
            // (a second sweep over the part) to name it.
            if !m.0.sum.iter().all(|v| v.is_finite()) {
                finite(i, offset, fs)?;
            }
            Ok(m)
        },
        |i, parts, fs| {
            let layer = &plan.layers[i];
            let mut sketch = Sketch::default();
            for (raw, scaled, max_abs) in &parts {
                sketch.raw.merge(raw);
                sketch.scaled.merge(scaled);
                sketch.max_abs = sketch.max_abs.max(*max_abs);
            }
            sketch.n_sparse = sparsity_count(fs, sketch.max_abs);
            // Orthogonality reshapes the layer to (out, in*9); it is defined only when the layer's
            // filters are exactly out x in.
            let fits = layer.out_channels > 0
                && (layer.out_channels * layer.in_channels) as u64 == layer.n_filters;
            let quality = LayerQuality::measure(
                fs,
                if fits { layer.out_channels as usize } else { 0 },
                &sketch,
            );
            Ok(LayerSketch { sketch, quality })
        },
    );
    pass(plan, source, opts, "1/3 moments", moments)
}

/// The PCA basis of every scaled filter, from the layers' merged moments.
fn global_basis(source: &dyn FilterSource, layers: &[LayerSketch]) -> Result<Basis, PrepError> {
    let mut global = Moments::default();
    for s in layers {
        global.merge(&s.sketch.scaled);
    }
    Basis::from_moments(&global).map_err(|e| {
        PrepError::invalid(
            source.locate(0, 0).0,
            "filters",
            format!("cannot fit the PCA basis: {e}"),
        )
    })
}

/// Pass 2: the global range of every coefficient, as the bins of the histograms.
fn range(
    plan: &Plan,
    source: &dyn FilterSource,
    opts: &Options,
    basis: &Basis,
) -> Result<(BinRule, PassTiming), PrepError> {
    let range = work(
        |_, _, fs| Ok(coefficient_range(basis, fs, opts.precision)),
        |_, parts, _| {
            Ok(parts
                .into_iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |a, b| {
                    (a.0.min(b.0), a.1.max(b.1))
                }))
        },
    );
    let (ranges, t) = pass(plan, source, opts, "2/3 range", range)?;
    let lo = ranges.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    let hi = ranges.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
    Ok((BinRule::new(lo, hi), t))
}

/// Pass 3: per layer, the histograms of its coefficients and its seeded sample of filters.
type LayerHistograms = (Histograms, Vec<SampleRow>);

fn histograms(
    plan: &Plan,
    source: &dyn FilterSource,
    opts: &Options,
    basis: &Basis,
    rule: &BinRule,
) -> Result<(Vec<LayerHistograms>, PassTiming), PrepError> {
    let histograms = work(
        // Both passes compute coefficients bit-identically, so pass 2's range holds them all.
        |_, _, fs| {
            Ok(histograms_of(basis, rule, fs, opts.precision).expect("inside pass 2's range"))
        },
        |i, parts, fs| {
            let mut hist = Histograms::default();
            for h in &parts {
                hist.merge(h);
            }
            let seed = seed_of(opts.seed, i as u64);
            let samples: Vec<SampleRow> =
                sample_indices(fs.len() as u64, opts.sample_per_layer, seed)
                    .into_iter()
                    .map(|k| SampleRow {
                        layer: i as u32,
                        index: k as u32,
                        weights: fs[k as usize].map(|v| v as f32),
                    })
                    .collect();
            Ok((hist, samples))
        },
    );
    pass(plan, source, opts, "3/3 histograms", histograms)
}
