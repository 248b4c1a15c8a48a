//! Compare: the drift D between the groups of a column, as a heatmap sorted by mean drift (as the
//! seed notebook orders it), and the spread of the drift values. A click opens the pair.

use filterscope_site::Comparison;
use filterscope_web::protocol::{Answer, Request};
use leptos::prelude::*;

use crate::figure::Figure;
use crate::loader::Loader;
use crate::plot::Plot;
use crate::route::{Route, Router, View};
use crate::views::controls::{grouping, GroupControls};

/// Order of groups by mean drift to the others, smallest first (ties by label).
pub fn mean_order(c: &Comparison) -> Vec<usize> {
    let n = c.groups.len();
    let mean = |i: usize| {
        if n > 1 {
            c.d[i].iter().sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        }
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        mean(a)
            .total_cmp(&mean(b))
            .then(c.groups[a].cmp(&c.groups[b]))
    });
    order
}

/// A group's label with its size: models, or layers when grouping by model.
pub fn label(c: &Comparison, i: usize) -> String {
    let n = if c.by == "model" {
        c.n_layers[i]
    } else {
        c.n_models[i]
    };
    format!("{} ({n})", c.groups[i])
}

/// The compare view.
#[component]
pub fn Compare() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let route = router.route;
    let by = grouping(route, loader);
    // The worker fetches what the comparison needs and computes it.
    let answer = loader.answer(move || {
        let b = by.get();
        (!b.is_empty()).then(|| Request::Compare {
            by: b,
            wheres: route.get().wheres,
        })
    });
    let comparison = Memo::new(move |_| match answer.get()? {
        Ok(Answer::Compare(c)) => Some(Ok(c)),
        Ok(_) => None,
        Err(e) => Some(Err(e)),
    });
    let order = Memo::new(move |_| {
        comparison.with(|c| match c {
            Some(Ok(c)) => mean_order(c),
            _ => vec![],
        })
    });
    let heatmap = Memo::new(move |_| {
        comparison.with(|c| match c {
            Some(Ok(c)) if !c.groups.is_empty() => {
                let o = order.get();
                Some(Plot::Heatmap {
                    title: format!("Drift D between groups of {}", c.by),
                    labels: o.iter().map(|&i| label(c, i)).collect(),
                    values: o
                        .iter()
                        .map(|&i| o.iter().map(|&j| c.d[i][j]).collect())
                        .collect(),
                })
            }
            _ => None,
        })
    });
    let spread = Memo::new(move |_| {
        comparison.with(|c| match c {
            Some(Ok(c)) if c.groups.len() > 1 => Some(Plot::Box {
                title: "Drift between all pairs".into(),
                label: "D".into(),
                values: (0..c.groups.len())
                    .flat_map(|i| (i + 1..c.groups.len()).map(move |j| (i, j)))
                    .map(|(i, j)| c.d[i][j])
                    .collect(),
            }),
            _ => None,
        })
    });
    let open_pair = Callback::new(move |(i, j): (usize, usize)| {
        let o = order.get_untracked();
        comparison.with_untracked(|c| {
            if let Some(Ok(c)) = c {
                router.go(Route {
                    view: Some(View::Pair),
                    by: Some(c.by.clone()),
                    a: Some(c.groups[o[i]].clone()),
                    b: Some(c.groups[o[j]].clone()),
                    ..route.get_untracked()
                });
            }
        });
    });
    view! {
        <section aria-labelledby="compare-h">
            <h2 id="compare-h" tabindex="-1">"Compare groups"</h2>
            <p class="help">"Each cell is the drift D between two groups' filter distributions: the symmetric KL divergence of their 9 principal-coefficient histograms, weighted by explained variance. 0 means alike. Click a cell to compare that pair."</p>
            <GroupControls/>
            {move || match comparison.get() {
                Some(Err(e)) => view! { <p class="notice" role="status">{e}</p> }.into_any(),
                Some(Ok(c)) if c.groups.is_empty() => view! { <p class="notice" role="status">"No layer matches these filters."</p> }.into_any(),
                _ => ().into_any(),
            }}
            <div class="grid">
                <Figure plot=heatmap id="heatmap" width=760 height=560 on_cell=open_pair keep_aspect=true/>
                <Figure plot=spread id="drift-box" width=300 height=560/>
            </div>
        </section>
    }
}
