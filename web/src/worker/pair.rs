//! The pair view's answers: two groups' distributions, D per component and own PCA from their
//! merged sketches, and their sampled filters, c0/c1 density and layer quality.

use filterscope_site::{Group, SiteData, Where};
use filterscope_stats::{
    distribution, drift_per_component, Basis, BinRule, Histograms, Moments, N_BINS,
};

use super::rest::{side, side_layers};
use crate::protocol::{Eigen, Failure, PairAnswer, PairSamplesAnswer};

/// Sampled filters shown per group in the pair view: four rows of twelve.
pub const GRID_FILTERS: usize = 48;

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
pub(super) fn eigen(m: &Moments) -> Option<Eigen> {
    let b = Basis::from_moments(m).ok()?;
    Some(Eigen {
        components: b.components.to_vec(),
        evr: b.evr,
    })
}

/// The pair's answer from the groups of `by` (their counts are enough: from
/// [`SiteData::group_sketches_for`], or merged chunk by chunk by the worker for a layer-level
/// grouping): each group's coefficient distributions and D per component between them.
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
    let sketches = [side(by, groups, &a, &b)?, side(by, groups, &b, &a)?];
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
        range: (rule.lo, rule.hi),
    })
}

/// Groups `a` and `b`'s own PCA, from `groups` holding their moments
/// ([`SiteData::group_sketches`], or merged from every per-layer sketch for a layer-level
/// grouping).
pub fn pair_eigen(
    by: &str,
    groups: &[Group],
    [a, b]: [&String; 2],
) -> Result<[Option<Eigen>; 2], Failure> {
    let (sa, sb) = (side(by, groups, a, b)?, side(by, groups, b, a)?);
    Ok([eigen(&sa.scaled), eigen(&sb.scaled)])
}

/// The layers whose lite samples the grid shows: the first [`GRID_FILTERS`] of `layers` that
/// have any (the grid takes one filter from each before a second from any), or all of them.
/// Needs [`filterscope_site::Part::LiteCells`] (it says which layers have samples).
pub fn grid_layers(s: &SiteData, layers: &[usize]) -> Vec<usize> {
    layers
        .iter()
        .copied()
        .filter(|&l| s.lite_count(l) > 0)
        .take(GRID_FILTERS)
        .collect()
}

/// The sampled filters, c0/c1 density and layer quality of sides `a` and `b` of a pair.
pub fn pair_samples(
    s: &SiteData,
    by: &str,
    filters: &[Where],
    [a, b]: [&String; 2],
) -> Result<PairSamplesAnswer, Failure> {
    let layers = [
        side_layers(s, by, filters, a, b).map_err(Failure::query)?,
        side_layers(s, by, filters, b, a).map_err(Failure::query)?,
    ];
    let grid = |g: usize| {
        // Round-robin over the group's layers so one big layer does not fill the grid.
        let per: Vec<_> = grid_layers(s, &layers[g])
            .into_iter()
            .map(|l| s.lite_samples(l))
            .collect();
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
    let scatter = |g: usize| {
        layers[g]
            .iter()
            .filter_map(|&l| s.layer_quality(l))
            .map(|q| (q.sparsity, q.variance_entropy, q.degenerated))
            .collect()
    };
    let density = |g: usize| s.lite_density(&layers[g]).map_err(Failure::query);
    Ok(PairSamplesAnswer {
        grid: [grid(0), grid(1)],
        density: [density(0)?, density(1)?],
        scatter: [scatter(0), scatter(1)],
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use filterscope_site::testing::{content, loaded};
    use filterscope_site::SiteData;

    pub(in crate::worker) fn site() -> SiteData {
        loaded(&content())
    }

    #[test]
    fn a_pair_is_computed_whole_in_the_worker() {
        let s = site();
        let c = s.compare("Task", &[]).unwrap();
        // The pair's distributions from the groups' counts alone.
        let groups = s
            .group_sketches_for("Task", &[], &filterscope_site::Method::default())
            .unwrap();
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
        // Each group's own PCA, from its moments, explains all of its variance.
        let with_moments = s.group_sketches("Task", &[]).unwrap();
        let own = pair_eigen("Task", &with_moments, [&p.labels[0], &p.labels[1]]).unwrap();
        for e in own.iter().map(|e| e.as_ref().unwrap()) {
            assert!((e.evr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            assert_eq!(e.components.len(), 9);
        }
        assert_eq!(p.range, (s.rule().lo, s.rule().hi));
    }

    #[test]
    fn pair_samples_read_the_grids_lite_chunks_and_the_cells_only() {
        use crate::protocol::Request;
        use crate::worker::answers::needs;
        use filterscope_site::testing::{add, opened};
        use filterscope_site::DENSITY_CELLS;
        let all = site();
        let (a, b) = ("Classification".to_string(), "GAN-Generator".to_string());
        let whole = pair_samples(&all, "Task", &[], [&a, &b]).unwrap();
        // The density counts each lite sample of the group's layers once, in its cell.
        let (lo, hi) = (all.rule().lo, all.rule().hi);
        for (g, label) in [&a, &b].into_iter().enumerate() {
            let n = DENSITY_CELLS;
            let mut want = vec![vec![0u32; n]; n];
            let mut total = 0;
            for l in all.group_layers("Task", &[], label).unwrap() {
                for r in all.lite_samples(l) {
                    let c = all
                        .basis()
                        .project(&all.precision().scale(&r.weights.map(|w| w as f64)));
                    let cell =
                        |v: f64| (((v - lo) / (hi - lo) * n as f64).max(0.0) as usize).min(n - 1);
                    want[cell(c[1])][cell(c[0])] += 1;
                    total += 1;
                }
            }
            assert!(total > 0);
            assert_eq!(whole.density[g], (total, want), "{label}");
        }
        // As the worker loads it: the layers, quality and cells, then the grids' lite chunks.
        let (mut s, files) = opened(&content());
        let request = Request::PairSamples {
            by: "Task".into(),
            wheres: vec![],
            a: a.clone(),
            b: b.clone(),
        };
        loop {
            let missing = s.missing(&needs(&s, &request).unwrap());
            if missing.is_empty() {
                break;
            }
            add(&mut s, &files, &missing);
        }
        let lite = s
            .all_parts()
            .into_iter()
            .filter(|p| matches!(p, filterscope_site::Part::LiteSamples(_)));
        let (read, unread): (Vec<_>, Vec<_>) = lite.partition(|p| s.has(*p));
        assert!(
            !read.is_empty() && !unread.is_empty(),
            "{read:?} {unread:?}"
        );
        let part = pair_samples(&s, "Task", &[], [&a, &b]).unwrap();
        assert_eq!(part.grid, whole.grid);
        assert_eq!(part.density, whole.density);
        assert_eq!(part.scatter.len(), whole.scatter.len());
    }

    /// `request` answered as the worker loads a site: only the parts it says it needs, until it
    /// needs no more; and which parts that was.
    pub(in crate::worker) fn answered_alone(
        request: &crate::protocol::Request,
    ) -> (crate::protocol::Answer, Vec<filterscope_site::Part>) {
        use crate::worker::answers::{compute, needs};
        use crate::worker::streamed::layer_level;
        use filterscope_site::testing::{add, opened};
        let (mut s, files) = opened(&content());
        assert!(layer_level(&s, request).is_none(), "{request:?} streams");
        loop {
            let missing = s.missing(&needs(&s, request).unwrap());
            if missing.is_empty() {
                break;
            }
            add(&mut s, &files, &missing);
        }
        let read = s.all_parts().into_iter().filter(|p| s.has(*p)).collect();
        (compute(&s, request, &mut |_, _| {}).unwrap(), read)
    }

    #[test]
    fn a_pairs_answers_read_the_per_value_sums_only() {
        use crate::protocol::{Answer, Request};
        use filterscope_site::{Method, Part};
        let all = site();
        let (a, b) = ("Classification".to_string(), "GAN-Generator".to_string());
        for by in ["Task", "conv_depth"] {
            let (a, b) = if by == "Task" {
                (a.clone(), b.clone())
            } else {
                ("0".to_string(), "1".to_string())
            };
            let asked = Request::Pair {
                by: by.into(),
                wheres: vec![],
                a: Some(a.clone()),
                b: Some(b.clone()),
            };
            let (Answer::Pair(first), read) = answered_alone(&asked) else {
                panic!("not a pair");
            };
            // No moments, and for a layer-level column its per-value sums, not every layer.
            assert!(!read.contains(&Part::ModelMoments), "{by}: {read:?}");
            assert!(
                !read.iter().any(|p| matches!(p, Part::Sketches(_))),
                "{by}: {read:?}"
            );
            let counts = all.group_sketches_for(by, &[], &Method::default()).unwrap();
            let want = pair(&all, by, &counts, &Some(a.clone()), &Some(b.clone())).unwrap();
            assert_eq!(*first, want, "{by}");
            // The whole site's groups with moments give the same distributions and D.
            let whole = all.group_sketches(by, &[]).unwrap();
            let same = pair(&all, by, &whole, &Some(a.clone()), &Some(b.clone())).unwrap();
            assert_eq!(same.shares, want.shares, "{by}");
            assert_eq!(same.d_per_component, want.d_per_component, "{by}");
            // The groups' own PCA, asked next.
            let want = pair_eigen(by, &whole, [&a, &b]).unwrap();
            assert!(want.iter().all(Option::is_some), "{by}");
            let asked = Request::PairEigen {
                by: by.into(),
                wheres: vec![],
                a: a.clone(),
                b: b.clone(),
            };
            // Both from the column's per-value sums (they hold the moments): no model's or
            // layer's sketch.
            let (Answer::PairEigen(own), read) = answered_alone(&asked) else {
                panic!("not a pair's PCA");
            };
            assert!(
                read.iter().all(|p| !matches!(
                    p,
                    Part::Sketches(_) | Part::ModelMoments | Part::ModelCounts
                )),
                "{by}: {read:?}"
            );
            assert_eq!(own, want, "{by}");
            if by == "conv_depth" {
                // The same as from every layer's sketch, as the worker streamed them before.
                let groups = filterscope_site::testing::streamed(&all, by, &[], &Method::default());
                assert_eq!(pair_eigen(by, &groups, [&a, &b]).unwrap(), want);
            }
        }
    }

    /// The Your model view asks for a pair of one group against itself, by each column it
    /// ranks, after a file is chosen: all it reads is loaded before.
    #[test]
    fn a_visitors_group_pairs_read_only_what_yours_prepare_loaded() {
        use crate::protocol::Request;
        use crate::worker::answers::needs;
        let (_, read) = answered_alone(&Request::YoursPrepare);
        let s = site();
        for c in ["Task", "Visual Category"] {
            let g = s.column_values(c).unwrap()[0].clone();
            let asked = Request::Pair {
                by: c.into(),
                wheres: vec![],
                a: Some(g.clone()),
                b: Some(g),
            };
            for p in needs(&s, &asked).unwrap() {
                assert!(read.contains(&p), "{c}: {p:?} not in {read:?}");
            }
        }
    }

    #[test]
    fn an_unknown_group_is_a_query_failure() {
        let s = site();
        let groups = s.group_sketches("Task", &[]).unwrap();
        let e = pair(&s, "Task", &groups, &Some("nope".into()), &None).unwrap_err();
        assert!(matches!(e, Failure::Query(m) if m.contains("\"nope\"")));
    }
}
