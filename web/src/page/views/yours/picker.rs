//! The file input of the Your model view: choose or drop an ONNX file, read by the data worker,
//! with what is happening to it.

use leptos::prelude::*;

use super::state::YoursState;
use crate::page::loader::Loader;

/// The drop zone and file input (enabled once the site is `ready`), and the reading or error
/// notice.
#[component]
pub fn Picker(ready: Memo<bool>) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let YoursState { chosen, result, .. } = expect_context::<YoursState>();
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
    view! {
        <label class="drop" on:dragover=move |e: web_sys::DragEvent| e.prevent_default() on:drop=on_drop>
            "Choose an .onnx file, or drop it here: "
            <input id="yours-file" type="file" accept=".onnx" on:change=on_change disabled=move || !ready.get()/>
        </label>
        {move || match (chosen.get(), result.get()) {
            (Some(name), None) => view! { <p class="notice" role="status">"Reading " {name} " in the data worker…"</p> }.into_any(),
            (_, Some(Err(e))) => view! { <p class="notice error" role="status" id="yours-error">{e.to_string()}</p> }.into_any(),
            _ => ().into_any(),
        }}
    }
}
