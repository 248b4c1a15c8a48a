//! A labelled select or checkbox over type-erased signals and callbacks: the compare view has
//! six of them, and one instance of each component keeps the wasm small (every `view!` with its
//! own closures is code of its own).

use leptos::prelude::*;

/// "Label [select]": `options` are (value, text); `value` is the one shown; `pick` hears the
/// value chosen.
#[component]
pub fn Choice(
    id: &'static str,
    label: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    pick: Callback<String>,
) -> impl IntoView {
    view! {
        <label>
            {label} " "
            <select id=id prop:value=move || value.get() on:change=move |e| pick.run(event_target_value(&e))>
                {move || options.get().into_iter().map(|(v, t)| view! { <option value=v>{t}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// "[checkbox] Label", hidden while `hidden`; `toggle` hears the new state.
#[component]
pub fn Toggle(
    id: &'static str,
    label: &'static str,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into)] hidden: Signal<bool>,
    toggle: Callback<bool>,
) -> impl IntoView {
    view! {
        <label class:hidden=move || hidden.get()>
            <input id=id type="checkbox" prop:checked=move || checked.get() on:change=move |e| toggle.run(event_target_checked(&e))/>
            " " {label}
        </label>
    }
}
