//! How the comparison is computed, as controls and in words: the weighting (filters or models),
//! small groups left out, bootstrap intervals and their seed, and how the noise floors are shown.
//! All of them live in the URL, so a shared link reproduces the same interval to the bit.

use filterscope_site::{Weight, DEFAULT_REPLICATES, SMALL_GROUP};
use leptos::prelude::*;

use super::shown::Shown;
use crate::page::loader::Loader;
use crate::page::route::{Route, Router};
use crate::page::widgets::choice::{Choice, Toggle};
use crate::page::widgets::large::Notice;

/// Replicate counts the interval select offers (any other comes from a URL and is kept).
const REPLICATES: [u32; 3] = [200, DEFAULT_REPLICATES, 5000];

/// Minimum group sizes the select offers.
const MIN_MODELS: [u64; 4] = [2, SMALL_GROUP, 5, 10];

/// What the view says of how D was computed, under the controls.
fn stated(r: &Route, by_model: bool) -> String {
    let mut s = match r.weight.unwrap_or_default() {
        Weight::Filters => "Every filter counts once (the paper's method).".to_string(),
        Weight::Models => "Every model counts the same in its group.".to_string(),
    };
    if !by_model {
        s.push_str(&format!(
            " * marks a group of fewer than {SMALL_GROUP} models."
        ));
    }
    match (r.ci, by_model) {
        (Some(_), true) => s.push_str(" No interval when grouping by model: each group is one model, so there is nothing to resample."),
        (Some(b), false) => s.push_str(&format!(
            " Intervals: 2.5th to 97.5th percentile of D over {b} bootstrap resamples of each group's models (seed {}). Noise floor: a group's median D between random halves of its models (4 models or more).",
            r.seed.unwrap_or(0)
        )),
        (None, _) => {}
    }
    s
}

/// Weight, minimum models, interval, seed and floor controls, and the method in words.
#[component]
pub fn MethodControls() -> impl IntoView {
    let router = expect_context::<Router>();
    let shown = expect_context::<Shown>();
    let loader = expect_context::<Loader>();
    let route = router.route;
    let set = move |f: &dyn Fn(&mut Route)| {
        let mut r = route.get_untracked();
        f(&mut r);
        router.replace(r);
    };
    let by_model = move || {
        shown
            .comparison
            .with(|c| matches!(c, Some(Ok(c)) if c.by == "model"))
    };
    let ci_off = Signal::derive(move || route.with(|r| r.ci.is_none()));
    let replicates = Signal::derive(move || {
        let mut v = REPLICATES.to_vec();
        if let Some(b) = route.with(|r| r.ci).filter(|b| !v.contains(b)) {
            v.push(b);
        }
        let mut o = vec![(String::new(), "none".to_string())];
        o.extend(
            v.into_iter()
                .map(|b| (b.to_string(), format!("95%, {b} resamples"))),
        );
        o
    });
    let weights = Signal::derive(|| {
        [
            (Weight::Filters, "every filter once"),
            (Weight::Models, "every model the same"),
        ]
        .map(|(w, t)| (w.key().to_string(), t.to_string()))
        .to_vec()
    });
    let sizes = Signal::derive(|| {
        let mut o = vec![("0".to_string(), "any size".to_string())];
        o.extend(MIN_MODELS.map(|n| (n.to_string(), format!("{n}+ models"))));
        o
    });
    let text = move |f: fn(&Route) -> String| Signal::derive(move || route.with(f));
    view! {
        <div class="controls-row">
            <Choice id="weight" label="Weight" options=weights
                value=text(|r| r.weight.unwrap_or_default().key().to_string())
                pick=Callback::new(move |v: String| set(&|r| r.weight = v.parse().ok().filter(|w| *w != Weight::Filters)))/>
            <Choice id="ci" label="Interval" options=replicates
                value=text(|r| r.ci.map(|b| b.to_string()).unwrap_or_default())
                pick=Callback::new(move |v: String| set(&|r| r.ci = v.parse().ok()))/>
            <label class:hidden=move || ci_off.get()>
                "Seed "
                <input id="seed" type="number" min="0" step="1" prop:value=move || route.with(|r| r.seed.unwrap_or(0).to_string())
                    on:change=move |e| { let v = event_target_value(&e); set(&|r| r.seed = v.parse().ok().filter(|s| *s != 0)) }/>
            </label>
            <Toggle id="floor" label="Floor on the diagonal" hidden=ci_off
                checked=Signal::derive(move || route.with(|r| r.floor))
                toggle=Callback::new(move |on| set(&|r| r.floor = on))/>
            <Toggle id="grey" label="Grey D within the noise" hidden=ci_off
                checked=Signal::derive(move || route.with(|r| r.grey))
                toggle=Callback::new(move |on| set(&|r| r.grey = on))/>
            <Choice id="min-models" label="Groups of" options=sizes
                value=text(|r| r.min_models.unwrap_or(0).to_string())
                pick=Callback::new(move |v: String| set(&|r| { r.min_models = v.parse().ok().filter(|n| *n > 1); r.zoom = None; }))/>
        </div>
        <p class="help" id="method">
            {move || route.with(|r| stated(r, by_model()))}
        </p>
        {move || shown.large_intervals.get().map(|e| view! { <Notice failure=e what="The intervals need"/> })}
        {move || shown.resampling.get().then(|| {
            let (done, total) = loader.computing.get().unwrap_or((0, 1));
            view! {
                <p class="progress" id="interval-progress">
                    <progress max=total value=done aria-label="Computing intervals"></progress>
                    <span role="status">{format!("Computing intervals: {done} of {total} resamples and splits")}</span>
                </p>
            }
        })}
    }
}
