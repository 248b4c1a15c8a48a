//! Finding groups in a big comparison: a search box whose matches are highlighted across the
//! heatmap's rows and columns and listed, and the nearest groups of the selected one (its row
//! of D, smallest first), each a link to the pair.

use leptos::prelude::*;

use super::shown::{label, Shown};
use crate::page::matrix::nav::Window;
use crate::page::route::{Route, Router};

/// Matches listed under the search box; the heatmap highlights all of them.
const LISTED: usize = 12;
/// Nearest groups listed for the selected one.
const NEAREST: usize = 10;

/// The search box, its matches and the selected group's nearest groups.
// One function: the box, its matches and the nearest groups read the same needle and selected
// row; what remains past 80 lines is their markup.
#[component]
pub fn FindGroups(open: Callback<(usize, usize)>, set_window: Callback<Window>) -> impl IntoView {
    let router = expect_context::<Router>();
    let shown = expect_context::<Shown>();
    let route = router.route;
    let needle = Memo::new(move |_| route.get().find.unwrap_or_default());
    // Display position of each group.
    let position = Memo::new(move |_| {
        let o = shown.order.get();
        let mut p = vec![0; o.len()];
        for (k, &g) in o.iter().enumerate() {
            p[g] = k;
        }
        p
    });
    let found = Memo::new(move |_| {
        shown.hits.with(|hit| {
            shown.order.with(|o| {
                o.iter()
                    .copied()
                    .filter(|&g| hit.get(g).copied().unwrap_or(false))
                    .collect::<Vec<usize>>()
            })
        })
    });
    // The focus cell's row, else the only match.
    let selected = Memo::new(move |_| match shown.cursor.get() {
        Some((i, _)) => shown.order.with(|o| o.get(i).copied()),
        None => found.with(|f| (f.len() == 1).then(|| f[0])),
    });
    let select = move |g: usize| {
        let p = position.get_untracked()[g];
        let col = shown.cursor.get_untracked().map_or(p, |c| c.1);
        shown.cursor.set(Some((p, col)));
        let n = shown.n();
        let w = shown.window.get_untracked();
        let nw = w.follow(n, (p, col));
        if nw != w {
            set_window.run(nw);
        }
    };
    let on_input = move |e| {
        let v = event_target_value(&e);
        router.replace(Route {
            find: Some(v).filter(|v| !v.is_empty()),
            ..route.get_untracked()
        });
    };
    let nearest = move || {
        let g = selected.get()?;
        shown.comparison.with(|c| {
            let Some(Ok(c)) = c else { return None };
            let mut others: Vec<usize> = (0..c.groups.len()).filter(|&h| h != g).collect();
            others.sort_by(|&a, &b| c.d[g][a].total_cmp(&c.d[g][b]));
            others.truncate(NEAREST);
            let pos = position.get();
            let items = others
                .into_iter()
                .map(|h| {
                    let text = format!("{} D = {:.4}", label(c, h), c.d[g][h]);
                    let (pg, ph) = (pos[g], pos[h]);
                    view! { <li><button class="link" on:click=move |_| open.run((pg, ph))>{text}</button></li> }
                })
                .collect_view();
            Some(view! {
                <h3 id="nearest-h">"Nearest to " {label(c, g)}</h3>
                <ol class="nearest" aria-labelledby="nearest-h">{items}</ol>
            })
        })
    };
    view! {
        <div class="find">
            <label>
                "Find a group "
                <input id="find" type="search" placeholder="e.g. resnet" prop:value=move || needle.get() on:input=on_input/>
            </label>
            <p class="found" role="status">
                {move || {
                    let n = found.with(|f| f.len());
                    if needle.get().is_empty() { String::new() } else { format!("{n} match{}", if n == 1 { "" } else { "es" }) }
                }}
            </p>
            <ul class="matches">
                {move || shown.comparison.with(|c| match c {
                    Some(Ok(c)) => found.get().into_iter().take(LISTED).map(|g| {
                        let text = label(c, g);
                        view! { <li><button class="link" on:click=move |_| select(g)>{text}</button></li> }
                    }).collect_view().into_any(),
                    _ => ().into_any(),
                })}
            </ul>
            {nearest}
        </div>
    }
}
