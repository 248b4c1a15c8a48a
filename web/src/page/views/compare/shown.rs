//! What the compare view shares with its controls (the search box and the matrix controls): the
//! comparison shown, its order, scale and window, and the groups found. Its own file so that the
//! controls read it without importing the view that holds them.

use std::sync::Arc;

use filterscope_site::{Comparison, Order};
use filterscope_web::protocol::{Answer, Failure, Request};
use leptos::prelude::*;

use crate::page::loader::Loader;
use crate::page::matrix::nav::Window;
use crate::page::plot::ScaleKind;
use crate::page::route::Route;

/// A group's label with its size: models, or layers when grouping by model.
pub fn label(c: &Comparison, i: usize) -> String {
    let n = if c.by == "model" {
        c.n_layers[i]
    } else {
        c.n_models[i]
    };
    format!("{} ({n})", c.groups[i])
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
}

impl Shown {
    /// The comparison of `by` the route asks for, and everything shown of it; with the matrix in
    /// display order, computed once per comparison and order and shared by every zoom and pan.
    pub fn derive(
        route: RwSignal<Route>,
        by: Memo<String>,
        loader: Loader,
    ) -> (Shown, Memo<Arc<Vec<Vec<f64>>>>) {
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
        (shown, values)
    }

    /// Groups in the comparison (0 while none).
    pub fn n(&self) -> usize {
        self.order.with(|o| o.len())
    }
}
