//! Shared controls: the grouping column and the filters, both kept in the URL.

use filterscope_site::Where;
use filterscope_web::protocol::{Answer, Catalog, Request};
use leptos::prelude::*;

use crate::page::loader::Loader;
use crate::page::route::{Route, Router};

/// Columns one can group by (layer-level ones fetch the per-layer data when chosen).
pub fn groupable(s: &Catalog) -> Vec<String> {
    let mut c = vec!["depth".to_string(), "model".to_string()];
    c.extend(s.manifest.model_columns.iter().cloned());
    c.extend(s.manifest.layer_columns.iter().cloned());
    c.extend(["conv_depth", "in_channels", "out_channels"].map(String::from));
    c
}

/// The default grouping: Task when the data has it.
pub fn default_by(s: &Catalog) -> String {
    if s.manifest.model_columns.iter().any(|c| c == "Task") {
        "Task".into()
    } else {
        "model".into()
    }
}

/// The grouping column of the URL, or the data's default.
pub fn grouping(route: RwSignal<Route>, loader: Loader) -> Memo<String> {
    Memo::new(move |_| {
        route
            .get()
            .by
            .clone()
            .or_else(|| loader.with_catalog(default_by))
            .unwrap_or_default()
    })
}

/// "Group by" select and filter chips with an "add filter" pair of selects.
#[component]
pub fn GroupControls() -> impl IntoView {
    let router = expect_context::<Router>();
    let loader = expect_context::<Loader>();
    let route = router.route;
    let columns = Memo::new(move |_| loader.with_catalog(groupable).unwrap_or_default());
    let by = grouping(route, loader);
    let new_col = RwSignal::new(String::new());
    let answer = loader.answer(move || {
        let column = new_col.get();
        (!column.is_empty()).then_some(Request::Values { column })
    });
    let values = Memo::new(move |_| match answer.get() {
        Some(Ok(Answer::Values(v))) => v,
        _ => vec![],
    });
    let set_by = move |v: String| {
        router.go(Route {
            by: Some(v),
            a: None,
            b: None,
            // The groups change: a zoomed window would show others.
            zoom: None,
            ..route.get_untracked()
        })
    };
    let add = move |v: String| {
        let mut r = route.get_untracked();
        r.wheres.push(Where {
            column: new_col.get_untracked(),
            value: v,
        });
        r.a = None;
        r.b = None;
        r.zoom = None;
        router.go(r);
        new_col.set(String::new());
    };
    view! {
        <div class="controls-row">
            <label>
                "Group by "
                <select id="by" on:change=move |e| set_by(event_target_value(&e)) prop:value=move || by.get()>
                    {move || columns.get().into_iter().map(|c| view! { <option value=c.clone() selected=c == by.get()>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <span class="filters" role="group" aria-label="Filters">
                {move || route.get().wheres.iter().enumerate().map(|(i, Where { column: c, value: v })| {
                    let text = format!("{c} = {v}");
                    view! {
                        <button class="chip" title="Remove this filter" on:click=move |_| {
                            let mut r = route.get_untracked();
                            r.wheres.remove(i);
                            r.zoom = None;
                            router.go(r);
                        }>{text}" ×"</button>
                    }
                }).collect_view()}
            </span>
            <label>
                "Filter "
                <select id="where-col" on:change=move |e| new_col.set(event_target_value(&e)) prop:value=move || new_col.get()>
                    <option value="">"column…"</option>
                    {move || columns.get().into_iter().filter(|c| c != "model").map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <Show when=move || !new_col.get().is_empty()>
                <select id="where-val" aria-label="Filter value" on:change=move |e| add(event_target_value(&e))>
                    <option value="">"value…"</option>
                    {move || values.get().into_iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                </select>
            </Show>
        </div>
    }
}
