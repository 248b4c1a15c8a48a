//! Your model (`?view=yours`): a visitor's ONNX file held against the site, in the browser. The
//! file is read locally and goes to the data worker (transferred, never uploaded); the worker
//! fetched what it needs when the view opened, so nothing is requested after the file is chosen.
//! It shows the model's layers' quality, D to every model of the site (nearest first), to the
//! groups of a column and per depth bucket, and the model's coefficient distributions over the
//! site's.

use filterscope_site::{Ranked, YoursReport};
use filterscope_stats::{distribution, BinRule, N_BINS};
use filterscope_web::protocol::{Answer, Request};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::figure::Figure;
use crate::loader::Loader;
use crate::plot::Plot;

/// Models in the nearest-models figure (its table and CSV hold the same; the CLI lists all).
const NEAREST_SHOWN: usize = 20;

/// Bars of ranked names (those with a D).
fn bars(title: String, ranked: &[Ranked]) -> Plot {
    let shown: Vec<&Ranked> = ranked.iter().filter(|r| r.d.is_some()).collect();
    Plot::Bars {
        title,
        labels: shown.iter().map(|r| r.name.clone()).collect(),
        values: shown.iter().map(|r| r.d.unwrap_or(f64::NAN)).collect(),
        y_label: "D".into(),
        extra: vec![],
    }
}

/// The plots of a report: layers, nearest models, depth buckets.
fn figures(r: &YoursReport) -> (Plot, Plot, Plot) {
    let layers = Plot::Lines {
        title: format!("Layers of {}: quality in graph order", r.model),
        x_label: "3x3 layer".into(),
        y_label: "value".into(),
        x: (0..r.layers.len()).map(|k| k as f64).collect(),
        series: vec![
            (
                "sparsity".into(),
                r.layers.iter().map(|l| l.sparsity).collect(),
            ),
            (
                "H / TH".into(),
                r.layers.iter().map(|l| l.variance_entropy_ratio).collect(),
            ),
            (
                "orthogonality".into(),
                r.layers
                    .iter()
                    .map(|l| l.orthogonality.unwrap_or(f64::NAN))
                    .collect(),
            ),
        ],
        marks: r.layers.iter().map(|l| l.degenerated).collect(),
    };
    let n = NEAREST_SHOWN.min(r.nearest.len());
    let nearest = bars(
        format!("D to the site's models: the nearest {n}"),
        &r.nearest[..n],
    );
    let depth = bars(
        "D per depth bucket: its filters there against the site's there".into(),
        &r.depth_buckets,
    );
    (layers, nearest, depth)
}

/// The model's distribution of component `c` against the site's, over the site's bins.
fn distributions(r: &YoursReport, c: usize, (lo, hi): (f64, f64)) -> Plot {
    let rule = BinRule::new(lo, hi);
    let part = |counts: &[u64]| distribution(&counts[c * N_BINS..(c + 1) * N_BINS], &rule);
    let edges = rule.edges();
    Plot::Lines {
        title: format!("Distribution of coefficient c{c}"),
        x_label: format!("c{c}"),
        y_label: "share of filters".into(),
        x: edges.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect(),
        series: vec![
            (r.model.clone(), part(&r.counts)),
            ("the site".into(), part(&r.site_counts)),
        ],
        marks: vec![],
    }
}

/// The Your model view.
#[component]
pub fn Yours() -> impl IntoView {
    let loader = expect_context::<Loader>();
    // What the comparison needs, fetched now: nothing is requested once a file is chosen.
    let prepared = loader.answer(|| Some(Request::YoursPrepare));
    let ready = Memo::new(move |_| matches!(prepared.get(), Some(Ok(Answer::Prepared))));
    // The app is kept for offline use now, not after the first plot as on other views: that
    // would fetch the app's files after the visitor chose their file.
    Effect::new(move |_| {
        if ready.get() {
            filterscope_web::cache::register_service_worker();
        }
    });
    let result = RwSignal::new(None::<Result<Answer, String>>);
    let chosen = RwSignal::new(None::<String>);
    let column = RwSignal::new("Task".to_string());
    let component = RwSignal::new(0usize);
    let take = move |file: web_sys::File| {
        let name = file.name();
        chosen.set(Some(name.clone()));
        result.set(None);
        spawn_local(async move {
            match JsFuture::from(file.array_buffer()).await {
                Ok(buf) => loader.ask_file(name, buf.unchecked_into(), result),
                Err(_) => result.set(Some(Err(format!(
                    "{name}: the browser could not read the file"
                )))),
            }
        });
    };
    let on_change = move |e: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&e);
        if let Some(f) = input.files().and_then(|l| l.get(0)) {
            take(f);
        }
    };
    let on_drop = move |e: web_sys::DragEvent| {
        e.prevent_default();
        if let Some(f) = e
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|l| l.get(0))
        {
            take(f);
        }
    };
    let report = Memo::new(move |_| match result.get() {
        Some(Ok(Answer::Yours(r))) => Some(*r),
        _ => None,
    });
    let plots = Memo::new(move |_| report.with(|r| r.as_ref().map(figures)));
    let layers = Signal::derive(move || plots.with(|p| p.as_ref().map(|p| p.0.clone())));
    let nearest = Signal::derive(move || plots.with(|p| p.as_ref().map(|p| p.1.clone())));
    let depth = Signal::derive(move || plots.with(|p| p.as_ref().map(|p| p.2.clone())));
    let columns = Memo::new(move |_| {
        report.with(|r| {
            r.as_ref()
                .map(|r| r.by.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let by = Signal::derive(move || {
        report.with(|r| {
            let r = r.as_ref()?;
            let col = column.get();
            let groups = r.by.get(&col).or_else(|| r.by.values().next())?;
            Some(bars(format!("D to each {col} group of the site"), groups))
        })
    });
    let range = Memo::new(move |_| {
        loader
            .with_catalog(|c| (c.manifest.coef_range[0], c.manifest.coef_range[1]))
            .unwrap_or((-1.0, 1.0))
    });
    let dists = Signal::derive(move || {
        report.with(|r| {
            r.as_ref()
                .map(|r| distributions(r, component.get(), range.get()))
        })
    });
    let summary = move || {
        report.with(|r| {
            r.as_ref().map(|r| {
                format!(
                    "{}: {} filters in {} 3x3 layers, {} degenerated; {:.4}% of its coefficients outside the site's range (counted in the end bins). Nearest model: {} (D = {:.4}).",
                    r.model,
                    r.n_filters,
                    r.n_layers,
                    r.layers.iter().filter(|l| l.degenerated).count(),
                    100.0 * r.outside_range,
                    r.nearest.first().map(|n| n.name.as_str()).unwrap_or("-"),
                    r.nearest.first().and_then(|n| n.d).unwrap_or(f64::NAN),
                )
            })
        })
    };
    view! {
        <section aria-labelledby="yours-h">
            <h2 id="yours-h" tabindex="-1">"Your model against the data"</h2>
            <p class="help">"Choose or drop a trained model in ONNX format (self-contained, float weights). It is read in this browser tab: the file is not uploaded, and nothing is requested once you choose it. Its 3x3 filters are scaled, projected on this site's basis and binned into its 70 bins, as the site's own models are; D is computed as everywhere."</p>
            <label class="drop" on:dragover=move |e: web_sys::DragEvent| e.prevent_default() on:drop=on_drop>
                "Choose an .onnx file, or drop it here: "
                <input id="yours-file" type="file" accept=".onnx" on:change=on_change disabled=move || !ready.get()/>
            </label>
            {move || match (chosen.get(), result.get()) {
                (Some(name), None) => view! { <p class="notice" role="status">"Reading " {name} " in the data worker…"</p> }.into_any(),
                (_, Some(Err(e))) => view! { <p class="notice error" role="status" id="yours-error">{e}</p> }.into_any(),
                _ => ().into_any(),
            }}
            <Show when=move || report.with(|r| r.is_some())>
                <p id="yours-summary" role="status">{summary}</p>
                <div class="grid">
                    <Figure plot=layers id="yours-layers" width=640 height=360/>
                    <Figure plot=nearest id="yours-nearest" width=640 height=420/>
                </div>
                <div class="controls-row">
                    <label>
                        "Groups of "
                        <select id="yours-by" on:change=move |e| column.set(event_target_value(&e)) prop:value=move || column.get()>
                            {move || columns.get().into_iter().map(|c| view! { <option value=c.clone() selected=c == column.get()>{c.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>
                        "Component "
                        <select id="yours-component" on:change=move |e| component.set(event_target_value(&e).parse().unwrap_or(0))>
                            {(0..9).map(|c| view! { <option value=c.to_string()>{format!("c{c}")}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                <div class="grid">
                    <Figure plot=by id="yours-by-groups" width=640 height=360/>
                    <Figure plot=depth id="yours-depth" width=640 height=360/>
                    <Figure plot=dists id="yours-dist" width=640 height=360/>
                </div>
            </Show>
        </section>
    }
}
