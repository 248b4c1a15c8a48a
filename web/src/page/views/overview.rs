//! Overview: what the data holds (models per Task, Visual Category, Training-Dataset), the global
//! eigen-filters with their explained variance, and the cumulative explained variance.

use std::collections::BTreeMap;

use filterscope_web::protocol::Catalog;
use leptos::prelude::*;

use crate::page::figure::Figure;
use crate::page::loader::Loader;
use crate::page::plot::{FilterScale, Plot};

/// Models, layers and filters per value of a model-level column.
fn counts(s: &Catalog, column: &str) -> Option<Plot> {
    let k = s.manifest.model_columns.iter().position(|c| c == column)?;
    let mut by: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for (m, t) in s.models.iter().zip(&s.totals) {
        let e = by.entry(m.values[k].clone()).or_default();
        e.0 += 1;
        e.1 += t.n_layers;
        e.2 += t.n_filters;
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    Some(Plot::Bars {
        title: format!("Models per {column}"),
        labels: rows.iter().map(|r| r.0.clone()).collect(),
        values: rows.iter().map(|r| r.1 .0 as f64).collect(),
        y_label: "models".into(),
        extra: vec![
            (
                "layers".into(),
                rows.iter().map(|r| r.1 .1 as f64).collect(),
            ),
            (
                "filters".into(),
                rows.iter().map(|r| r.1 .2 as f64).collect(),
            ),
        ],
    })
}

/// The overview.
#[component]
pub fn Overview() -> impl IntoView {
    let loader = expect_context::<Loader>();
    let stats = Memo::new(move |_| loader.with_catalog(|c| c.stats.clone()));
    let eigen = Memo::new(move |_| {
        stats.get().map(|st| Plot::Filters {
            title: "Global eigen-filters (principal components of the scaled filters)".into(),
            captions: st
                .explained_variance_ratio
                .iter()
                .enumerate()
                .map(|(i, e)| format!("c{i} {:.1}%", 100.0 * e))
                .collect(),
            filters: st.components.to_vec(),
            cols: 9,
            scale: FilterScale::Unit,
        })
    });
    let cumulative = Memo::new(move |_| {
        stats.get().map(|st| {
            let mut c = 0.0;
            Plot::Lines {
                title: "Cumulative explained variance".into(),
                x_label: "components".into(),
                y_label: "ratio".into(),
                x: (1..=9).map(|i| i as f64).collect(),
                series: vec![(
                    "cumulative evr".into(),
                    st.explained_variance_ratio
                        .iter()
                        .map(|e| {
                            c += e;
                            c
                        })
                        .collect(),
                )],
                marks: vec![false; 9],
            }
        })
    });
    let bars = ["Task", "Visual Category", "Training-Dataset"].map(|col| {
        let plot = Memo::new(move |_| {
            loader.with_catalog(|s| counts(s, col)).flatten()
        });
        view! {
            <Show when=move || plot.with(|p| p.is_some())>
                <Figure plot=plot id=match col { "Task" => "counts-task", "Visual Category" => "counts-category", _ => "counts-dataset" } width=460 height=300/>
            </Show>
        }
    });
    view! {
        <section aria-labelledby="overview-h">
            <h2 id="overview-h" tabindex="-1">"Overview"</h2>
            {move || stats.get().map(|st| view! {
                <dl class="counts">
                    <div><dt>"models"</dt><dd id="n-models">{st.n_models}</dd></div>
                    <div><dt>"layers"</dt><dd id="n-layers">{st.n_layers}</dd></div>
                    <div><dt>"3x3 filters"</dt><dd id="n-filters">{st.n_filters}</dd></div>
                </dl>
                <p class="source">{move || loader.with_catalog(|s| format!("Built from {}.", s.manifest.source))}</p>
            })}
            <div class="grid">
                <Figure plot=eigen id="eigen" width=760 height=150/>
                <Figure plot=cumulative id="cumulative-evr" width=460 height=300/>
                {bars.into_iter().collect_view()}
            </div>
        </section>
    }
}
