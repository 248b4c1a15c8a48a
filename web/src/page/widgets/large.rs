//! Asking before a large download. A view whose answer would download more than the visitor's
//! limit shows what it needs and a button instead of fetching it: a researcher who follows a
//! link on a phone should not spend a minute and a share of a month's data on intervals they did
//! not ask for. The limit is the visitor's, kept in this browser (About: Downloads), never in
//! the URL: a shared link says what to show, not how much its reader may download.

use filterscope_web::protocol::{megabytes, Failure};
use leptos::prelude::*;

use crate::page::ask_over::{parse, store, OFFERED};
use crate::page::loader::Loader;
use crate::page::widgets::choice::Choice;

/// A failed answer as the views show it: its message, or for a large one what it needs and the
/// button that fetches it. `what` names the answer, with its verb ("This view needs", "The
/// intervals need").
#[component]
pub fn Notice(failure: Failure, what: &'static str) -> impl IntoView {
    let loader = expect_context::<Loader>();
    match failure {
        Failure::Large { bytes } => {
            // When the page first asked (the browser benchmark's time to an answer of a view
            // that asks before its plot).
            crate::page::timing::mark_once("filterscope:asked");
            let limit = move || {
                loader
                    .ask_over
                    .get()
                    .map(megabytes)
                    .unwrap_or_else(|| "nothing".into())
            };
            view! {
                <div class="notice large" role="status" id="ask-large">
                    <p>
                        {format!("{what} {} more of the site's data, over the ", megabytes(bytes))}
                        {limit}
                        " this browser downloads without asking (set under About: Downloads)."
                    </p>
                    <button id="ask-large-go" on:click=move |_| loader.consent()>
                        {format!("Download {}", megabytes(bytes))}
                    </button>
                </div>
            }
            .into_any()
        }
        e => view! { <p class="notice" role="status">{e.to_string()}</p> }.into_any(),
    }
}

/// The limit's picker (About: Downloads): kept in this browser, used from the next answer.
#[component]
pub fn AskOverChoice() -> impl IntoView {
    let loader = expect_context::<Loader>();
    let key = |l: Option<u64>| l.map_or("never".to_string(), |b| b.to_string());
    let options = Signal::derive(move || {
        let mut v: Vec<Option<u64>> = OFFERED.into_iter().map(Some).collect();
        v.push(None);
        let now = loader.ask_over.get();
        if !v.contains(&now) {
            v.push(now);
        }
        v.into_iter()
            .map(|l| {
                let text = l.map_or("never ask".to_string(), |b| {
                    format!("over {}", megabytes(b))
                });
                (key(l), text)
            })
            .collect::<Vec<_>>()
    });
    view! {
        <Choice id="ask-over" label="Ask before one view downloads" options=options
            value=Signal::derive(move || key(loader.ask_over.get()))
            pick=Callback::new(move |v: String| {
                let l = parse(Some(&v));
                store(l);
                loader.ask_over.set(l);
            })/>
    }
}
