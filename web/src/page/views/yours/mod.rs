//! Your model (`?view=yours`): a visitor's model files (ONNX, safetensors, PyTorch; up to 16)
//! held against the site and against each other, in the browser. The files are read locally and
//! go to the data worker one at a time (transferred, never uploaded); the worker fetched what it
//! needs when the view opened, so nothing is requested after the files are chosen.
//! It shows the model's layers' quality over the site's, D to every model of the site (nearest
//! first), to the groups of a column and per depth bucket, and the model's coefficient
//! distributions over the site's. A link to the view carries the model's sketches in its
//! fragment ([`YoursState`]), so that it reopens without the file.

mod between;
pub mod figures;
mod groups;
mod models;
mod picker;
mod share;
pub mod state;
mod tensors;

use filterscope_site::{QualityBy, YoursReport};
use filterscope_web::protocol::{Answer, Request};
use leptos::prelude::*;

use crate::page::figure::Figure;
use crate::page::loader::Loader;
use crate::page::plot::Plot;
use between::Between;
use figures::{self as figs, Measure};
use groups::Groups;
use models::Models;
use picker::Picker;
use share::Share;
use state::YoursState;
use tensors::Tensors;

/// The Your model view.
#[component]
pub fn Yours() -> impl IntoView {
    let loader = expect_context::<Loader>();
    let answer = expect_context::<YoursState>().answer;
    // What the comparison needs, fetched now: nothing is requested once a file is chosen.
    let prepared = loader.answer(|| Some(Request::YoursPrepare));
    let site_quality = loader.answer(|| {
        Some(Request::Quality {
            by: "depth".into(),
            wheres: vec![],
        })
    });
    let ready = Memo::new(move |_| {
        matches!(prepared.get(), Some(Ok(Answer::Prepared))) && site_quality.with(Option::is_some)
    });
    // The app is kept for offline use now, not after the first plot as on other views: that
    // would fetch the app's files after the visitor chose their file.
    Effect::new(move |_| {
        if ready.get() {
            crate::page::offline::register_service_worker();
        }
    });
    share::keep_in_url();
    let by_depth = RwSignal::new(true);
    let report = Memo::new(move |_| answer.with(|a| a.as_ref().map(|a| a.report.clone())));
    let site_q = Memo::new(move |_| match site_quality.get() {
        Some(Ok(Answer::Quality(q))) => Some(*q),
        _ => None,
    });
    let figure = move |f: fn(&YoursReport) -> Plot| {
        Signal::derive(move || report.with(|r| r.as_ref().map(f)))
    };
    let layers = figure(figs::layers);
    let nearest = figure(figs::nearest);
    let behind = move |m: Measure| {
        Signal::derive(move || {
            let d = by_depth.get();
            report.with(|r| {
                site_q.with(|q: &Option<QualityBy>| {
                    Some(figs::behind(r.as_ref()?, q.as_ref()?, m, d))
                })
            })
        })
    };
    let [sparsity, entropy, orthogonality] = Measure::ALL.map(behind);
    let summary = move || report.with(|r| r.as_ref().map(figs::summary));
    let opened_without = move || report.with(|r| r.as_ref().and_then(figs::opened_without));
    view! {
        <section aria-labelledby="yours-h">
            <h2 id="yours-h" tabindex="-1">"Your model against the data"</h2>
            <p class="help">"Choose or drop trained models: ONNX (self-contained, float weights), safetensors, or PyTorch checkpoints (a state_dict, or a training checkpoint holding one). They are read in this browser tab: nothing is uploaded, nothing is requested once you choose them, and nothing in a file is ever run. Their 3x3 filters are scaled, projected on this site's basis and binned into its 70 bins, as the site's own models are; D is computed as everywhere. Several models are also held against each other."</p>
            <Picker ready=ready/>
            <Models/>
            <Show when=move || report.with(|r| r.is_some())>
                <p id="yours-summary" role="status">{summary}</p>
                {move || opened_without().map(|t| view! { <p class="notice" id="yours-partial">{t}</p> })}
                <Share/>
                <p class="help">"Each dot is one of the model's layers (a cross: degenerated); the boxes are the site's layers, quartiles with the median and whiskers to the extremes."</p>
                <div class="controls-row">
                    <label>
                        "Behind its layers: "
                        <select id="yours-behind" on:change=move |e| by_depth.set(event_target_value(&e) == "depth")>
                            <option value="depth" selected=move || by_depth.get()>"the site's layers at the same depth"</option>
                            <option value="all" selected=move || !by_depth.get()>"all the site's layers"</option>
                        </select>
                    </label>
                </div>
                <div class="grid">
                    <Figure plot=sparsity id="yours-sparsity" width=640 height=360/>
                    <Figure plot=entropy id="yours-entropy" width=640 height=360/>
                    <Figure plot=orthogonality id="yours-orthogonality" width=640 height=360/>
                    <Figure plot=layers id="yours-layers" width=640 height=360/>
                    <Figure plot=nearest id="yours-nearest" width=640 height=420/>
                </div>
                <Groups report=report/>
                <Tensors report=report/>
            </Show>
            <Between/>
        </section>
    }
}
