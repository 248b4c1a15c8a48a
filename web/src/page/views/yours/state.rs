//! The visitor's model, shared by the views that show it (Your model, and Quality as an overlay):
//! the answer for the file they chose, or for the link they opened. A link carries the model's
//! sketches in its fragment (`#yours=...`, never sent to a server); the views that show the model
//! write it back into the address bar, so that their permalink shares the model too.

use filterscope_site::YoursSketch;
use filterscope_web::protocol::{Answer, Failure, Request, YoursAnswer};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::page::loader::Loader;
use crate::page::route::{Router, View};

/// What follows the '#' of a link that shares a model.
const KEY: &str = "yours=";

/// The visitor's model: a file being read, its answer, or an error.
#[derive(Clone, Copy)]
pub struct YoursState {
    /// The file being read (until its answer arrives).
    pub chosen: RwSignal<Option<String>>,
    /// The worker's answer for the file or the link.
    pub result: RwSignal<Option<Result<Answer, Failure>>>,
    /// The answer, once it is one.
    pub answer: Memo<Option<YoursAnswer>>,
}

fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

impl YoursState {
    /// Reads a shared model from the URL's fragment, if any, and asks the worker for it once a
    /// view that shows it is open.
    pub fn install(loader: Loader, router: Router) -> YoursState {
        let chosen = RwSignal::new(None);
        let result = RwSignal::new(None);
        let answer = Memo::new(move |_| match result.get() {
            Some(Ok(Answer::Yours(a))) => Some(*a),
            _ => None,
        });
        let link = hash().strip_prefix(&format!("#{KEY}")).map(str::to_string);
        if let Some(link) = link {
            let shown = Memo::new(move |_| {
                matches!(router.route.get().view(), View::Yours | View::Quality)
            });
            let shared = loader.answer(move || {
                shown
                    .get()
                    .then(|| Request::YoursShared { link: link.clone() })
            });
            // The link's answer lands once; a file chosen later replaces it.
            Effect::new(move |done: Option<bool>| {
                if done == Some(true) {
                    return true;
                }
                match shared.get() {
                    Some(a) => {
                        result.set(Some(a));
                        true
                    }
                    None => false,
                }
            });
        }
        YoursState {
            chosen,
            result,
            answer,
        }
    }

    /// The link to the current view that carries the model (within 8 KB), and what it leaves
    /// out; None without a model.
    pub fn link(&self) -> Option<(String, Vec<String>)> {
        let href = web_sys::window()?.location().href().ok()?;
        let page = href.split('#').next().unwrap_or_default();
        self.answer.with(|a| {
            a.as_ref()
                .and_then(|a| YoursSketch::link_to(page, &a.links))
        })
    }

    /// Puts (or, with `on` false, takes) the model's link in the address bar, without a new
    /// history entry.
    pub fn show_in_url(&self, on: bool) {
        let url = if on {
            self.link().map(|l| l.0)
        } else if hash().starts_with(&format!("#{KEY}")) {
            web_sys::window()
                .and_then(|w| w.location().href().ok())
                .map(|h| h.split('#').next().unwrap_or_default().to_string())
        } else {
            None
        };
        if let (Some(url), Some(h)) = (url, web_sys::window().and_then(|w| w.history().ok())) {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
        }
    }
}
