//! The file input of the Your model view: choose or drop model files (ONNX, safetensors,
//! PyTorch), read by the data worker one at a time, with what is happening to the one shown.

use filterscope_site::MAX_MODELS;
use leptos::prelude::*;

use super::state::YoursState;

/// The extensions the file dialog offers; any file can be dropped, and formats are told apart by
/// content.
const ACCEPT: &str = ".onnx,.safetensors,.pt,.pth,.bin,.ckpt";

fn files(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    list.map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
        .unwrap_or_default()
}

/// The drop zone and file input (enabled once the site is `ready`), and the shown model's
/// reading or error notice.
#[component]
pub fn Picker(ready: Memo<bool>) -> impl IntoView {
    let state = expect_context::<YoursState>();
    let on_change = move |e: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&e);
        state.add(files(input.files()));
        // The same file chosen again is a new choice.
        input.set_value("");
    };
    let on_drop = move |e: web_sys::DragEvent| {
        e.prevent_default();
        state.add(files(e.data_transfer().and_then(|d| d.files())));
    };
    let shown = move || {
        let i = state.selected.get();
        state
            .entries
            .with(|e| e.get(i).map(|e| (e.name.clone(), e.result.get())))
    };
    view! {
        <label class="drop" on:dragover=move |e: web_sys::DragEvent| e.prevent_default() on:drop=on_drop>
            {format!("Choose model files (ONNX, safetensors, PyTorch .pt/.pth/.bin; up to {MAX_MODELS}), or drop them here: ")}
            <input id="yours-file" type="file" multiple accept=ACCEPT on:change=on_change disabled=move || !ready.get()/>
        </label>
        {move || (state.refused.get() > 0).then(|| view! {
            <p class="notice" role="status" id="yours-refused">{format!("At most {MAX_MODELS} models at once: {} file(s) not added. Remove some to add others.", state.refused.get())}</p>
        })}
        {move || match shown() {
            Some((name, None)) => view! { <p class="notice" role="status">"Reading " {name} " in the data worker…"</p> }.into_any(),
            Some((_, Some(Err(e)))) => view! { <p class="notice error" role="status" id="yours-error">{e.to_string()}</p> }.into_any(),
            _ => ().into_any(),
        }}
    }
}
