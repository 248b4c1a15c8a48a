//! The list of the visitor's models: each one's state (being read, refused and why, or its size
//! and nearest model), which one the figures below show, and buttons to show or remove each.

use filterscope_web::protocol::Answer;
use leptos::prelude::*;

use super::state::YoursState;

/// One line per model, once there are two or more (one model needs no list).
#[component]
pub fn Models() -> impl IntoView {
    let state = expect_context::<YoursState>();
    let many = Memo::new(move |_| state.entries.with(Vec::len) >= 2);
    let rows = move || {
        let entries = state.entries.get();
        let selected = state.selected.get();
        entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let label = e.label();
                let status = match e.result.get() {
                    None => "reading…".to_string(),
                    Some(Err(f)) => f.to_string(),
                    Some(Ok(Answer::Yours(a))) => format!(
                        "{} filters, {} 3x3 layers; nearest: {}",
                        a.report.n_filters,
                        a.report.n_layers,
                        a.report.nearest.first().map_or("-", |n| n.name.as_str())
                    ),
                    Some(Ok(_)) => String::new(),
                };
                let failed = matches!(e.result.get(), Some(Err(_)));
                view! {
                    <li class:failed=failed>
                        <span class="model-name">{label.clone()}</span>
                        " "<span class="help">{status}</span>" "
                        <button aria-pressed=move || (i == selected).to_string() on:click=move |_| state.selected.set(i)>"Show"</button>
                        <button aria-label=format!("Remove {label}") on:click=move |_| state.remove(Some(i))>"Remove"</button>
                    </li>
                }
            })
            .collect_view()
    };
    // How far a batch is: files read (or refused) of those chosen.
    let read = Memo::new(move |_| {
        state.entries.with(|e| {
            let done = e.iter().filter(|e| e.result.with(Option::is_some)).count();
            (done, e.len())
        })
    });
    view! {
        <Show when=move || many.get()>
            <div id="yours-models">
                <h3>"Your models"</h3>
                {move || {
                    let (done, total) = read.get();
                    (done < total).then(|| view! {
                        <p class="progress" id="yours-progress">
                            <progress max=total value=done aria-label="Reading your models"></progress>
                            <span role="status">{format!("Read {done} of {total} files in the data worker, one at a time")}</span>
                        </p>
                    })
                }}
                <ol class="models-list">{rows}</ol>
                <button id="yours-clear" on:click=move |_| state.remove(None)>"Remove all"</button>
            </div>
        </Show>
    }
}
