//! Counts, the explained variance of the global basis, and the drift between tasks.

use filterscope_site::SiteData;
use leptos::prelude::*;

/// The summary of a loaded site.
#[component]
pub fn Summary(site: SiteData) -> impl IntoView {
    let stats = site.stats();
    let mut cum = 0.0;
    let evr_rows = stats
        .explained_variance_ratio
        .iter()
        .enumerate()
        .map(|(i, e)| {
            cum += e;
            view! { <tr><td>{format!("c{i}")}</td><td>{format!("{e:.4}")}</td><td>{format!("{cum:.4}")}</td></tr> }
        })
        .collect_view();
    let by = if site.manifest.model_columns.iter().any(|c| c == "Task") {
        "Task"
    } else {
        "model"
    };
    let task = site.compare(by, &[]);
    let task_view = match task {
        Ok(c) => {
            let head = c
                .groups
                .iter()
                .map(|g| view! { <th scope="col">{g.clone()}</th> })
                .collect_view();
            let rows = c
                .groups
                .iter()
                .zip(&c.n_filters)
                .zip(&c.d)
                .map(|((g, n), row)| {
                    let cells = row
                        .iter()
                        .map(|v| view! { <td>{format!("{v:.4}")}</td> })
                        .collect_view();
                    view! { <tr><th scope="row">{format!("{g} ({n})")}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <table id="compare">
                    <caption>{format!("Drift D between groups of {by}")}</caption>
                    <thead><tr><th></th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
    };
    view! {
        <dl class="counts">
            <div><dt>"models"</dt><dd id="n-models">{stats.n_models}</dd></div>
            <div><dt>"layers"</dt><dd id="n-layers">{stats.n_layers}</dd></div>
            <div><dt>"3x3 filters"</dt><dd id="n-filters">{stats.n_filters}</dd></div>
        </dl>
        <p>{format!("Built from {}.", site.manifest.source)}</p>
        <table id="evr">
            <caption>"Explained variance of the global principal components"</caption>
            <thead><tr><th scope="col">"component"</th><th scope="col">"ratio"</th><th scope="col">"cumulative"</th></tr></thead>
            <tbody>{evr_rows}</tbody>
        </table>
        {task_view}
    }
}
