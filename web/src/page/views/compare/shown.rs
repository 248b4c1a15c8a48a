//! What the compare view shares with its controls (the search box and the matrix controls): the
//! comparison shown, its order, scale and window, and the groups found. Its own file so that the
//! controls read it without importing the view that holds them.

use std::sync::Arc;

use filterscope_site::{Comparison, Method, Order, SMALL_GROUP};
use filterscope_web::protocol::{Answer, Failure, Request};
use leptos::prelude::*;

use crate::page::loader::Loader;
use crate::page::matrix::nav::Window;
use crate::page::plot::{CellSpread, ScaleKind};
use crate::page::route::Route;

/// A group's label with its size: models, or layers when grouping by model; a group of fewer
/// than [`SMALL_GROUP`] models is marked with `*`.
pub fn label(c: &Comparison, i: usize) -> String {
    if c.by == "model" {
        return format!("{} ({})", c.groups[i], c.n_layers[i]);
    }
    let n = c.n_models[i];
    let mark = if n < SMALL_GROUP { "*" } else { "" };
    format!("{} ({n}){mark}", c.groups[i])
}

/// Which groups (by index) contain `needle`, ignoring case; none for an empty needle.
pub fn matches(c: &Comparison, needle: &str) -> Vec<bool> {
    let needle = needle.trim().to_lowercase();
    c.groups
        .iter()
        .map(|g| !needle.is_empty() && g.to_lowercase().contains(&needle))
        .collect()
}

/// What the compare view shares with its controls.
#[derive(Clone, Copy)]
pub struct Shown {
    pub comparison: Memo<Option<Result<Comparison, Failure>>>,
    /// Group indices in display order.
    pub order: Memo<Vec<usize>>,
    pub order_kind: Memo<Order>,
    pub scale: Memo<ScaleKind>,
    pub window: Memo<Window>,
    /// The keyboard's focus cell (display positions); its row is the selected group.
    pub cursor: RwSignal<Option<(usize, usize)>>,
    /// Which groups (by index) the URL's `find` matches.
    pub hits: Memo<Vec<bool>>,
    /// Whether intervals were asked for and are still being computed (the point estimates
    /// are shown meanwhile).
    pub resampling: Memo<bool>,
    /// The intervals' download, over the visitor's limit: shown with the button that fetches it
    /// (the point estimates are shown meanwhile).
    pub large_intervals: Memo<Option<Failure>>,
}

impl Shown {
    /// The comparison of `by` the route asks for, and everything shown of it; with the matrix in
    /// display order, computed once per comparison and order and shared by every zoom and pan.
    pub fn derive(
        route: RwSignal<Route>,
        by: Memo<String>,
        loader: Loader,
    ) -> (Shown, Memo<Arc<Vec<Vec<f64>>>>) {
        let asked = asked(route, by, loader);
        let comparison = asked.comparison;
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
                    // The floors on the diagonal, when asked for: the D of no real shift.
                    let floors = c.floor.as_ref().filter(|_| route.with(|r| r.floor));
                    Arc::new(
                        o.iter()
                            .map(|&i| {
                                o.iter()
                                    .map(|&j| match floors {
                                        Some(f) if i == j => f[i].unwrap_or(0.0),
                                        _ => c.d[i][j],
                                    })
                                    .collect::<Vec<f64>>()
                            })
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
            resampling: asked.resampling,
            large_intervals: asked.large_intervals,
        };
        (shown, values)
    }

    /// Groups in the comparison (0 while none).
    pub fn n(&self) -> usize {
        self.order.with(|o| o.len())
    }
}

/// The comparison the route asks for, whether its intervals are still being computed, and
/// whether they wait for the visitor to agree to their download. The worker fetches what it needs
/// and computes it, with its clustering: first the point estimates, then, when asked for, the
/// same with intervals (which take longer), shown as soon as they come.
struct Asked {
    comparison: Memo<Option<Result<Comparison, Failure>>>,
    resampling: Memo<bool>,
    large_intervals: Memo<Option<Failure>>,
}

fn asked(route: RwSignal<Route>, by: Memo<String>, loader: Loader) -> Asked {
    let method = Memo::new(move |_| route.with(|r| r.method()));
    let point = loader.answer_asking(move || {
        let b = by.get();
        (!b.is_empty()).then(|| Request::Compare {
            by: b,
            wheres: route.get().wheres,
            method: Method {
                resampling: None,
                ..method.get()
            },
        })
    });
    let first_plot = use_context::<crate::page::timing::FirstPlot>();
    let full = loader.answer_asking(move || {
        let (b, m) = (by.get(), method.get());
        // Asked once the point estimates are in and the page has drawn a plot, so that the
        // intervals' files do not share the link with the first plot's (the stored intervals by
        // conv_depth are 0.4 MB: beside the sums weighed by models they took the first plot
        // over 2 MB).
        let plotted = first_plot.is_none_or(|f| f.is_drawn());
        let drawn = point.with(|p| p.is_some()) && plotted;
        // Grouping by model leaves nothing to resample.
        (drawn && !b.is_empty() && b != "model" && m.resampling.is_some()).then(|| {
            Request::Compare {
                by: b,
                wheres: route.get().wheres,
                method: m,
            }
        })
    });
    let large_intervals = Memo::new(move |_| match full.get() {
        Some(Err(e @ Failure::Large { .. })) => Some(e),
        _ => None,
    });
    let comparison = Memo::new(move |_| {
        let answer = match full.get() {
            Some(a) if large_intervals.with(|l| l.is_none()) => a,
            _ => point.get()?,
        };
        match answer {
            Ok(Answer::Compare(c)) => Some(Ok(*c)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        }
    });
    // When the intervals are in (what the browser benchmark reads beside the first plot).
    Effect::new(move |_| {
        if full.with(|f| matches!(f, Some(Ok(_)))) {
            crate::page::timing::mark_once("filterscope:intervals");
        }
    });
    let resampling = Memo::new(move |_| {
        let asked = method.with(|m| m.resampling.is_some()) && by.with(|b| b != "model");
        asked && full.with(|f| f.is_none()) && point.with(|p| p.is_some())
    });
    Asked {
        comparison,
        resampling,
        large_intervals,
    }
}

/// The comparison's intervals and floors in display order `o`, when it has them.
pub fn spread_of(c: &Comparison, o: &[usize], show_grey: bool) -> Option<CellSpread> {
    let (ci, floor) = (c.ci.as_ref()?, c.floor.as_ref()?);
    let reorder = |m: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        o.iter()
            .map(|&i| o.iter().map(|&j| m[i][j]).collect())
            .collect()
    };
    Some(CellSpread {
        low: reorder(&ci.low),
        high: reorder(&ci.high),
        within: o
            .iter()
            .map(|&i| o.iter().map(|&j| c.within_noise(i, j)).collect())
            .collect(),
        floors: o.iter().map(|&i| floor[i]).collect(),
        show_grey,
    })
}
