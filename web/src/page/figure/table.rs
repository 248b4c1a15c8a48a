//! A figure's numbers as an accessible table, shown by its "data" button.

use leptos::prelude::*;

use crate::page::plot::Plot;

/// The table of `plot`, captioned with its title; `id` is the figure's.
#[component]
pub fn DataTable(#[prop(into)] plot: Signal<Option<Plot>>, id: &'static str) -> impl IntoView {
    move || {
        plot.with(|p| p.as_ref().map(|p| (p.title().to_string(), p.table())))
            .map(|(title, (head, rows))| {
                view! {
                    // Focusable, so that a keyboard can scroll a long table.
                    <table class="data" id=format!("{id}-data") tabindex="0">
                        <caption>{title}</caption>
                        <thead><tr>{head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }).collect_view()}
                        </tbody>
                    </table>
                }
            })
    }
}
