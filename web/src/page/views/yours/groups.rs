//! The model against the groups of a column: D to each group, D per depth bucket, and the
//! model's coefficient distributions against the whole site or one group.

use filterscope_site::YoursReport;
use filterscope_web::protocol::{Answer, Request};
use leptos::prelude::*;

use super::figures as figs;
use super::state::YoursState;
use crate::page::figure::Figure;
use crate::page::loader::Loader;

/// The column, group and component pickers and the figures they choose.
// One function: three pickers and the figures that read them, in one owner; the figures are
// built in figures.rs.
#[component]
pub fn Groups(report: Memo<Option<YoursReport>>) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let answer = expect_context::<YoursState>().answer;
    let column = RwSignal::new("Task".to_string());
    let component = RwSignal::new(0usize);
    let columns = Memo::new(move |_| {
        report.with(|r| {
            r.as_ref()
                .map(|r| r.by.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let by = Signal::derive(move || {
        report.with(|r| {
            let r = r.as_ref()?;
            let col = column.get();
            let groups = r.by.get(&col).or_else(|| r.by.values().next())?;
            Some(figs::bars(
                format!("D to each {col} group of the site"),
                groups,
            ))
        })
    });
    let depth = Signal::derive(move || report.with(|r| r.as_ref().map(figs::depth)));
    // The distributions against the whole site, or against a group of the chosen column (its
    // shares from the worker, which holds its counts already: nothing is fetched).
    let against = RwSignal::new(String::new());
    Effect::new(move |_| {
        column.track();
        against.set(String::new());
    });
    let group = loader.answer(move || {
        let g = against.get();
        (!g.is_empty()).then(|| Request::Pair {
            by: column.get(),
            wheres: vec![],
            a: Some(g.clone()),
            b: Some(g),
        })
    });
    let dists = Signal::derive(move || {
        let g = against.get();
        let c = component.get();
        let shares = match group.get() {
            Some(Ok(Answer::Pair(p))) if !g.is_empty() && p.labels[0] == g => {
                p.shares[0].get(c).cloned()
            }
            _ => None,
        };
        answer.with(|a| {
            let a = a.as_ref()?;
            let group = match (shares, g.is_empty()) {
                (Some(s), false) => Some((g.as_str(), s)),
                // A group's shares on their way: wait rather than show the site under its name.
                (None, false) => return None,
                _ => None,
            };
            Some(figs::distributions(a, c, group))
        })
    });
    let groups_of_column = Memo::new(move |_| {
        report.with(|r| {
            let col = column.get();
            let mut g: Vec<String> = r
                .as_ref()
                .and_then(|r| r.by.get(&col))
                .map(|v| v.iter().map(|x| x.name.clone()).collect())
                .unwrap_or_default();
            g.sort();
            g
        })
    });
    view! {
        <div class="controls-row">
            <label>
                "Groups of "
                <select id="yours-by" on:change=move |e| column.set(event_target_value(&e)) prop:value=move || column.get()>
                    {move || columns.get().into_iter().map(|c| view! { <option value=c.clone() selected=c == column.get()>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                "Distributions against "
                <select id="yours-against" on:change=move |e| against.set(event_target_value(&e)) prop:value=move || against.get()>
                    <option value="">"the whole site"</option>
                    {move || groups_of_column.get().into_iter().map(|g| view! { <option value=g.clone()>{crate::page::text::visible(&g)}</option> }).collect_view()}
                </select>
            </label>
            <label>
                "Component "
                <select id="yours-component" on:change=move |e| component.set(event_target_value(&e).parse().unwrap_or(0))>
                    {(0..9).map(|c| view! { <option value=c.to_string()>{format!("c{c}")}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <div class="grid">
            <Figure plot=by id="yours-by-groups" width=640 height=360/>
            <Figure plot=depth id="yours-depth" width=640 height=360/>
            <Figure plot=dists id="yours-dist" width=640 height=360/>
        </div>
    }
}
