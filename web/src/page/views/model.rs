//! Model: one model's layers along depth (sparsity, entropy ratio, orthogonality, drift of each
//! layer to the whole DB), its metadata and its sampled filters.

use filterscope_web::protocol::{Answer, ModelAnswer, Request};
use leptos::prelude::*;

use crate::page::figure::Figure;
use crate::page::loader::Loader;
use crate::page::plot::{FilterScale, Plot};
use crate::page::route::{Route, Router};
use crate::page::views::link_or_text;

/// The model view.
// One function: one request and the memos of its four figures, closing over the same answer;
// the rest is markup.
#[component]
pub fn Model() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let route = router.route;
    let names = Memo::new(move |_| {
        loader
            .with_catalog(|s| s.models.iter().map(|m| m.name.clone()).collect::<Vec<_>>())
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
    // The worker fetches the model's chunks and computes its layers' numbers.
    let answer = loader.answer(move || index.get().map(|m| Request::Model { model: m as u32 }));
    let data = Memo::new(move |_| match answer.get() {
        Some(Ok(Answer::Model(a))) => Some(*a),
        _ => None,
    });
    let profile = Memo::new(move |_| {
        data.with(|a| {
            let a: &ModelAnswer = a.as_ref()?;
            // Each layer a marker, degenerated layers a cross.
            let quality = Plot::Lines {
                title: "Layer quality along depth".into(),
                x_label: "conv_depth_norm".into(),
                y_label: "value".into(),
                x: a.x.clone(),
                series: vec![
                    ("sparsity".into(), a.sparsity.clone()),
                    ("H / TH".into(), a.entropy_ratio.clone()),
                    ("orthogonality".into(), a.orthogonality.clone()),
                ],
                marks: a.degenerated.clone(),
            };
            let drifts = Plot::Lines {
                title: "Drift D of each layer to all filters of the data".into(),
                x_label: "conv_depth_norm".into(),
                y_label: "D".into(),
                x: a.x.clone(),
                series: vec![("D".into(), a.drift.clone())],
                marks: a.degenerated.clone(),
            };
            Some((quality, drifts))
        })
    });
    let samples = Memo::new(move |_| {
        data.with(|a| {
            let a = a.as_ref()?;
            (!a.filters.is_empty()).then(|| Plot::Filters {
                title: "Sampled filters, six per layer".into(),
                captions: a.captions.clone(),
                filters: a.filters.clone(),
                cols: 24,
                scale: FilterScale::PerFilter,
            })
        })
    });
    let meta = move || {
        let mi = index.get()?;
        loader
            .with_catalog(|s| {
                let m = &s.models[mi];
                let rows = s.manifest.model_columns.iter().zip(&m.values).map(|(c, v)| {
                    // Metadata is untrusted: text only, and a link only for http(s) URLs.
                    let cell = link_or_text(v.clone());
                    view! { <tr><th scope="row">{c.clone()}</th><td>{cell}</td></tr> }
                });
                Some(view! { <table class="meta" id="model-meta"><caption>{crate::page::text::visible(&m.name)}</caption><tbody>{rows.collect_view()}</tbody></table> })
            })
            .flatten()
    };
    view! {
        <section aria-labelledby="model-h">
            <h2 id="model-h" tabindex="-1">"Model"</h2>
            {move || missing().map(|m| view! { <p class="notice" role="status">{format!("No model named {m:?}; showing the first.")}</p> })}
            <label>
                "Model "
                <select id="model" on:change=move |e| router.go(Route { model: Some(event_target_value(&e)), ..route.get_untracked() }) prop:value=move || model.get().unwrap_or_default()>
                    {move || names.get().into_iter().map(|n| view! { <option value=n.clone() selected=Some(n.clone()) == model.get()>{crate::page::text::visible(&n)}</option> }).collect_view()}
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
