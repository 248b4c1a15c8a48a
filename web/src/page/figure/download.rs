//! A figure's downloads: its numbers as CSV, its drawing as SVG (drawn again at the designed
//! size) or as the canvas's PNG.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::page::plot::{Plot, Theme};

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

pub fn download_url(name: &str, url: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = doc.create_element("a") else {
        return;
    };
    let a: web_sys::HtmlAnchorElement = a.unchecked_into();
    a.set_href(url);
    a.set_download(name);
    a.click();
}

pub fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

/// The CSV, PNG and SVG buttons of a figure: its numbers, its canvas as drawn, and the plot drawn
/// again as SVG at its designed `size`. Files are named after the plot's title.
#[component]
pub fn Downloads(
    plot: Signal<Option<Plot>>,
    canvas: NodeRef<html::Canvas>,
    id: &'static str,
    size: (u32, u32),
) -> impl IntoView {
    let theme = expect_context::<RwSignal<Theme>>();
    let name = move || {
        plot.with_untracked(|p| {
            p.as_ref()
                .map(|p| slug(p.title()))
                .unwrap_or_else(|| id.to_string())
        })
    };
    let csv = move |_| {
        if let Some(p) = plot.get_untracked() {
            download(&format!("{}.csv", name()), "text/csv", &p.csv());
        }
    };
    let svg = move |_| {
        if let Some(p) = plot.get_untracked() {
            if let Ok(s) = p.svg(size, theme.get_untracked()) {
                download(&format!("{}.svg", name()), "image/svg+xml", &s);
            }
        }
    };
    let png = move |_| {
        if let Some(url) = canvas.get_untracked().and_then(|c| c.to_data_url().ok()) {
            download_url(&format!("{}.png", name()), &url);
        }
    };
    view! {
        <button on:click=csv>"CSV"</button>
        <button on:click=png>"PNG"</button>
        <button on:click=svg>"SVG"</button>
    }
}
