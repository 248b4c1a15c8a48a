//! Model: one model's layers along depth (sparsity, entropy ratio, orthogonality, drift of each
//! layer to the whole DB), its metadata and its sampled filters.

use filterscope_site::{Part, SiteData, SiteError};
use filterscope_stats::drift;
use leptos::prelude::*;

use crate::figure::Figure;
use crate::loader::Loader;
use crate::plot::{FilterScale, Plot};
use crate::route::{Route, Router};

/// Sampled filters shown per layer, and in all (a model of 100 layers would fill the page).
const PER_LAYER: usize = 6;
const MAX_FILTERS: usize = 96;

/// The layers of model `mi` (the layers table must be in).
fn layers_of(s: &SiteData, mi: u32) -> Vec<usize> {
    (0..s.layers.len())
        .filter(|&i| s.layers[i].model == mi)
        .collect()
}

/// The layers table, then the chunks (of sketches, or of samples) holding model `mi`'s layers.
fn model_needs(s: &SiteData, mi: u32, samples: bool) -> Result<Vec<Part>, SiteError> {
    if !s.has(Part::Layers) {
        return Ok(vec![Part::Layers]);
    }
    let mut n = vec![Part::Layers];
    if !samples {
        n.push(Part::Depths);
    }
    n.extend(s.chunks_of(samples, &layers_of(s, mi)));
    Ok(n)
}

/// The model view.
#[component]
pub fn Model() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let route = router.route;
    let names = Memo::new(move |_| {
        loader
            .with_site(|s| s.models.iter().map(|m| m.name.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let model = Memo::new(move |_| {
        let want = route.get().model;
        let n = names.get();
        want.filter(|w| n.contains(w))
            .or_else(|| n.first().cloned())
    });
    let missing = move || {
        route
            .get()
            .model
            .filter(|m| !names.get().contains(m) && !names.get().is_empty())
    };
    let index = Memo::new(move |_| {
        model
            .get()
            .and_then(|m| names.get().iter().position(|n| *n == m))
    });
    let profile = Memo::new(move |_| {
        let mi = index.get()? as u32;
        loader
            .query(
                |s| model_needs(s, mi, false),
                |s| {
                    let global = s.global_sketch().ok()?;
                    let evr = s.basis().evr;
                    let mut layers = layers_of(s, mi);
                    layers.sort_by(|&a, &b| {
                        s.layers[a]
                            .conv_depth_norm
                            .total_cmp(&s.layers[b].conv_depth_norm)
                            .then(a.cmp(&b))
                    });
                    let q = |f: &dyn Fn(usize) -> f64| {
                        layers.iter().map(|&l| f(l)).collect::<Vec<f64>>()
                    };
                    let sk = |l: usize| s.layer_sketch(l).expect("sketches loaded");
                    // Each layer a marker, degenerated layers a cross.
                    let marks: Vec<bool> =
                        layers.iter().map(|&l| sk(l).quality.degenerated).collect();
                    let quality = Plot::Lines {
                        title: "Layer quality along depth".into(),
                        x_label: "conv_depth_norm".into(),
                        y_label: "value".into(),
                        x: q(&|l| s.layers[l].conv_depth_norm),
                        series: vec![
                            ("sparsity".into(), q(&|l| sk(l).quality.sparsity)),
                            ("H / TH".into(), q(&|l| sk(l).quality.entropy_ratio)),
                            (
                                "orthogonality".into(),
                                q(&|l| sk(l).quality.orthogonality.unwrap_or(f64::NAN)),
                            ),
                        ],
                        marks: marks.clone(),
                    };
                    let drifts = Plot::Lines {
                        title: "Drift D of each layer to all filters of the data".into(),
                        x_label: "conv_depth_norm".into(),
                        y_label: "D".into(),
                        x: q(&|l| s.layers[l].conv_depth_norm),
                        series: vec![(
                            "D".into(),
                            q(&|l| drift(&sk(l).sketch.hist, &global.hist, &evr, s.rule())),
                        )],
                        marks,
                    };
                    Some((quality, drifts))
                },
            )
            .and_then(|r| r.ok())
            .flatten()
    });
    let samples = Memo::new(move |_| {
        let mi = index.get()? as u32;
        loader
            .query(
                |s| model_needs(s, mi, true),
                |s| {
                    let mut filters = Vec::new();
                    let mut captions = Vec::new();
                    for (i, l) in s.layers.iter().enumerate().filter(|(_, l)| l.model == mi) {
                        for (k, r) in s.layer_samples(i).iter().take(PER_LAYER).enumerate() {
                            filters.push(r.weights.map(|w| w as f64));
                            captions.push(if k == 0 {
                                format!("L{}", l.layer_id)
                            } else {
                                String::new()
                            });
                        }
                        if filters.len() >= MAX_FILTERS {
                            break;
                        }
                    }
                    (!filters.is_empty()).then(|| Plot::Filters {
                        title: "Sampled filters, six per layer".into(),
                        captions,
                        filters,
                        cols: 24,
                        scale: FilterScale::PerFilter,
                    })
                },
            )
            .and_then(|r| r.ok())
            .flatten()
    });
    let meta = move || {
        let mi = index.get()?;
        loader
            .with_site(|s| {
                let m = &s.models[mi];
                let rows = s.manifest.model_columns.iter().zip(&m.values).map(|(c, v)| {
                    // Metadata is untrusted: text only, and a link only for http(s) URLs.
                    let cell = if v.starts_with("https://") || v.starts_with("http://") {
                        view! { <a href=v.clone() rel="noopener noreferrer nofollow">{v.clone()}</a> }.into_any()
                    } else {
                        view! { <span>{v.clone()}</span> }.into_any()
                    };
                    view! { <tr><th scope="row">{c.clone()}</th><td>{cell}</td></tr> }
                });
                Some(view! { <table class="meta" id="model-meta"><caption>{m.name.clone()}</caption><tbody>{rows.collect_view()}</tbody></table> })
            })
            .flatten()
    };
    view! {
        <section aria-labelledby="model-h">
            <h2 id="model-h">"Model"</h2>
            {move || missing().map(|m| view! { <p class="notice" role="status">{format!("No model named {m:?}; showing the first.")}</p> })}
            <label>
                "Model "
                <select id="model" on:change=move |e| router.go(Route { model: Some(event_target_value(&e)), ..route.get_untracked() }) prop:value=move || model.get().unwrap_or_default()>
                    {move || names.get().into_iter().map(|n| view! { <option value=n.clone() selected=Some(n.clone()) == model.get()>{n.clone()}</option> }).collect_view()}
                </select>
            </label>
            {meta}
            <div class="grid">
                <Figure plot=Signal::derive(move || profile.get().map(|p| p.0)) id="model-profile" width=760 height=320/>
                <Figure plot=Signal::derive(move || profile.get().map(|p| p.1)) id="model-drift" width=760 height=280/>
                <Figure plot=samples id="model-samples" width=760 height=560/>
            </div>
        </section>
    }
}
