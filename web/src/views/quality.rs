//! Quality (`?view=quality&by=COL`): the site's layers group by group: the distributions of
//! layer sparsity, H/TH and orthogonality (a box per group), the share of degenerated layers, and
//! that share along depth. Computed by the worker (`SiteData::quality_by`).

use filterscope_site::{QualityBy, QualityGroup};
use filterscope_stats::DEPTH_LABELS;
use filterscope_web::protocol::{Answer, Request};
use leptos::prelude::*;

use crate::figure::Figure;
use crate::loader::Loader;
use crate::plot::Plot;
use crate::route::Router;
use crate::views::controls::{grouping, GroupControls};

/// Groups drawn as lines along depth (more would be a tangle; the table has them all).
const MAX_LINES: usize = 12;

fn boxes(q: &QualityBy, what: &str, pick: impl Fn(&QualityGroup) -> &Vec<f64>) -> Plot {
    Plot::Boxes {
        title: format!("Layer {what} by {}", q.by),
        label: what.into(),
        groups: q
            .groups
            .iter()
            .map(|g| (g.label.clone(), pick(g).clone()))
            .collect(),
    }
}

fn share(n: u64, of: u64) -> f64 {
    if of == 0 {
        f64::NAN
    } else {
        n as f64 / of as f64
    }
}

/// The quality view.
#[component]
pub fn Quality() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let by = grouping(router.route, loader);
    let answer = loader.answer(move || {
        let b = by.get();
        (!b.is_empty()).then(|| Request::Quality {
            by: b,
            wheres: router.route.get().wheres,
        })
    });
    let data = Memo::new(move |_| match answer.get() {
        Some(Ok(Answer::Quality(q))) => Some(Ok(*q)),
        Some(Err(e)) => Some(Err(e)),
        _ => None,
    });
    let plot = move |f: fn(&QualityBy) -> Plot| {
        Signal::derive(move || data.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).map(f)))
    };
    let sparsity = plot(|q| boxes(q, "sparsity", |g| &g.sparsity));
    let entropy = plot(|q| boxes(q, "H / TH", |g| &g.entropy_ratio));
    let orthogonality = plot(|q| boxes(q, "orthogonality", |g| &g.orthogonality));
    let degenerated = plot(|q| Plot::Bars {
        title: format!("Share of degenerated layers by {}", q.by),
        labels: q.groups.iter().map(|g| g.label.clone()).collect(),
        values: q
            .groups
            .iter()
            .map(|g| share(g.n_degenerated, g.n_layers))
            .collect(),
        y_label: "share".into(),
        extra: vec![
            (
                "layers".into(),
                q.groups.iter().map(|g| g.n_layers as f64).collect(),
            ),
            (
                "degenerated".into(),
                q.groups.iter().map(|g| g.n_degenerated as f64).collect(),
            ),
        ],
    });
    let along = plot(|q| Plot::Lines {
        title: format!("Share of degenerated layers along depth, by {}", q.by),
        x_label: "depth bucket (0 = first tenth of a model's conv layers)".into(),
        y_label: "share".into(),
        x: (0..DEPTH_LABELS.len()).map(|b| b as f64).collect(),
        series: q
            .groups
            .iter()
            .take(MAX_LINES)
            .map(|g| {
                (
                    g.label.clone(),
                    g.by_depth.iter().map(|[n, d]| share(*d, *n)).collect(),
                )
            })
            .collect(),
        marks: vec![],
    });
    view! {
        <section aria-labelledby="quality-h">
            <h2 id="quality-h" tabindex="-1">"Layer quality by group"</h2>
            <p class="help">"Every layer's sparsity (share of filters with every |weight| below 1% of the layer's largest), variance entropy over its randomness threshold (H / TH), orthogonality, and whether it is degenerated (as random as noise, or mostly zeros), grouped by the column you choose. Boxes span the quartiles, with the median and whiskers to the extremes."</p>
            <GroupControls/>
            {move || match data.get() {
                Some(Err(e)) => view! { <p class="notice" role="status">{e}</p> }.into_any(),
                _ => ().into_any(),
            }}
            <div class="grid">
                <Figure plot=sparsity id="quality-sparsity" width=640 height=360/>
                <Figure plot=entropy id="quality-entropy" width=640 height=360/>
                <Figure plot=orthogonality id="quality-orthogonality" width=640 height=360/>
                <Figure plot=degenerated id="quality-degenerated" width=640 height=360/>
                <Figure plot=along id="quality-depth" width=640 height=360/>
            </div>
        </section>
    }
}
