//! Pair: group A against group B of a column: their 9 coefficient distributions overlaid, the drift
//! per component, each group's own eigen-filters, sampled raw filters, and their layers' quality.

mod figures;

use filterscope_site::Where;
use filterscope_web::protocol::{Answer, Failure, PairAnswer, Request, REST};
use leptos::prelude::*;

use crate::page::figure::Figure;
use crate::page::loader::Loader;
use crate::page::route::Router;
use crate::page::settled::Waiting;
use crate::page::widgets::group_controls::{default_by, GroupControls};
use crate::page::widgets::large::Notice;

/// The column and the two groups of the pair shown.
fn shown_pair(d: &Option<Result<PairAnswer, Failure>>) -> Option<(String, [String; 2])> {
    match d {
        Some(Ok(p)) => Some((p.by.clone(), p.labels.clone())),
        _ => None,
    }
}

/// The pair view.
// One function: the two requests, the pickers and the markup; each figure is built in
// figures.rs.
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
    // The worker merges the groups' sketches (first their counts, then their moments for
    // their own PCA), picks their lite samples and layer quality; the page draws.
    let answer = loader.answer_asking(move || {
        let r = route.get();
        let by = by.get();
        (!by.is_empty()).then(|| Request::Pair {
            by,
            wheres: r.wheres.clone(),
            a: r.a.clone(),
            b: r.b.clone(),
        })
    });
    let data = Memo::new(move |_| match answer.get()? {
        Ok(Answer::Pair(p)) => Some(Ok(*p)),
        Ok(_) => None,
        Err(e) => Some(Err(e)),
    });
    // Then each group's own PCA (the groups' moments) and their sampled filters and layers
    // (larger downloads: drawn when they come).
    // Asked once the pair's first plots are painted: asked at once, their downloads shared the
    // link with the last of the first answer's drawing (250 KB more before the first plot at
    // 50 Mbit/s).
    // Meanwhile the page is not settled: more is coming.
    let painted = RwSignal::new(None::<(String, [String; 2])>);
    let deferred = Waiting::new();
    Effect::new(move |_| {
        let shown = data.with(shown_pair);
        painted.set(None);
        let Some(shown) = shown else {
            deferred.done();
            return;
        };
        deferred.start();
        request_animation_frame(move || {
            set_timeout(
                move || {
                    // Still the pair shown (not one picked since): ask for the rest.
                    if data.try_with_untracked(shown_pair).flatten().as_ref() == Some(&shown) {
                        painted.set(Some(shown));
                        deferred.done();
                    }
                },
                std::time::Duration::ZERO,
            )
        });
    });
    // A request about the pair painted, once it is.
    type Make = fn(String, Vec<Where>, String, String) -> Request;
    let follow = move |make: Make| {
        loader.answer(move || {
            let (by, [a, b]) = painted.get()?;
            Some(make(by, route.get_untracked().wheres, a, b))
        })
    };
    let eigen_answer = follow(|by, wheres, a, b| Request::PairEigen { by, wheres, a, b });
    let own_pca = Memo::new(move |_| match eigen_answer.get() {
        Some(Ok(Answer::PairEigen(e))) => Some(e),
        _ => None,
    });
    let samples_answer = follow(|by, wheres, a, b| Request::PairSamples { by, wheres, a, b });
    let extra = Memo::new(move |_| match samples_answer.get() {
        Some(Ok(Answer::PairSamples(x))) => Some(*x),
        _ => None,
    });
    let ok = move || data.with(|d| matches!(d, Some(Ok(_))));
    // The groups to pick from, so any pair is reachable by keyboard as well as from the heatmap;
    // B may also be every other group at once.
    let choices = Memo::new(move |_| {
        data.with(|d| match d {
            Some(Ok(p)) => p.choices.clone(),
            _ => vec![],
        })
    });
    let options = move |g: usize| {
        let mut c = choices.get();
        if g == 1 && !c.iter().any(|v| v == REST) {
            c.push(REST.to_string());
        }
        c
    };
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
                    {move || options(g).into_iter().map(|c| view! { <option value=c.clone() selected=c == current(g)>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let per_component = figures::per_component(data);
    let distributions = (0..9)
        .map(|i| {
            let plot = figures::distribution(data, i);
            view! { <Figure plot=plot id=["dist-0", "dist-1", "dist-2", "dist-3", "dist-4", "dist-5", "dist-6", "dist-7", "dist-8"][i] width=300 height=200/> }
        })
        .collect_view();
    let eigen = |g| figures::eigen(data, own_pca, g);
    let samples = |g| figures::samples(data, extra, g);
    let density = |g| figures::density(data, extra, g);
    let scatter = figures::scatter(data, extra);
    view! {
        <section aria-labelledby="pair-h">
            <h2 id="pair-h" tabindex="-1">{move || data.with(|d| match d { Some(Ok(p)) => format!("{} vs {}", p.labels[0], p.labels[1]), _ => "Pair".into() })}</h2>
            <GroupControls/>
            <div class="controls-row">{picker(0)} {picker(1)}</div>
            {move || data.with(|d| match d { Some(Err(e)) => Some(view! { <Notice failure=e.clone() what="This pair needs"/> }), _ => None })}
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
