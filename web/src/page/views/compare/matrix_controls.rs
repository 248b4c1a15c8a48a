//! The compare heatmap's controls: group order, colour scale and zoom buttons (for a visitor
//! without a wheel or the keyboard shortcuts). All of them change the URL.

use filterscope_site::Order;
use leptos::prelude::*;

use super::shown::Shown;
use crate::page::matrix::nav::Window;
use crate::page::plot::ScaleKind;
use crate::page::route::{Route, Router};

/// What each order is called in the select.
fn order_name(o: Order) -> &'static str {
    match o {
        Order::Cluster => "similarity (clusters)",
        Order::Mean => "mean drift",
        Order::Name => "name",
    }
}

/// Order and colour selects and zoom buttons.
#[component]
pub fn MatrixControls(set_window: Callback<Window>) -> impl IntoView {
    let router = expect_context::<Router>();
    let shown = expect_context::<Shown>();
    let route = router.route;
    let set_order = move |v: String| {
        if let Ok(o) = v.parse() {
            // Another order moves every group: a zoomed window would show other groups.
            router.replace(Route {
                order: Some(o),
                zoom: None,
                ..route.get_untracked()
            });
        }
    };
    let set_scale = move |v: String| {
        if let Ok(k) = v.parse() {
            router.replace(Route {
                scale: Some(k),
                ..route.get_untracked()
            });
        }
    };
    // Zoom around the focus cell, or the window's centre.
    let zoom = move |steps: i32| {
        let n = shown.n();
        if n == 0 {
            return;
        }
        let w = shown.window.get_untracked();
        let at = shown
            .cursor
            .get_untracked()
            .unwrap_or((w.r0 + w.k / 2, w.c0 + w.k / 2));
        set_window.run(w.zoom(n, steps, at));
    };
    let full = move || {
        let n = shown.n();
        shown.window.get().is_full(n)
    };
    view! {
        <div class="controls-row">
            <label>
                "Order "
                <select id="order" on:change=move |e| set_order(event_target_value(&e)) prop:value=move || shown.order_kind.get().key()>
                    {Order::ALL.into_iter().map(|o| view! { <option value=o.key() selected=move || shown.order_kind.get() == o>{order_name(o)}</option> }).collect_view()}
                </select>
            </label>
            <label>
                "Colour "
                <select id="scale" on:change=move |e| set_scale(event_target_value(&e)) prop:value=move || shown.scale.get().key()>
                    {ScaleKind::ALL.into_iter().map(|k| view! { <option value=k.key() selected=move || shown.scale.get() == k>{k.key()}</option> }).collect_view()}
                </select>
            </label>
            <span role="group" aria-label="Zoom">
                <button id="zoom-in" on:click=move |_| zoom(1) aria-label="Zoom in">"+"</button>
                <button id="zoom-out" on:click=move |_| zoom(-1) disabled=full aria-label="Zoom out">"−"</button>
                <button id="zoom-reset" on:click=move |_| set_window.run(Window::full(shown.n())) disabled=full>"Whole matrix"</button>
            </span>
        </div>
    }
}
