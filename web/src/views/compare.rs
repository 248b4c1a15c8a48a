//! Compare: the drift D between the groups of a column as a heatmap (ordered by similarity, mean
//! drift or name; coloured on a linear, log or rank scale; zoomable), the spread of the drift
//! values, a search over the groups and the nearest groups of the selected one. A click or Enter
//! on a cell opens the pair. Order, scale, zoom and search live in the URL.

use std::sync::Arc;

use filterscope_site::{Comparison, Order};
use filterscope_web::protocol::{Answer, Request};
use leptos::prelude::*;

use crate::figure::Figure;
use crate::loader::Loader;
use crate::matrix::nav::Window;
use crate::matrix::MatrixHooks;
use crate::plot::{branches, ColourScale, Plot, ScaleKind};
use crate::route::{Route, Router, View};
use crate::views::controls::{grouping, GroupControls};
use crate::views::find::{matches, FindGroups};
use crate::views::matrix_controls::MatrixControls;

/// A group's label with its size: models, or layers when grouping by model.
pub fn label(c: &Comparison, i: usize) -> String {
    let n = if c.by == "model" {
        c.n_layers[i]
    } else {
        c.n_models[i]
    };
    format!("{} ({n})", c.groups[i])
}

/// The model-level columns a model's description names, when the data has them.
const DESCRIBED: [&str; 3] = ["Task", "Visual Category", "Training-Dataset"];

/// What the compare view shares with its controls.
#[derive(Clone, Copy)]
pub struct Shown {
    pub comparison: Memo<Option<Result<Comparison, String>>>,
    /// Group indices in display order.
    pub order: Memo<Vec<usize>>,
    pub order_kind: Memo<Order>,
    pub scale: Memo<ScaleKind>,
    pub window: Memo<Window>,
    /// The keyboard's focus cell (display positions); its row is the selected group.
    pub cursor: RwSignal<Option<(usize, usize)>>,
    /// Which groups (by index) the URL's `find` matches.
    pub hits: Memo<Vec<bool>>,
}

impl Shown {
    /// Groups in the comparison (0 while none).
    pub fn n(&self) -> usize {
        self.order.with(|o| o.len())
    }
}

/// The compare view.
#[component]
pub fn Compare() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let route = router.route;
    let by = grouping(route, loader);
    // The worker fetches what the comparison needs and computes it, with its clustering.
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
    let order_kind = Memo::new(move |_| {
        route
            .get()
            .order
            .unwrap_or_else(|| Order::default_for(&by.get()))
    });
    let order = Memo::new(move |_| {
        comparison.with(|c| match c {
            Some(Ok(c)) => c.order(order_kind.get()),
            _ => vec![],
        })
    });
    // The matrix in display order, computed once per comparison and order, and shared by every
    // zoom and pan of it.
    let values = Memo::new(move |_| {
        comparison.with(|c| match c {
            Some(Ok(c)) => {
                let o = order.get();
                Arc::new(
                    o.iter()
                        .map(|&i| o.iter().map(|&j| c.d[i][j]).collect::<Vec<f64>>())
                        .collect::<Vec<_>>(),
                )
            }
            _ => Arc::new(vec![]),
        })
    });
    let scale = Memo::new(move |_| {
        route
            .get()
            .scale
            .unwrap_or_else(|| values.with(|v| ScaleKind::default_for(v)))
    });
    let fitted = Memo::new(move |_| Arc::new(values.with(|v| ColourScale::new(scale.get(), v))));
    let window = Memo::new(move |_| {
        let n = order.with(|o| o.len());
        route
            .get()
            .zoom
            .map(|w| w.clamped(n.max(1)))
            .unwrap_or(Window::full(n))
    });
    let cursor = RwSignal::new(None::<(usize, usize)>);
    let hits = Memo::new(move |_| {
        let needle = route.get().find.unwrap_or_default();
        comparison.with(|c| match c {
            Some(Ok(c)) => matches(c, &needle),
            _ => vec![],
        })
    });
    let shown = Shown {
        comparison,
        order,
        order_kind,
        scale,
        window,
        cursor,
        hits,
    };
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
    // A model's Task, Visual Category and training data, for the hover line.
    let details = Memo::new(move |_| {
        comparison.with(|c| match c {
            Some(Ok(c)) if c.by == "model" => loader
                .with_catalog(|cat| {
                    let cols: Vec<usize> = DESCRIBED
                        .iter()
                        .filter_map(|d| cat.manifest.model_columns.iter().position(|c| c == d))
                        .collect();
                    c.groups
                        .iter()
                        .map(|g| {
                            cat.models
                                .iter()
                                .find(|m| &m.name == g)
                                .map(|m| {
                                    let v: Vec<&str> = cols
                                        .iter()
                                        .map(|&k| m.values[k].as_str())
                                        .filter(|v| !v.is_empty())
                                        .collect();
                                    v.join(", ")
                                })
                                .unwrap_or_default()
                        })
                        .collect::<Vec<String>>()
                })
                .unwrap_or_default(),
            _ => vec![],
        })
    });
    let describe = Callback::new(move |(i, j): (usize, usize)| {
        let o = order.get_untracked();
        let n = o.len();
        comparison.with_untracked(|c| match c {
            Some(Ok(c)) if i < n && j < n => {
                let d = details.get_untracked();
                let name = |k: usize| match d.get(o[k]).filter(|s| !s.is_empty()) {
                    Some(s) => format!("[{k}] {} [{s}]", label(c, o[k])),
                    None => format!("[{k}] {}", label(c, o[k])),
                };
                format!(
                    "{} vs {}: D = {:.4} (row {}, column {} of {n})",
                    name(i),
                    name(j),
                    c.d[o[i]][o[j]],
                    i + 1,
                    j + 1,
                )
            }
            _ => String::new(),
        })
    });
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
            <MatrixControls set_window=set_window/>
            {move || match comparison.get() {
                Some(Err(e)) => view! { <p class="notice" role="status">{e}</p> }.into_any(),
                Some(Ok(c)) if c.groups.is_empty() => view! { <p class="notice" role="status">"No layer matches these filters."</p> }.into_any(),
                _ => ().into_any(),
            }}
            <div class="grid">
                <Figure plot=heatmap id="heatmap" width=760 height=560 matrix=hooks keep_aspect=true/>
                <div class="side">
                    <FindGroups open=open_pair set_window=set_window/>
                    <Figure plot=spread id="drift-box" width=300 height=420/>
                </div>
            </div>
        </section>
    }
}
