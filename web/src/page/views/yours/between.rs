//! Your models against each other: D between every two (a heatmap, in the order given or with
//! similar models side by side), and the models read as a series in the order given (checkpoints
//! along a run): D from each to the first and to the previous, overall or in one depth bucket.
//! The worker computes it from the models' sketches (the same code as `data-prep yours A B C`).

use std::sync::Arc;

use filterscope_site::Order;
use filterscope_stats::DEPTH_LABELS;
use filterscope_web::protocol::{Answer, BetweenAnswer, Request};
use leptos::prelude::*;

use super::state::YoursState;
use crate::page::figure::Figure;
use crate::page::loader::Loader;
use crate::page::matrix::nav::Window;
use crate::page::plot::{branches, ColourScale, Plot, ScaleKind};

/// The heatmap of D between the models, in `order`.
fn heatmap(a: &BetweenAnswer, order: Order) -> Plot {
    let c = &a.comparison;
    let o = c.order(order);
    let values: Vec<Vec<f64>> = o
        .iter()
        .map(|&i| o.iter().map(|&j| c.d[i][j]).collect())
        .collect();
    let scale = ColourScale::new(ScaleKind::default_for(&values), &values);
    Plot::Heatmap {
        title: "D between your models".into(),
        labels: o.iter().map(|&i| c.groups[i].clone()).collect(),
        window: Window::full(o.len()),
        values: Arc::new(values),
        scale: Arc::new(scale),
        tree: if order == Order::Cluster {
            branches(&c.tree, &o)
        } else {
            vec![]
        },
        spread: None,
    }
}

/// The series: D to the first and to the previous model, overall (`bucket` None) or in one
/// depth bucket (NaN where either model has no filters there).
fn series(a: &BetweenAnswer, bucket: Option<usize>) -> Plot {
    let s = &a.between.series;
    let pick = |v: &[Option<f64>]| bucket.and_then(|b| v.get(b).copied().flatten());
    let (first, previous): (Vec<f64>, Vec<f64>) = s
        .iter()
        .map(|step| match bucket {
            None => (step.to_first, step.to_previous.unwrap_or(f64::NAN)),
            Some(_) => (
                pick(&step.buckets_to_first).unwrap_or(f64::NAN),
                pick(&step.buckets_to_previous).unwrap_or(f64::NAN),
            ),
        })
        .unzip();
    let depth = bucket.map_or("all depths".to_string(), |b| {
        format!("depth {}", DEPTH_LABELS[b])
    });
    Plot::Lines {
        title: format!("Your models as a series, in the order given ({depth})"),
        x_label: "model (order given)".into(),
        y_label: "D".into(),
        x: (1..=s.len()).map(|k| k as f64).collect(),
        series: vec![
            ("D to the first".into(), first),
            ("D to the previous".into(), previous),
        ],
        marks: vec![false; s.len()],
    }
}

/// The section, once two models have answers.
#[component]
pub fn Between() -> impl IntoView {
    let loader = expect_context::<Loader>();
    let state = expect_context::<YoursState>();
    let sketches = Memo::new(move |_| {
        state
            .answers
            .with(|a| a.iter().map(|a| a.sketch.clone()).collect::<Vec<_>>())
    });
    let answer = loader.answer(move || {
        let models = sketches.get();
        (models.len() >= 2).then_some(Request::Between { models })
    });
    // While a model joins, the last answer stays drawn (the figures are not torn down and
    // rebuilt for every file of a batch).
    let between = Memo::new(move |prev: Option<&Option<BetweenAnswer>>| {
        if sketches.with(Vec::len) < 2 {
            return None;
        }
        match answer.get() {
            Some(Ok(Answer::Between(b))) => Some(*b),
            None => prev.cloned().flatten(),
            _ => None,
        }
    });
    let clustered = RwSignal::new(false);
    let bucket = RwSignal::new(None::<usize>);
    let map = Signal::derive(move || {
        let order = if clustered.get() {
            Order::Cluster
        } else {
            Order::Name
        };
        between.with(|b| b.as_ref().map(|b| heatmap(b, order)))
    });
    let line =
        Signal::derive(move || between.with(|b| b.as_ref().map(|b| series(b, bucket.get()))));
    let on_depth =
        move |e: web_sys::Event| bucket.set(event_target_value(&e).parse::<usize>().ok());
    view! {
        <Show when=move || between.with(Option::is_some)>
            <section id="yours-between-section" aria-labelledby="yours-between-h">
                <h3 id="yours-between-h">"Your models against each other"</h3>
                <p class="help">"D between every two of your models, on this site's basis and bins. Read as a series in the order you gave them (checkpoints along a run, before and after fine-tuning): D from each to the first and to the one before it."</p>
                <div class="controls-row">
                    <label>
                        "Order: "
                        <select id="yours-between-order" on:change=move |e| clustered.set(event_target_value(&e) == "cluster")>
                            <option value="given" selected=move || !clustered.get()>"as given"</option>
                            <option value="cluster" selected=move || clustered.get()>"similar models together"</option>
                        </select>
                    </label>
                    <label>
                        "Series at: "
                        <select id="yours-series-depth" on:change=on_depth>
                            <option value="all">"all depths"</option>
                            {DEPTH_LABELS.iter().enumerate().map(|(b, l)| view! { <option value=b.to_string()>{format!("depth {l}")}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                <div class="grid">
                    <Figure plot=map id="yours-between" width=640 height=560 keep_aspect=true/>
                    <Figure plot=line id="yours-series" width=640 height=360/>
                </div>
            </section>
        </Show>
    }
}
