//! Your model (`?view=yours`): a visitor's ONNX file held against the site, in the browser. The
//! file is read locally and goes to the data worker (transferred, never uploaded); the worker
//! fetched what it needs when the view opened, so nothing is requested after the file is chosen.
//! It shows the model's layers' quality over the site's, D to every model of the site (nearest
//! first), to the groups of a column and per depth bucket, and the model's coefficient
//! distributions over the site's. A link to the view carries the model's sketches in its
//! fragment ([`YoursState`]), so that it reopens without the file.

use filterscope_site::QualityBy;
use filterscope_web::protocol::{Answer, Request};
use leptos::prelude::*;

use crate::figure::Figure;
use crate::loader::Loader;
use crate::plot::Plot;
use crate::route::Router;
use crate::views::yours_figures::{self as figs, Measure};
use crate::yours_state::YoursState;

/// The Your model view.
#[component]
pub fn Yours() -> impl IntoView {
    let loader = expect_context::<Loader>();
    let router = expect_context::<Router>();
    let state = expect_context::<YoursState>();
    // What the comparison needs, fetched now: nothing is requested once a file is chosen.
    let prepared = loader.answer(|| Some(Request::YoursPrepare));
    let site_quality = loader.answer(|| {
        Some(Request::Quality {
            by: "depth".into(),
            wheres: vec![],
        })
    });
    let ready = Memo::new(move |_| {
        matches!(prepared.get(), Some(Ok(Answer::Prepared))) && site_quality.with(Option::is_some)
    });
    // The app is kept for offline use now, not after the first plot as on other views: that
    // would fetch the app's files after the visitor chose their file.
    Effect::new(move |_| {
        if ready.get() {
            filterscope_web::cache::register_service_worker();
        }
    });
    let YoursState {
        chosen,
        result,
        answer,
    } = state;
    let column = RwSignal::new("Task".to_string());
    let component = RwSignal::new(0usize);
    let by_depth = RwSignal::new(true);
    let take = move |file: web_sys::File| {
        chosen.set(Some(file.name()));
        result.set(None);
        loader.ask_file(file, result);
    };
    let on_change = move |e: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&e);
        if let Some(f) = input.files().and_then(|l| l.get(0)) {
            take(f);
        }
    };
    let on_drop = move |e: web_sys::DragEvent| {
        e.prevent_default();
        if let Some(f) = e
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|l| l.get(0))
        {
            take(f);
        }
    };
    let report = Memo::new(move |_| answer.with(|a| a.as_ref().map(|a| a.report.clone())));
    // The address bar carries the model while it is shown (and follows the view's URL).
    Effect::new(move |_| {
        router.route.track();
        state.show_in_url(answer.with(Option::is_some));
    });
    let link = Memo::new(move |_| {
        router.route.track();
        answer.track();
        state.link()
    });
    let site_q = Memo::new(move |_| match site_quality.get() {
        Some(Ok(Answer::Quality(q))) => Some(*q),
        _ => None,
    });
    let figure = move |f: fn(&filterscope_site::YoursReport) -> Plot| {
        Signal::derive(move || report.with(|r| r.as_ref().map(f)))
    };
    let layers = figure(figs::layers);
    let nearest = figure(figs::nearest);
    let depth = figure(figs::depth);
    let behind = move |m: Measure| {
        Signal::derive(move || {
            let d = by_depth.get();
            report.with(|r| {
                site_q.with(|q: &Option<QualityBy>| {
                    Some(figs::behind(r.as_ref()?, q.as_ref()?, m, d))
                })
            })
        })
    };
    let [sparsity, entropy, orthogonality] = Measure::ALL.map(behind);
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
    let range = Memo::new(move |_| {
        loader
            .with_catalog(|c| (c.manifest.coef_range[0], c.manifest.coef_range[1]))
            .unwrap_or((-1.0, 1.0))
    });
    // The distributions against the whole site, or against a group of the chosen column (its
    // counts from the worker, which holds them already: nothing is fetched).
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
        let counts = match group.get() {
            Some(Ok(Answer::Pair(p))) if !g.is_empty() && p.labels[0] == g => {
                Some(p.counts[0].clone())
            }
            _ => None,
        };
        report.with(|r| {
            let r = r.as_ref()?;
            let group = match (&counts, g.is_empty()) {
                (Some(c), false) => Some((g.as_str(), c.as_slice())),
                // A group's counts on their way: wait rather than show the site under its name.
                (None, false) => return None,
                _ => None,
            };
            Some(figs::distributions(r, component.get(), range.get(), group))
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
    let summary = move || {
        report.with(|r| {
            r.as_ref().map(|r| {
                format!(
                    "{}: {} filters in {} 3x3 layers, {} degenerated; {:.4}% of its coefficients outside the site's range (counted in the end bins). Nearest model: {} (D = {:.4}).",
                    r.model,
                    r.n_filters,
                    r.n_layers,
                    r.layers.iter().filter(|l| l.degenerated).count(),
                    100.0 * r.outside_range,
                    r.nearest.first().map(|n| n.name.as_str()).unwrap_or("-"),
                    r.nearest.first().and_then(|n| n.d).unwrap_or(f64::NAN),
                )
            })
        })
    };
    let opened_without = move || {
        report.with(|r| {
            r.as_ref()
                .filter(|r| !r.left_out.is_empty())
                .map(|r| format!("Opened from a link that leaves out the model's {}: what needs them is not shown.", r.left_out.join(" and ")))
        })
    };
    let select_all =
        |e: web_sys::FocusEvent| event_target::<web_sys::HtmlInputElement>(&e).select();
    let copy = move |_| {
        if let (Some((url, _)), Some(w)) = (link.get_untracked(), web_sys::window()) {
            let _ = w.navigator().clipboard().write_text(&url);
        }
    };
    view! {
        <section aria-labelledby="yours-h">
            <h2 id="yours-h" tabindex="-1">"Your model against the data"</h2>
            <p class="help">"Choose or drop a trained model in ONNX format (self-contained, float weights). It is read in this browser tab: the file is not uploaded, and nothing is requested once you choose it. Its 3x3 filters are scaled, projected on this site's basis and binned into its 70 bins, as the site's own models are; D is computed as everywhere."</p>
            <label class="drop" on:dragover=move |e: web_sys::DragEvent| e.prevent_default() on:drop=on_drop>
                "Choose an .onnx file, or drop it here: "
                <input id="yours-file" type="file" accept=".onnx" on:change=on_change disabled=move || !ready.get()/>
            </label>
            {move || match (chosen.get(), result.get()) {
                (Some(name), None) => view! { <p class="notice" role="status">"Reading " {name} " in the data worker…"</p> }.into_any(),
                (_, Some(Err(e))) => view! { <p class="notice error" role="status" id="yours-error">{e}</p> }.into_any(),
                _ => ().into_any(),
            }}
            <Show when=move || report.with(|r| r.is_some())>
                <p id="yours-summary" role="status">{summary}</p>
                {move || opened_without().map(|t| view! { <p class="notice" id="yours-partial">{t}</p> })}
                {move || link.get().map(|(url, left_out)| view! {
                    <div class="share">
                        <label for="yours-link">"Link to this view, with the model's sketches in it (after the #, which browsers never send to a server):"</label>
                        <div class="controls-row">
                            <input id="yours-link" readonly prop:value=url.clone() on:focus=select_all/>
                            <button on:click=copy>"Copy"</button>
                        </div>
                        {(!left_out.is_empty()).then(|| view! {
                            <p class="help" id="yours-link-left-out">{format!("To stay within 8 KB the link leaves out the model's {}.", left_out.join(" and "))}</p>
                        })}
                    </div>
                })}
                <p class="help">"Each dot is one of the model's layers (a cross: degenerated); the boxes are the site's layers, quartiles with the median and whiskers to the extremes."</p>
                <div class="controls-row">
                    <label>
                        "Behind its layers: "
                        <select id="yours-behind" on:change=move |e| by_depth.set(event_target_value(&e) == "depth")>
                            <option value="depth" selected=move || by_depth.get()>"the site's layers at the same depth"</option>
                            <option value="all" selected=move || !by_depth.get()>"all the site's layers"</option>
                        </select>
                    </label>
                </div>
                <div class="grid">
                    <Figure plot=sparsity id="yours-sparsity" width=640 height=360/>
                    <Figure plot=entropy id="yours-entropy" width=640 height=360/>
                    <Figure plot=orthogonality id="yours-orthogonality" width=640 height=360/>
                    <Figure plot=layers id="yours-layers" width=640 height=360/>
                    <Figure plot=nearest id="yours-nearest" width=640 height=420/>
                </div>
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
                            {move || groups_of_column.get().into_iter().map(|g| view! { <option value=g.clone()>{crate::text::visible(&g)}</option> }).collect_view()}
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
            </Show>
        </section>
    }
}
