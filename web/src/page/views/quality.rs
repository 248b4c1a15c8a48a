//! Quality (`?view=quality&by=COL`): the site's layers group by group: the distributions of
//! layer sparsity, H/TH and orthogonality (a box per group), the share of degenerated layers, and
//! that share along depth. Computed by the worker (`SiteData::quality_by`). A model from the Your
//! model view (a file, or a link's fragment) can be overlaid: its layers as one more group, each
//! drawn as a dot.

use filterscope_site::{QualityBy, YoursReport};
use filterscope_stats::{depth_bucket, DEPTH_BUCKETS, DEPTH_LABELS};
use filterscope_web::protocol::{Answer, Request};
use leptos::prelude::*;

use crate::page::figure::Figure;
use crate::page::loader::Loader;
use crate::page::plot::Plot;
use crate::page::route::Router;
use crate::page::views::yours::figures::{layer_points, Measure};
use crate::page::views::yours::state::YoursState;
use crate::page::widgets::group_controls::{grouping, GroupControls};
use crate::page::widgets::large::Notice;

/// Groups drawn as lines along depth (more would be a tangle; the table has them all).
const MAX_LINES: usize = 12;

/// The label of an overlaid model's group.
fn yours_label(r: &YoursReport) -> String {
    format!("{} (yours)", r.model)
}

fn boxes(q: &QualityBy, m: Measure, overlay: Option<&YoursReport>) -> Plot {
    let mut groups: Vec<(String, Vec<f64>)> = q
        .groups
        .iter()
        .map(|g| (g.label.clone(), m.of_group(g).to_vec()))
        .collect();
    let mut points = vec![];
    if let Some(r) = overlay {
        let at = groups.len();
        let values = (0..r.layers.len()).map(|k| m.of_layer(r, k));
        groups.push((yours_label(r), values.filter(|x| x.is_finite()).collect()));
        points = layer_points(r, m, |_| at);
    }
    Plot::Boxes {
        title: format!("Layer {} by {}", m.name(), q.by),
        label: m.name().into(),
        groups,
        points,
    }
}

/// Per depth bucket: the model's layers there, and its degenerated ones.
fn model_by_depth(r: &YoursReport) -> Vec<[u64; 2]> {
    let mut out = vec![[0u64; 2]; DEPTH_BUCKETS];
    for (l, d) in r.layers.iter().zip(&r.depth) {
        let b = depth_bucket(*d).unwrap_or(0);
        out[b][0] += 1;
        out[b][1] += u64::from(l.degenerated);
    }
    out
}

fn share(n: u64, of: u64) -> f64 {
    if of == 0 {
        f64::NAN
    } else {
        n as f64 / of as f64
    }
}

/// The quality view.
// One function: one request, the measure picker and the memos of its figures over the same
// answer; the rest is markup.
#[component]
pub fn Quality() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let by = grouping(router.route, loader);
    let answer = loader.answer_asking(move || {
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
    // The visitor's model, overlaid while the box is ticked (and only with its layers: a link
    // may have left them out).
    let state = expect_context::<YoursState>();
    let overlay_on = RwSignal::new(true);
    let model = Memo::new(move |_| {
        state.answer.with(|a| {
            a.as_ref()
                .map(|a| a.report.clone())
                .filter(|r| !r.layers.is_empty())
        })
    });
    let overlay = Memo::new(move |_| model.get().filter(|_| overlay_on.get()));
    Effect::new(move |_| {
        router.route.track();
        state.show_in_url(overlay.with(Option::is_some));
    });
    let plot = move |f: fn(&QualityBy, Option<&YoursReport>) -> Plot| {
        Signal::derive(move || {
            overlay.with(|o| {
                data.with(|d| {
                    d.as_ref()
                        .and_then(|d| d.as_ref().ok())
                        .map(|q| f(q, o.as_ref()))
                })
            })
        })
    };
    let sparsity = plot(|q, o| boxes(q, Measure::Sparsity, o));
    let entropy = plot(|q, o| boxes(q, Measure::EntropyRatio, o));
    let orthogonality = plot(|q, o| boxes(q, Measure::Orthogonality, o));
    let degenerated = plot(|q, o| {
        let mut rows: Vec<(String, u64, u64)> = q
            .groups
            .iter()
            .map(|g| (g.label.clone(), g.n_layers, g.n_degenerated))
            .collect();
        if let Some(r) = o {
            let n = r.layers.iter().filter(|l| l.degenerated).count() as u64;
            rows.push((yours_label(r), r.layers.len() as u64, n));
        }
        Plot::Bars {
            title: format!("Share of degenerated layers by {}", q.by),
            labels: rows.iter().map(|r| r.0.clone()).collect(),
            values: rows.iter().map(|r| share(r.2, r.1)).collect(),
            y_label: "share".into(),
            extra: vec![
                ("layers".into(), rows.iter().map(|r| r.1 as f64).collect()),
                (
                    "degenerated".into(),
                    rows.iter().map(|r| r.2 as f64).collect(),
                ),
            ],
        }
    });
    let along = plot(|q, o| {
        let along = |by_depth: &[[u64; 2]]| by_depth.iter().map(|[n, d]| share(*d, *n)).collect();
        let mut series: Vec<(String, Vec<f64>)> = q
            .groups
            .iter()
            .take(MAX_LINES)
            .map(|g| (g.label.clone(), along(&g.by_depth)))
            .collect();
        if let Some(r) = o {
            series.push((yours_label(r), along(&model_by_depth(r))));
        }
        Plot::Lines {
            title: format!("Share of degenerated layers along depth, by {}", q.by),
            x_label: "depth bucket (0 = first tenth of a model's conv layers)".into(),
            y_label: "share".into(),
            x: (0..DEPTH_LABELS.len()).map(|b| b as f64).collect(),
            series,
            marks: vec![],
        }
    });
    view! {
        <section aria-labelledby="quality-h">
            <h2 id="quality-h" tabindex="-1">"Layer quality by group"</h2>
            <p class="help">"Every layer's sparsity (share of filters with every |weight| below 1% of the layer's largest), variance entropy over its randomness threshold (H / TH), orthogonality, and whether it is degenerated (as random as noise, or mostly zeros), grouped by the column you choose. Boxes span the quartiles, with the median and whiskers to the extremes."</p>
            <GroupControls/>
            {move || model.get().map(|r| view! {
                <label class="controls-row">
                    <input type="checkbox" id="quality-overlay" prop:checked=move || overlay_on.get()
                        on:change=move |e| overlay_on.set(event_target_checked(&e))/>
                    {format!("Overlay {} (from Your model): its layers as one more group, each a dot (a cross if degenerated)", r.model)}
                </label>
            })}
            {move || match data.get() {
                Some(Err(e)) => view! { <Notice failure=e what="This view needs"/> }.into_any(),
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
