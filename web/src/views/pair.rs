//! Pair: group A against group B of a column: their 9 coefficient distributions overlaid, the drift
//! per component, each group's own eigen-filters, sampled raw filters, and their layers' quality.

use filterscope_site::{Part, SiteData, SiteError, Where};
use filterscope_stats::{distribution, drift_per_component, Basis, BinRule, Sketch, N_BINS};
use leptos::prelude::*;

use crate::figure::Figure;
use crate::loader::Loader;
use crate::plot::{FilterScale, Plot, Points};
use crate::route::Router;
use crate::views::controls::{default_by, GroupControls};

/// Sampled filters shown per group: four rows of twelve.
const GRID_FILTERS: usize = 48;
/// Cells per side of the c0/c1 density: enough for shape, few enough that ~2,000 samples fill it.
const DENSITY_CELLS: usize = 40;

/// Both groups' sketches and layers, or why they cannot be shown.
#[derive(Clone, PartialEq)]
struct PairData {
    labels: [String; 2],
    sketches: [Sketch; 2],
    layers: [Vec<usize>; 2],
    evr: [f64; 9],
    rule: BinRule,
}

fn pair_data(
    s: &SiteData,
    by: &str,
    filters: &[Where],
    a: &str,
    b: &str,
) -> Result<PairData, String> {
    let groups = s.group_sketches(by, filters).map_err(|e| e.to_string())?;
    let find = |l: &str| {
        groups
            .iter()
            .find(|g| g.label == l)
            .map(|g| g.sketch.clone())
            .ok_or_else(|| {
                format!("{by} has no group {l:?} among the layers that pass the filters")
            })
    };
    Ok(PairData {
        labels: [a.to_string(), b.to_string()],
        sketches: [find(a)?, find(b)?],
        layers: [
            s.group_layers(by, filters, a).map_err(|e| e.to_string())?,
            s.group_layers(by, filters, b).map_err(|e| e.to_string())?,
        ],
        evr: s.basis().evr,
        rule: s.rule().clone(),
    })
}

/// The pair view.
#[component]
pub fn Pair() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let route = router.route;
    let by = Memo::new(move |_| {
        route
            .get()
            .by
            .or_else(|| loader.with_site(default_by))
            .unwrap_or_default()
    });
    let data = Memo::new(move |_| {
        let r = route.get();
        let by = by.get();
        // The groups' sketches with their moments (for each group's own PCA), and the layers
        // table (which layers each group holds).
        let needs = |s: &SiteData| -> Result<Vec<Part>, SiteError> {
            let mut n = s.group_needs(&by, &r.wheres, true)?;
            n.extend(s.values_needs(&by)?);
            n.push(Part::Layers);
            Ok(n)
        };
        let result = loader.query(needs, |s| {
            let groups = s.column_values(&by).unwrap_or_default();
            // Without a and b, the first two groups.
            let a = r.a.clone().or_else(|| groups.first().cloned())?;
            let b =
                r.b.clone()
                    .or_else(|| groups.get(1).cloned())
                    .unwrap_or_else(|| a.clone());
            Some(crate::timing::measure("filterscope:subset", || {
                pair_data(s, &by, &r.wheres, &a, &b)
            }))
        })?;
        match result {
            Ok(p) => p,
            Err(e) => Some(Err(e)),
        }
    });
    let ok = move || data.with(|d| matches!(d, Some(Ok(_))));
    // The groups to pick from, so any pair is reachable by keyboard as well as from the heatmap.
    let choices = Memo::new(move |_| {
        let by = by.get();
        loader
            .query(|s| s.values_needs(&by), |s| s.column_values(&by).ok())
            .and_then(|r| r.ok())
            .flatten()
            .unwrap_or_default()
    });
    let current = move |g: usize| {
        data.with(|d| match d {
            Some(Ok(p)) => p.labels[g].clone(),
            _ => String::new(),
        })
    };
    let pick = move |g: usize, v: String| {
        let mut r = route.get_untracked();
        let other = current(1 - g);
        if g == 0 {
            (r.a, r.b) = (Some(v), Some(other));
        } else {
            (r.a, r.b) = (Some(other), Some(v));
        }
        router.go(r);
    };
    let picker = move |g: usize| {
        view! {
            <label>
                {if g == 0 { "A " } else { "B " }}
                <select id=if g == 0 { "pick-a" } else { "pick-b" } on:change=move |e| pick(g, event_target_value(&e)) prop:value=move || current(g)>
                    {move || choices.get().into_iter().map(|c| view! { <option value=c.clone() selected=c == current(g)>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let per_component = Memo::new(move |_| {
        data.with(|d| match d {
            Some(Ok(p)) => {
                let d =
                    drift_per_component(&p.sketches[0].hist, &p.sketches[1].hist, &p.evr, &p.rule);
                Some(Plot::Bars {
                    title: format!("D per component (D = {:.4})", d.iter().sum::<f64>()),
                    labels: (0..9).map(|i| format!("c{i}")).collect(),
                    values: d.to_vec(),
                    y_label: "evr-weighted symmetric KL".into(),
                    extra: vec![],
                })
            }
            _ => None,
        })
    });
    let distributions = (0..9).map(|i| {
        let plot = Memo::new(move |_| {
            data.with(|d| match d {
                Some(Ok(p)) => {
                    let e = p.rule.edges();
                    Some(Plot::Lines {
                        title: format!("c{i} (evr {:.1}%)", 100.0 * p.evr[i]),
                        x_label: "coefficient".into(),
                        y_label: "share".into(),
                        x: (0..N_BINS).map(|k| 0.5 * (e[k] + e[k + 1])).collect(),
                        series: (0..2).map(|g| (p.labels[g].clone(), distribution(p.sketches[g].hist.component(i), &p.rule))).collect(),
                        marks: vec![],
                    })
                }
                _ => None,
            })
        });
        view! { <Figure plot=plot id=["dist-0", "dist-1", "dist-2", "dist-3", "dist-4", "dist-5", "dist-6", "dist-7", "dist-8"][i] width=300 height=200/> }
    }).collect_view();
    let eigen = |g: usize| {
        Memo::new(move |_| {
            data.with(|d| match d {
                Some(Ok(p)) => crate::timing::measure("filterscope:subset-pca", || {
                    Basis::from_moments(&p.sketches[g].scaled)
                })
                .ok()
                .map(|b| Plot::Filters {
                    title: format!("Eigen-filters of {} (its own PCA)", p.labels[g]),
                    captions: b
                        .evr
                        .iter()
                        .enumerate()
                        .map(|(i, e)| format!("c{i} {:.1}%", 100.0 * e))
                        .collect(),
                    filters: b.components.to_vec(),
                    cols: 9,
                    scale: FilterScale::Unit,
                }),
                _ => None,
            })
        })
    };
    let samples = |g: usize| {
        Memo::new(move |_| {
            let d = data.get();
            let Some(Ok(p)) = d else { return None };
            loader
                .query(
                    |_| Ok(vec![Part::LiteSamples]),
                    |s| {
                        // Round-robin over the group's layers so one big layer does not fill the grid.
                        let per: Vec<_> = p.layers[g].iter().map(|&l| s.lite_samples(l)).collect();
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
                        (!filters.is_empty()).then(|| Plot::Filters {
                            title: format!("Sampled filters of {}", p.labels[g]),
                            captions: vec![String::new(); filters.len()],
                            filters,
                            cols: 24,
                            scale: FilterScale::PerFilter,
                        })
                    },
                )
                .and_then(|r| r.ok())
                .flatten()
        })
    };
    let density = |g: usize| {
        Memo::new(move |_| {
            let d = data.get();
            let Some(Ok(p)) = d else { return None };
            loader
                .query(
                    |_| Ok(vec![Part::LiteSamples]),
                    |s| {
                        let basis = s.basis();
                        let (lo, hi) = (p.rule.lo, p.rule.hi);
                        const N: usize = DENSITY_CELLS;
                        let mut counts = vec![vec![0u32; N]; N];
                        let cell = |v: f64| (((v - lo) / (hi - lo) * N as f64) as usize).min(N - 1);
                        let mut n = 0;
                        for &l in &p.layers[g] {
                            for r in s.lite_samples(l) {
                                let c = basis
                                    .project(&s.precision().scale(&r.weights.map(|w| w as f64)));
                                counts[cell(c[1])][cell(c[0])] += 1;
                                n += 1;
                            }
                        }
                        (n > 0).then(|| Plot::Density {
                            title: format!(
                                "c0/c1 density of {} ({n} sampled filters)",
                                p.labels[g]
                            ),
                            x_label: "c0".into(),
                            y_label: "c1".into(),
                            range: (lo, hi),
                            counts,
                        })
                    },
                )
                .and_then(|r| r.ok())
                .flatten()
        })
    };
    let scatter = Memo::new(move |_| {
        let d = data.get();
        let Some(Ok(p)) = d else { return None };
        loader
            .query(
                |_| Ok(vec![Part::Quality]),
                |s| {
                    let series: Vec<(String, Points)> = (0..2)
                        .map(|g| {
                            let pts = p.layers[g]
                                .iter()
                                .filter_map(|&l| s.layer_quality(l))
                                .map(|q| (q.sparsity, q.variance_entropy, q.degenerated))
                                .collect();
                            (p.labels[g].clone(), pts)
                        })
                        .collect();
                    series
                        .iter()
                        .any(|s| !s.1.is_empty())
                        .then(|| Plot::Scatter {
                            title: "Layers: sparsity vs variance entropy (x = degenerated)".into(),
                            x_label: "sparsity".into(),
                            y_label: "variance entropy".into(),
                            series,
                        })
                },
            )
            .and_then(|r| r.ok())
            .flatten()
    });
    view! {
        <section aria-labelledby="pair-h">
            <h2 id="pair-h">{move || data.with(|d| match d { Some(Ok(p)) => format!("{} vs {}", p.labels[0], p.labels[1]), _ => "Pair".into() })}</h2>
            <GroupControls/>
            <div class="controls-row">{picker(0)} {picker(1)}</div>
            {move || data.with(|d| match d { Some(Err(e)) => Some(view! { <p class="notice" role="status">{e.clone()}</p> }), _ => None })}
            <div class:hidden=move || !ok()>
                <div class="grid">
                    <Figure plot=per_component id="d-per-component" width=460 height=280/>
                    <Figure plot=scatter id="layer-scatter" width=460 height=280/>
                </div>
                <h3>"Distribution of each principal coefficient"</h3>
                <div class="grid small">{distributions}</div>
                <div class="grid">
                    <Figure plot=eigen(0) id="eigen-a" width=760 height=150/>
                    <Figure plot=eigen(1) id="eigen-b" width=760 height=150/>
                    <Figure plot=samples(0) id="samples-a" width=760 height=260/>
                    <Figure plot=samples(1) id="samples-b" width=760 height=260/>
                    <Figure plot=density(0) id="density-a" width=420 height=400/>
                    <Figure plot=density(1) id="density-b" width=420 height=400/>
                </div>
            </div>
        </section>
    }
}
