//! The page: loads the site data once and shows its summary, or the error that stopped it.

use leptos::prelude::*;

use crate::load::{data_base, load_site};
use crate::summary::Summary;

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let base = data_base();
    let site = LocalResource::new(move || load_site(base.clone()));
    view! {
        <main>
            <h1>"Filterscope"</h1>
            <p class="lede">"How trained 3x3 convolution filters differ between groups of models, computed in your browser."</p>
            <Suspense fallback=|| view! { <p role="status">"Loading site data…"</p> }>
                {move || site.get().map(|r| match r {
                    Ok(s) => view! { <Summary site=s/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">"Could not load the data: " {e}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}
