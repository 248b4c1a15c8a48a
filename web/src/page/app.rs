//! The page: header with navigation and theme toggle, loading status, and the view the URL names.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::page::loader::{LoadStatus, Loader};
use crate::page::plot::Theme;
use crate::page::route::{Route, Router, View};
use crate::page::views::{data_title, About, Compare, Model, Overview, Pair, Quality, Yours};

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The root component.
// One function: the root creates the contexts every view expects (router, loader, theme,
// Your-model state) and the frame around the views, in one reactive owner; each view is its own
// component.
#[component]
pub fn App() -> impl IntoView {
    let router = Router::install();
    let loader = Loader::new();
    let theme = RwSignal::new(Theme {
        dark: prefers_dark(),
    });
    provide_context(router);
    provide_context(loader);
    provide_context(theme);
    provide_context(crate::page::timing::FirstPlot::new());
    let room = crate::page::figure::Room::install();
    provide_context(room);
    provide_context(crate::page::views::yours::state::YoursState::install(
        loader, router,
    ));
    Effect::new(move |_| {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute(
                "data-theme",
                if theme.get().dark { "dark" } else { "light" },
            );
        }
    });
    let route = router.route;
    // The view is built in a task of its own, after the frame (and the worker's start): the first
    // call of each wasm function compiles it on the main thread, and the frame and a view built
    // in one task held it for 70-120 ms, longer than a visitor's input may wait (50 ms).
    let framed = RwSignal::new(false);
    set_timeout(
        move || {
            // The figures' room is measured while `main` is still empty: measured while a view
            // is built, it forced a layout of the whole view.
            room.0.with_untracked(|_| ());
            framed.set(true);
        },
        std::time::Duration::ZERO,
    );
    // After a change of view (not the first), focus moves to the new view's heading, so that a
    // keyboard or screen-reader user continues from there rather than from a vanished element.
    let current = Memo::new(move |_| route.get().view());
    Effect::new(move |prev: Option<View>| {
        let v = current.get();
        if prev.is_some_and(|p| p != v) {
            let id = v.heading_id();
            request_animation_frame(move || {
                if let Some(h) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(id))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = h.focus();
                }
            });
        }
        v
    });
    let nav = View::ALL.map(|v| {
        let href = move || {
            Route {
                view: Some(v),
                ..route.get()
            }
            .to_query()
        };
        view! {
            <a
                href=href
                aria-current=move || (route.get().view() == v).then_some("page")
                on:click=move |e: web_sys::MouseEvent| {
                    e.prevent_default();
                    router.go(Route { view: Some(v), unknown: vec![], ..route.get_untracked() });
                }
            >
                {v.title()}
            </a>
        }
    });
    view! {
        <header>
            <div class="brand">
                <h1>"Filterscope"</h1>
                <p class="lede">"How trained 3x3 convolution filters differ between groups of models, computed in your browser."</p>
            </div>
            <nav aria-label="Views">{nav.into_iter().collect_view()}</nav>
            // Named by its visible text (what a speech user says), the switch explained in the title.
            <button class="theme" on:click=move |_| theme.update(|t| t.dark = !t.dark) title="Switch between the light and the dark theme">
                {move || if theme.get().dark { "Light" } else { "Dark" }}
            </button>
        </header>
        <main>
            // What a site built from sample or synthetic data says on every view.
            {move || loader.with_catalog(|c| c.manifest.provenance.banner.clone()).filter(|b| !b.is_empty()).map(|b| view! {
                <p class="banner" role="note" id="banner">{crate::page::text::visible(&b)}</p>
            })}
            <LoadStatus loader=loader/>
            <Show when=move || !route.get().unknown.is_empty()>
                <p class="notice" role="status" id="notice">
                    "Ignored unknown URL parameter(s): " {move || route.get().unknown.join(", ")}
                </p>
            </Show>
            // Only a change of view makes a new view; its state (a focus cell, a zoom) survives
            // the URL changes made within it.
            {move || framed.get().then(|| match current.get() {
                View::Overview => view! { <Overview/> }.into_any(),
                View::Compare => view! { <Compare/> }.into_any(),
                View::Pair => view! { <Pair/> }.into_any(),
                View::Model => view! { <Model/> }.into_any(),
                View::Quality => view! { <Quality/> }.into_any(),
                View::Yours => view! { <Yours/> }.into_any(),
                View::About => view! { <About/> }.into_any(),
            })}
        </main>
        <footer>
            {move || loader.with_catalog(|c| {
                let p = &c.manifest.provenance;
                let licence = (!p.licence.is_empty()).then(|| format!(" · licence: {}", p.licence));
                view! { <span id="footer-data">"Data: " {data_title(p)} {licence}</span> }
            })}
            " · "
            <a href=move || Route { view: Some(View::About), ..route.get() }.to_query()
                on:click=move |e: web_sys::MouseEvent| {
                    e.prevent_default();
                    router.go(Route { view: Some(View::About), unknown: vec![], ..route.get_untracked() });
                }>"About, method and citation"</a>
        </footer>
    }
}
