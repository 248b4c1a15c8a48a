//! Pair: group A against group B of a column: their 9 coefficient distributions overlaid, the drift
//! per component, each group's own eigen-filters, sampled raw filters, and their layers' quality.

use filterscope_stats::{
    distribution, drift_per_component, Basis, BinRule, Histograms, Moments, N_BINS,
};
use filterscope_web::protocol::{Answer, PairAnswer, PairSamplesAnswer, Request};
use leptos::prelude::*;

use crate::figure::Figure;
use crate::loader::Loader;
use crate::plot::{FilterScale, Plot, Points};
use crate::route::Router;
use crate::views::controls::{default_by, GroupControls};

/// A pair's answer with what D needs.
#[derive(Clone, PartialEq)]
struct PairData {
    answer: PairAnswer,
    hists: [Histograms; 2],
    evr: [f64; 9],
    rule: BinRule,
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
            .or_else(|| loader.with_catalog(default_by))
            .unwrap_or_default()
    });
    // The worker merges the groups' sketches (with their moments), picks their lite samples and
    // layer quality; the page draws.
    let answer = loader.answer(move || {
        let r = route.get();
        let by = by.get();
        (!by.is_empty()).then(|| Request::Pair {
            by,
            wheres: r.wheres.clone(),
            a: r.a.clone(),
            b: r.b.clone(),
        })
    });
    // The site's explained-variance weights and bins, for D.
    let site = Memo::new(move |_| {
        loader
            .with_catalog(|c| {
                c.manifest
                    .bin_rule()
                    .ok()
                    .map(|r| (c.manifest.basis().evr, r))
            })
            .flatten()
    });
    let data = Memo::new(move |_| match (answer.get()?, site.get()) {
        (Ok(Answer::Pair(p)), Some((evr, rule))) => {
            let hist = |g: usize| Histograms::from_counts(p.counts[g].clone()).unwrap_or_default();
            Some(Ok(PairData {
                hists: [hist(0), hist(1)],
                evr,
                rule,
                answer: *p,
            }))
        }
        (Ok(_), _) => None,
        (Err(e), _) => Some(Err(e)),
    });
    // Then the groups' sampled filters and layers (a larger download: drawn when they come).
    let samples_answer = loader.answer(move || {
        data.with(|d| match d {
            Some(Ok(p)) => Some(Request::PairSamples {
                by: p.answer.by.clone(),
                wheres: route.get_untracked().wheres,
                a: p.answer.labels[0].clone(),
                b: p.answer.labels[1].clone(),
            }),
            _ => None,
        })
    });
    let extra = Memo::new(move |_| match samples_answer.get() {
        Some(Ok(Answer::PairSamples(x))) => Some(*x),
        _ => None,
    });
    let ok = move || data.with(|d| matches!(d, Some(Ok(_))));
    // The groups to pick from, so any pair is reachable by keyboard as well as from the heatmap.
    let choices = Memo::new(move |_| {
        data.with(|d| match d {
            Some(Ok(p)) => p.answer.choices.clone(),
            _ => vec![],
        })
    });
    let current = move |g: usize| {
        data.with(|d| match d {
            Some(Ok(p)) => p.answer.labels[g].clone(),
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
                let d = drift_per_component(&p.hists[0], &p.hists[1], &p.evr, &p.rule);
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
                        series: (0..2).map(|g| (p.answer.labels[g].clone(), distribution(p.hists[g].component(i), &p.rule))).collect(),
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
                    let (n, sum, sxx) = &p.answer.moments[g];
                    let m = Moments {
                        n: *n,
                        sum: sum.as_slice().try_into().unwrap_or_default(),
                        sxx: sxx
                            .as_slice()
                            .try_into()
                            .unwrap_or([0.0; filterscope_stats::PACKED]),
                    };
                    Basis::from_moments(&m)
                })
                .ok()
                .map(|b| Plot::Filters {
                    title: format!("Eigen-filters of {} (its own PCA)", p.answer.labels[g]),
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
            extra.with(|x| {
                let x: &PairSamplesAnswer = x.as_ref()?;
                data.with(|d| match d {
                    Some(Ok(p)) if !x.grid[g].is_empty() => Some(Plot::Filters {
                        title: format!("Sampled filters of {}", p.answer.labels[g]),
                        captions: vec![String::new(); x.grid[g].len()],
                        filters: x.grid[g].clone(),
                        cols: 24,
                        scale: FilterScale::PerFilter,
                    }),
                    _ => None,
                })
            })
        })
    };
    let density = |g: usize| {
        Memo::new(move |_| {
            extra.with(|x| {
                let x = x.as_ref()?;
                data.with(|d| match d {
                    Some(Ok(p)) if x.density[g].0 > 0 => {
                        let (n, counts) = x.density[g].clone();
                        Some(Plot::Density {
                            title: format!(
                                "c0/c1 density of {} ({n} sampled filters)",
                                p.answer.labels[g]
                            ),
                            x_label: "c0".into(),
                            y_label: "c1".into(),
                            range: (p.rule.lo, p.rule.hi),
                            counts,
                        })
                    }
                    _ => None,
                })
            })
        })
    };
    let scatter = Memo::new(move |_| {
        extra.with(|x| {
            let x = x.as_ref()?;
            data.with(|d| match d {
                Some(Ok(p)) if x.scatter.iter().any(|s| !s.is_empty()) => {
                    let series: Vec<(String, Points)> = (0..2)
                        .map(|g| (p.answer.labels[g].clone(), x.scatter[g].clone()))
                        .collect();
                    Some(Plot::Scatter {
                        title: "Layers: sparsity vs variance entropy (x = degenerated)".into(),
                        x_label: "sparsity".into(),
                        y_label: "variance entropy".into(),
                        series,
                    })
                }
                _ => None,
            })
        })
    });
    view! {
        <section aria-labelledby="pair-h">
            <h2 id="pair-h" tabindex="-1">{move || data.with(|d| match d { Some(Ok(p)) => format!("{} vs {}", p.answer.labels[0], p.answer.labels[1]), _ => "Pair".into() })}</h2>
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
