//! Compare: the drift D between the groups of a column as a heatmap (ordered by similarity, mean
//! drift or name; coloured on a linear, log or rank scale; zoomable), the spread of the drift
//! values, a search over the groups and the nearest groups of the selected one. A click or Enter
//! on a cell opens the pair. Order, scale, zoom and search live in the URL.

mod describe;
mod find;
mod matrix_controls;
mod method_controls;
mod shown;

use std::sync::Arc;

use filterscope_site::Order;
use leptos::prelude::*;

use crate::page::figure::Figure;
use crate::page::loader::Loader;
use crate::page::matrix::nav::Window;
use crate::page::matrix::MatrixHooks;
use crate::page::plot::{branches, ColourScale, Plot};
use crate::page::route::{Route, Router, View};
use crate::page::widgets::group_controls::{grouping, GroupControls};
use crate::page::widgets::large::Notice;
use find::FindGroups;
use matrix_controls::MatrixControls;
use method_controls::MethodControls;
use shown::{label, spread_of, Shown};

/// The compare view.
// One function: the heatmap's hooks (open, zoom, describe) close over the memos of the same
// comparison (shown.rs derives them, describe.rs words a cell); the rest is markup.
#[component]
pub fn Compare() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let route = router.route;
    let by = grouping(route, loader);
    let (shown, values) = Shown::derive(route, by, loader);
    let Shown {
        comparison,
        order,
        order_kind,
        scale,
        window,
        cursor,
        hits,
        ..
    } = shown;
    let fitted = Memo::new(move |_| Arc::new(values.with(|v| ColourScale::new(scale.get(), v))));
    // A new comparison or order moves every group: the focus cell starts again.
    Effect::new(move |_| {
        order.track();
        cursor.set(None);
    });
    let heatmap = Memo::new(move |_| {
        comparison.with(|c| match c {
            Some(Ok(c)) if !c.groups.is_empty() => {
                let o = order.get();
                Some(Plot::Heatmap {
                    title: format!("Drift D between groups of {}", c.by),
                    labels: o.iter().map(|&i| label(c, i)).collect(),
                    values: values.get(),
                    scale: fitted.get(),
                    window: window.get(),
                    tree: if order_kind.get() == Order::Cluster {
                        branches(&c.tree, &o)
                    } else {
                        vec![]
                    },
                    spread: spread_of(c, &o, route.with(|r| r.grey)).map(Arc::new),
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
    let set_window = Callback::new(move |w: Window| {
        let n = order.with_untracked(|o| o.len());
        router.replace(Route {
            zoom: (!w.is_full(n)).then_some(w),
            ..route.get_untracked()
        });
    });
    let describe = describe::describer(comparison, order, loader);
    let marked = Memo::new(move |_| {
        hits.with(|hit| {
            order.with(|o| {
                o.iter()
                    .map(|&g| hit.get(g).copied().unwrap_or(false))
                    .collect()
            })
        })
    });
    let hooks = MatrixHooks {
        open: open_pair,
        window: set_window,
        cursor,
        marked: marked.into(),
        describe,
    };
    provide_context(shown);
    view! {
        <section aria-labelledby="compare-h">
            <h2 id="compare-h" tabindex="-1">"Compare groups"</h2>
            <p class="help">"Each cell is the drift D between two groups' filter distributions: the symmetric KL divergence of their 9 principal-coefficient histograms, weighted by explained variance. 0 means alike. Click a cell, or Tab to the matrix, move with the arrow keys and press Enter, to compare that pair. Zoom with the wheel, a pinch, the buttons or + and −; drag or Shift+arrows to pan."</p>
            <GroupControls/>
            <MethodControls/>
            <MatrixControls set_window=set_window/>
            {move || match comparison.get() {
                Some(Err(e)) => view! { <Notice failure=e what="This view needs"/> }.into_any(),
                Some(Ok(c)) if c.groups.is_empty() => view! { <p class="notice" role="status">"No layer matches these filters."</p> }.into_any(),
                _ => ().into_any(),
            }}
            <div class="grid" class:hidden=move || comparison.with(|c| matches!(c, Some(Err(_))))>
                <Figure plot=heatmap id="heatmap" width=760 height=560 matrix=hooks keep_aspect=true/>
                <div class="side">
                    <FindGroups open=open_pair set_window=set_window/>
                    <Figure plot=spread id="drift-box" width=300 height=420/>
                </div>
            </div>
        </section>
    }
}
