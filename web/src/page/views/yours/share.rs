//! The link that shares the models' view: the address bar carries it while models are shown,
//! and a box offers it to copy.

use leptos::prelude::*;

use super::state::YoursState;
use crate::page::route::Router;

/// The address bar carries the model while it is shown (and follows the view's URL): an effect
/// of the whole view, so that it also takes the model out when there is none.
pub fn keep_in_url() {
    let router = expect_context::<Router>();
    let state = expect_context::<YoursState>();
    Effect::new(move |_| {
        router.route.track();
        state.show_in_url(state.answers.with(|a| !a.is_empty()));
    });
}

/// The link box.
#[component]
pub fn Share() -> impl IntoView {
    let router = expect_context::<Router>();
    let state = expect_context::<YoursState>();
    let answers = state.answers;
    let link = Memo::new(move |_| {
        router.route.track();
        answers.track();
        state.link()
    });
    let select_all =
        |e: web_sys::FocusEvent| event_target::<web_sys::HtmlInputElement>(&e).select();
    let copy = move |_| {
        if let (Some((url, _)), Some(w)) = (link.get_untracked(), web_sys::window()) {
            let _ = w.navigator().clipboard().write_text(&url);
        }
    };
    move || {
        link.get().map(|(url, left_out)| view! {
            <div class="share">
                <label for="yours-link">"Link to this view, with your models' sketches in it (after the #, which browsers never send to a server):"</label>
                <div class="controls-row">
                    <input id="yours-link" readonly prop:value=url.clone() on:focus=select_all/>
                    <button on:click=copy>"Copy"</button>
                </div>
                {(!left_out.is_empty()).then(|| view! {
                    <p class="help" id="yours-link-left-out">{format!("To stay within 8 KB (what chat and mail tools pass unharmed) the link leaves out: {}.", left_out.join("; "))}</p>
                })}
            </div>
        })
    }
}
