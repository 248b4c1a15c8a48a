//! What was read from the shown model's file: its format, the state_dict key used, the order
//! that stands for depth, every tensor taken as a conv kernel and every one skipped, and why;
//! so a visitor can check that the right weights were compared.

use filterscope_site::YoursReport;
use leptos::prelude::*;

/// A collapsible table of the file's tensors (none for a model opened from a link).
#[component]
pub fn Tensors(report: Memo<Option<YoursReport>>) -> impl IntoView {
    let file = move || report.with(|r| r.as_ref().and_then(|r| r.file.clone()));
    move || {
        file().map(|f| {
            let key = f
                .key
                .as_ref()
                .map(|k| format!(", the state_dict under \"{k}\""))
                .unwrap_or_default();
            let head = format!(
                "Read as {}{key}: {} tensors taken, {} skipped. Depth order: {}.",
                f.format,
                f.taken.len(),
                f.skipped.len(),
                f.order
            );
            let taken = f
                .taken
                .into_iter()
                .map(|t| {
                    let note = if t.filters { "3x3 filters" } else { "depth only (not 3x3)" };
                    view! { <tr><td>{t.name}</td><td>{format!("{:?}", t.shape)}</td><td>{t.layout}</td><td>{note}</td></tr> }
                })
                .collect_view();
            let skipped = f
                .skipped
                .into_iter()
                .map(|s| view! { <tr><td>{s.name}</td><td>{format!("{:?}", s.shape)}</td><td colspan="2">{s.why}</td></tr> })
                .collect_view();
            view! {
                <details id="yours-tensors">
                    <summary>{head}</summary>
                    <div class="table-wrap">
                        <table>
                            <caption>"Tensors taken as conv kernels, in depth order, then those skipped"</caption>
                            <thead><tr><th scope="col">"tensor"</th><th scope="col">"shape"</th><th scope="col">"layout"</th><th scope="col">"used for"</th></tr></thead>
                            <tbody>{taken}</tbody>
                            <tbody class="skipped">{skipped}</tbody>
                        </table>
                    </div>
                </details>
            }
        })
    }
}
