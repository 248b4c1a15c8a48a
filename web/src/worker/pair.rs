//! The pair view's answers: two groups' distributions, D per component and own PCA from their
//! merged sketches, and their sampled filters, c0/c1 density and layer quality.

use filterscope_site::{Group, SiteData, Where};
use filterscope_stats::{
    distribution, drift_per_component, Basis, BinRule, Histograms, Moments, N_BINS,
};

use crate::protocol::{Eigen, Failure, PairAnswer, PairSamplesAnswer};

/// Sampled filters shown per group in the pair view: four rows of twelve.
pub const GRID_FILTERS: usize = 48;
/// Cells per side of the pair view's c0/c1 density.
pub const DENSITY_CELLS: usize = 40;

/// The centres of the site's bins.
pub fn centres(rule: &BinRule) -> Vec<f64> {
    rule.edges()
        .windows(2)
        .map(|w| 0.5 * (w[0] + w[1]))
        .collect()
}

/// Each component's share of filters per bin, from histogram counts (component-major).
pub fn shares_of(counts: &[u64], rule: &BinRule) -> Vec<Vec<f64>> {
    counts
        .chunks(N_BINS)
        .map(|c| distribution(c, rule))
        .collect()
}

/// A group's own principal components, from the moments of its scaled filters (none where they
/// do not define them: too few filters).
fn eigen(m: &Moments) -> Option<Eigen> {
    let b = Basis::from_moments(m).ok()?;
    Some(Eigen {
        components: b.components.to_vec(),
        evr: b.evr,
    })
}

/// The pair's answer from the groups of `by` ([`SiteData::group_sketches`], or merged chunk by
/// chunk by the worker for a layer-level grouping): each group's coefficient distributions, D
/// per component between them, and each group's own PCA.
pub fn pair(
    s: &SiteData,
    by: &str,
    groups: &[Group],
    a: &Option<String>,
    b: &Option<String>,
) -> Result<PairAnswer, Failure> {
    let choices = s.column_values(by).map_err(Failure::query)?;
    // Without a and b, the first two groups.
    let a = a
        .clone()
        .or_else(|| choices.first().cloned())
        .ok_or_else(|| Failure::Query(format!("{by} has no groups")))?;
    let b = b
        .clone()
        .or_else(|| choices.get(1).cloned())
        .unwrap_or_else(|| a.clone());
    let find = |l: &str| {
        groups.iter().find(|g| g.label == l).ok_or_else(|| {
            Failure::Query(format!(
                "{by} has no group {l:?} among the layers that pass the filters"
            ))
        })
    };
    let sketches = [&find(&a)?.sketch, &find(&b)?.sketch];
    let rule = s.rule();
    let hists: [&Histograms; 2] = [&sketches[0].hist, &sketches[1].hist];
    let evr = s.basis().evr;
    Ok(PairAnswer {
        by: by.to_string(),
        labels: [a, b],
        choices,
        evr,
        x: centres(rule),
        shares: hists.map(|h| shares_of(h.counts(), rule)),
        d_per_component: drift_per_component(hists[0], hists[1], &evr, rule),
        eigen: sketches.map(|g| eigen(&g.scaled)),
        range: (rule.lo, rule.hi),
    })
}

pub fn pair_samples(
    s: &SiteData,
    by: &str,
    filters: &[Where],
    [a, b]: [&String; 2],
) -> Result<PairSamplesAnswer, Failure> {
    let layers = [
        s.group_layers(by, filters, a).map_err(Failure::query)?,
        s.group_layers(by, filters, b).map_err(Failure::query)?,
    ];
    let grid = |g: usize| {
        // Round-robin over the group's layers so one big layer does not fill the grid.
        let per: Vec<_> = layers[g].iter().map(|&l| s.lite_samples(l)).collect();
        let mut filters = Vec::new();
        let mut k = 0;
        while filters.len() < GRID_FILTERS && per.iter().any(|v| v.len() > k) {
            for v in &per {
                if let Some(r) = v.get(k) {
                    filters.push(r.weights.map(|w| w as f64));
                }
            }
            k += 1;
        }
        filters.truncate(GRID_FILTERS);
        filters
    };
    let density = |g: usize| {
        let (lo, hi) = (s.rule().lo, s.rule().hi);
        const N: usize = DENSITY_CELLS;
        let mut counts = vec![vec![0u32; N]; N];
        let cell = |v: f64| (((v - lo) / (hi - lo) * N as f64).max(0.0) as usize).min(N - 1);
        let mut n = 0;
        for &l in &layers[g] {
            for r in s.lite_samples(l) {
                let c = s
                    .basis()
                    .project(&s.precision().scale(&r.weights.map(|w| w as f64)));
                counts[cell(c[1])][cell(c[0])] += 1;
                n += 1;
            }
        }
        (n, counts)
    };
    let scatter = |g: usize| {
        layers[g]
            .iter()
            .filter_map(|&l| s.layer_quality(l))
            .map(|q| (q.sparsity, q.variance_entropy, q.degenerated))
            .collect()
    };
    Ok(PairSamplesAnswer {
        grid: [grid(0), grid(1)],
        density: [density(0), density(1)],
        scatter: [scatter(0), scatter(1)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use filterscope_site::testing::{content, loaded};
    use filterscope_site::SiteData;

    fn site() -> SiteData {
        loaded(&content())
    }

    #[test]
    fn a_pair_is_computed_whole_in_the_worker() {
        let s = site();
        let c = s.compare("Task", &[]).unwrap();
        let groups = s.group_sketches("Task", &[]).unwrap();
        let (a, b) = (c.groups[0].clone(), c.groups[2].clone());
        let p = pair(&s, "Task", &groups, &Some(a.clone()), &Some(b.clone())).unwrap();
        assert_eq!(p.labels, [a, b]);
        // D per component adds up to the comparison's D of the same pair.
        let d: f64 = p.d_per_component.iter().sum();
        assert!(
            (d - c.d[0][2]).abs() <= 1e-12 * c.d[0][2].abs(),
            "{d} vs {}",
            c.d[0][2]
        );
        // Each group's shares are its distributions, one per component, over the site's bins.
        assert_eq!(p.x.len(), filterscope_stats::N_BINS);
        for g in &p.shares {
            assert_eq!(g.len(), 9);
            for comp in g {
                assert!((comp.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            }
        }
        // Each group's own PCA explains all of its variance.
        for e in p.eigen.iter().map(|e| e.as_ref().unwrap()) {
            assert!((e.evr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            assert_eq!(e.components.len(), 9);
        }
        assert_eq!(p.range, (s.rule().lo, s.rule().hi));
    }

    #[test]
    fn an_unknown_group_is_a_query_failure() {
        let s = site();
        let groups = s.group_sketches("Task", &[]).unwrap();
        let e = pair(&s, "Task", &groups, &Some("nope".into()), &None).unwrap_err();
        assert!(matches!(e, Failure::Query(m) if m.contains("\"nope\"")));
    }
}
