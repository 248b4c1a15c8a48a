//! The visitor's models, shared by the views that show them (Your model, and Quality as an
//! overlay): up to [`MAX_MODELS`] files or shared models, each with its answer, one of them
//! shown in full. Files go to the worker one at a time (a tab holds one file's bytes at once,
//! however many are chosen). A link carries the models' sketches in its fragment (`#yours=...`,
//! never sent to a server); the views that show them write it back into the address bar, so
//! that their permalink shares the models too.

use std::collections::VecDeque;

use filterscope_site::{YoursSketch, MAX_MODELS, SEPARATOR};
use filterscope_web::protocol::{Answer, Failure, Request, YoursAnswer};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::page::loader::Loader;
use crate::page::route::{Router, View};

/// What follows the '#' of a link that shares models.
const KEY: &str = "yours=";

type Outcome = RwSignal<Option<Result<Answer, Failure>>>;

/// One of the visitor's models: a file or a model from the link, and the worker's answer.
#[derive(Clone)]
pub struct Entry {
    /// The file's name (or where in the link the model came from, until its answer names it).
    pub name: String,
    /// None while it is being read.
    pub result: Outcome,
}

impl Entry {
    /// Its name: the report's, once there is one.
    pub fn label(&self) -> String {
        match self.result.get() {
            Some(Ok(Answer::Yours(a))) => a.report.model.clone(),
            _ => self.name.clone(),
        }
    }
}

/// The visitor's models.
#[derive(Clone, Copy)]
pub struct YoursState {
    /// Every model, in the order given.
    pub entries: RwSignal<Vec<Entry>>,
    /// The one shown in full (an index into `entries`).
    pub selected: RwSignal<usize>,
    /// Files over [`MAX_MODELS`] that the last choice could not add.
    pub refused: RwSignal<usize>,
    /// The shown model's answer, once it is one.
    pub answer: Memo<Option<YoursAnswer>>,
    /// Every model that has an answer, in order.
    pub answers: Memo<Vec<YoursAnswer>>,
    queue: StoredValue<VecDeque<(web_sys::File, Outcome)>, LocalStorage>,
    kick: RwSignal<u32>,
    /// The app's owner: an entry's signal is made under it, not under the event handler or
    /// view that adds the file (which may be disposed while the file is still read).
    owner: StoredValue<Owner>,
}

fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn yours(r: Option<Result<Answer, Failure>>) -> Option<YoursAnswer> {
    match r {
        Some(Ok(Answer::Yours(a))) => Some(*a),
        _ => None,
    }
}

impl YoursState {
    /// Reads shared models from the URL's fragment, if any, asks the worker for them once a
    /// view that shows them is open, and sends chosen files to the worker one after another.
    pub fn install(loader: Loader, router: Router) -> YoursState {
        let entries = RwSignal::new(Vec::<Entry>::new());
        let selected = RwSignal::new(0usize);
        let answer = Memo::new(move |_| {
            let i = selected.get();
            entries.with(|e| e.get(i).and_then(|e| yours(e.result.get())))
        });
        let answers = Memo::new(move |_| {
            entries.with(|e| e.iter().filter_map(|e| yours(e.result.get())).collect())
        });
        let state = YoursState {
            entries,
            selected,
            refused: RwSignal::new(0),
            answer,
            answers,
            queue: StoredValue::new_local(VecDeque::new()),
            kick: RwSignal::new(0),
            owner: StoredValue::new(Owner::current().expect("installed inside the app")),
        };
        state.pump(loader);
        let link = hash().strip_prefix(&format!("#{KEY}")).map(str::to_string);
        if let Some(link) = link {
            let shown = Memo::new(move |_| {
                matches!(router.route.get().view(), View::Yours | View::Quality)
            });
            for (k, part) in link.split(SEPARATOR).take(MAX_MODELS).enumerate() {
                let part = part.to_string();
                let result: Outcome = RwSignal::new(None);
                let shared = loader.answer(move || {
                    shown
                        .get()
                        .then(|| Request::YoursShared { link: part.clone() })
                });
                // The link's answer lands once.
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
                entries.update(|e| {
                    e.push(Entry {
                        name: format!("model {} of the link", k + 1),
                        result,
                    })
                });
            }
        }
        state
    }

    /// Sends the next queued file once the one before has its answer: one file in the worker
    /// (and its bytes in the tab) at a time.
    fn pump(self, loader: Loader) {
        let busy = RwSignal::new(None::<Outcome>);
        let (queue, kick) = (self.queue, self.kick);
        Effect::new(move |_| {
            kick.track();
            if busy.get().is_some_and(|b| b.with(Option::is_none)) {
                return;
            }
            match queue.try_update_value(|q| q.pop_front()).flatten() {
                Some((file, out)) => {
                    busy.set(Some(out));
                    loader.ask_file(file, out);
                }
                None => {
                    if busy.get_untracked().is_some() {
                        busy.set(None);
                    }
                }
            }
        });
    }

    /// Adds the visitor's files (as many as fit under [`MAX_MODELS`]); the first added is shown.
    pub fn add(&self, files: Vec<web_sys::File>) {
        let have = self.entries.with_untracked(Vec::len);
        let room = MAX_MODELS.saturating_sub(have);
        self.refused.set(files.len().saturating_sub(room));
        let mut added = false;
        for file in files.into_iter().take(room) {
            let result: Outcome = self.owner.with_value(|o| o.with(|| RwSignal::new(None)));
            self.entries.update(|e| {
                e.push(Entry {
                    name: file.name(),
                    result,
                })
            });
            self.queue.update_value(|q| q.push_back((file, result)));
            added = true;
        }
        if added {
            self.selected.set(have);
            self.kick.update(|k| *k += 1);
        }
    }

    /// Removes model `i` (every model, with None).
    pub fn remove(&self, i: Option<usize>) {
        match i {
            Some(i) => self.entries.update(|e| {
                if i < e.len() {
                    e.remove(i);
                }
            }),
            None => {
                self.entries.set(vec![]);
                self.queue.update_value(VecDeque::clear);
            }
        }
        // The shown model stays shown when one before it goes.
        let n = self.entries.with_untracked(Vec::len);
        let s = self.selected.get_untracked();
        let keep = match i {
            Some(i) if i < s || s >= n => s.saturating_sub(1),
            Some(_) => s,
            None => 0,
        };
        self.selected.set(keep);
    }

    /// The link to the current view that carries the models (within 8 KB), and what it leaves
    /// out; None without a model.
    pub fn link(&self) -> Option<(String, Vec<String>)> {
        let href = web_sys::window()?.location().href().ok()?;
        let page = href.split('#').next().unwrap_or_default();
        self.answers.with(|a| {
            let forms: Vec<_> = a
                .iter()
                .map(|a| (a.report.model.clone(), a.links.clone()))
                .collect();
            (!forms.is_empty())
                .then(|| YoursSketch::link_to_all(page, &forms))
                .flatten()
        })
    }

    /// Puts (or, with `on` false, takes) the models' link in the address bar, without a new
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
