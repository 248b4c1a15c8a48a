//! The page's side of the data worker: it starts the worker, opens the site (`?data=URL` or
//! `data/` beside the page), and turns what views ask for into [`Request`]s whose answers arrive
//! as signals. Progress, errors (naming the file) and retry come from the worker as messages; the
//! page itself never fetches, decodes or computes a statistic.

use std::collections::HashMap;

use filterscope_web::protocol::{
    decode, Answer, Catalog, Failure, FromWorker, Progress, Request, ToWorker,
};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use crate::page::load_error::LoadError;
use crate::page::settled::Waiting;

type Reply = Box<dyn Fn(u64, Result<Answer, Failure>)>;

/// The loading state and the way to the worker, shared by every view.
#[derive(Clone, Copy)]
pub struct Loader {
    /// The manifest and models, once the worker has opened the site.
    pub catalog: RwSignal<Option<Catalog>>,
    pub progress: RwSignal<Progress>,
    /// A resampling under way in the worker: (done, of all), none when there is none.
    pub computing: RwSignal<Option<(u64, u64)>>,
    pub error: RwSignal<Option<LoadError>>,
    /// Bumped to retry (the retry button): views ask again.
    pub attempt: RwSignal<u32>,
    /// What one answer may download without asking the visitor (none: never ask): see
    /// [`crate::page::ask_over`].
    pub ask_over: RwSignal<Option<u64>>,
    /// Bumped when the visitor agrees to a large download: the answers waiting for it ask again
    /// with no limit.
    consents: RwSignal<u32>,
    worker: StoredValue<Option<Worker>, LocalStorage>,
    ready: RwSignal<bool>,
    /// Messages waiting for the worker to listen.
    queue: StoredValue<Vec<String>, LocalStorage>,
    pending: StoredValue<HashMap<u64, Reply>, LocalStorage>,
    next_id: StoredValue<u64>,
    /// The last file sent: a slower answer for a file chosen before it is dropped.
    latest_file: StoredValue<u64>,
    /// The site being opened, and a file's answer awaited (for [`crate::page::settled`]).
    opening: Waiting,
    file_waiting: Waiting,
}

/// The data worker's loader: the name the site build gave it by content (a `<meta>` of this page,
/// so a page always starts the worker it was built with), or trunk's own name when the page was
/// not built by `cargo xtask site` (`trunk serve`). Only a plain file name beside the page.
fn worker_script() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("meta[name=\"filterscope-worker\"]")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .filter(|n| {
            n.ends_with("_loader.js")
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        })
        .unwrap_or_else(|| "filterscope-worker_loader.js".to_string())
}

/// The data base URL, absolute: `?data=URL` or `data/` beside the page. Only http(s) is loaded
/// (a relative URL is the page's own scheme): `?data=javascript:...`, `data:`, `file:` and the
/// like are refused with a message naming the value.
pub fn data_base() -> Result<String, LoadError> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let given = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get("data"));
    let base = given.clone().unwrap_or_else(|| "data/".to_string());
    let base = if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    };
    let url = crate::page::offline::absolute(&base);
    filterscope_web::protocol::check_data_url(&url)
        .map_err(|why| LoadError::DataUrl { given, why })?;
    Ok(url)
}

impl Loader {
    pub fn new() -> Loader {
        let l = Loader {
            catalog: RwSignal::new(None),
            progress: RwSignal::new(Progress::default()),
            computing: RwSignal::new(None),
            error: RwSignal::new(None),
            attempt: RwSignal::new(0),
            ask_over: RwSignal::new(crate::page::ask_over::stored()),
            consents: RwSignal::new(0),
            worker: StoredValue::new_local(None),
            ready: RwSignal::new(false),
            queue: StoredValue::new_local(Vec::new()),
            pending: StoredValue::new_local(HashMap::new()),
            next_id: StoredValue::new(0),
            latest_file: StoredValue::new(0),
            opening: Waiting::new(),
            file_waiting: Waiting::new(),
        };
        match Worker::new(&worker_script()) {
            Ok(w) => {
                let onmessage =
                    Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| l.receive(e));
                w.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
                onmessage.forget();
                l.worker.set_value(Some(w));
            }
            Err(_) => l.error.set(Some(LoadError::NoWorker)),
        }
        Effect::new(move |_| {
            l.attempt.track();
            l.error.set(None);
            if l.catalog.with_untracked(|c| c.is_some()) {
                l.send(&ToWorker::Retry);
            } else {
                l.progress.set(Progress::default());
                match data_base() {
                    Ok(base) => {
                        l.opening.start();
                        l.send(&ToWorker::Open { base })
                    }
                    Err(e) => l.error.set(Some(e)),
                }
            }
        });
        l
    }

    fn send(&self, msg: &ToWorker) {
        let json = serde_json::to_string(msg).expect("serializes");
        if !self.ready.get_untracked() {
            self.queue.update_value(|q| q.push(json));
            return;
        }
        self.post(&json);
    }

    fn post(&self, json: &str) {
        self.worker.with_value(|w| {
            if let Some(w) = w {
                let _ = w.post_message(&JsValue::from_str(json));
            }
        });
    }

    fn receive(&self, e: MessageEvent) {
        let data = js_sys::Array::from(&e.data());
        let json = data.get(0).as_string().unwrap_or_default();
        let matrix = data
            .get(1)
            .dyn_into::<js_sys::Float64Array>()
            .ok()
            .map(|a| a.to_vec());
        let msg = match decode(&json, matrix) {
            Ok(m) => m,
            Err(e) => {
                self.error.set(Some(LoadError::Message(e)));
                return;
            }
        };
        match msg {
            FromWorker::Ready { protocol } => {
                if protocol != filterscope_web::protocol::PROTOCOL {
                    self.error.set(Some(LoadError::Version));
                    return;
                }
                self.ready.set(true);
                for m in self
                    .queue
                    .try_update_value(std::mem::take)
                    .unwrap_or_default()
                {
                    self.post(&m);
                }
            }
            FromWorker::Catalog(c) => {
                crate::page::timing::measure("filterscope:tables-shown", || {
                    self.catalog.set(Some(*c))
                });
                self.opening.done();
                self.progress.update(|p| {
                    if p.total_files == 0 {
                        p.done = true;
                    }
                });
            }
            FromWorker::Progress(p) => self.progress.set(p),
            FromWorker::Computing { done, total } => {
                self.computing.set((done < total).then_some((done, total)))
            }
            FromWorker::Failed(e) => {
                self.error.set(Some(LoadError::Worker(e)));
                self.opening.done();
            }
            FromWorker::Answer { id, answer } => {
                if let Some(reply) = self.pending.try_update_value(|p| p.remove(&id)).flatten() {
                    reply(id, answer);
                }
            }
        }
    }

    /// A new request id, whose answer goes to `reply` (with the id).
    fn expect(&self, reply: Reply) -> u64 {
        let id = self
            .next_id
            .try_update_value(|n| {
                *n += 1;
                *n
            })
            .unwrap_or_default();
        self.pending.update_value(|p| {
            p.insert(id, reply);
        });
        id
    }

    /// The answer to the request `request` derives (None: nothing to ask), as a signal: `None`
    /// while the worker loads and computes, then its result. Asks again when the request changes
    /// or on a retry; an answer to an older request is dropped.
    pub fn answer(
        &self,
        request: impl Fn() -> Option<Request> + Send + Sync + 'static,
    ) -> ReadSignal<Option<Result<Answer, Failure>>> {
        self.ask(request, false)
    }

    /// [`Loader::answer`] for a request that can be large: one that would download more than
    /// [`Loader::ask_over`] is answered [`Failure::Large`] with nothing fetched, and asked again
    /// with no limit once the visitor agrees ([`Loader::consent`]).
    pub fn answer_asking(
        &self,
        request: impl Fn() -> Option<Request> + Send + Sync + 'static,
    ) -> ReadSignal<Option<Result<Answer, Failure>>> {
        self.ask(request, true)
    }

    /// The visitor agrees to the large downloads the page is asking about.
    pub fn consent(&self) {
        self.consents.update(|c| *c += 1);
    }

    fn ask(
        &self,
        request: impl Fn() -> Option<Request> + Send + Sync + 'static,
        asking: bool,
    ) -> ReadSignal<Option<Result<Answer, Failure>>> {
        let out = RwSignal::new(None);
        let latest = StoredValue::new(0u64);
        let waiting = Waiting::new();
        let l = *self;
        let request = Memo::new(move |_| request());
        // The request the visitor agreed to download whatever it needs for.
        let agreed = RwSignal::new(None::<Request>);
        Effect::new(move |_| {
            l.consents.track();
            if out.with_untracked(|o| matches!(o, Some(Err(Failure::Large { .. })))) {
                agreed.set(request.get_untracked());
            }
        });
        Effect::new(move |_| {
            l.attempt.track();
            // Ask once the site is open (the worker would refuse before).
            if l.catalog.with(|c| c.is_none()) {
                return;
            }
            let Some(r) = request.get() else {
                out.set(None);
                waiting.done();
                return;
            };
            let ask_over = if asking && agreed.with(|a| a.as_ref() != Some(&r)) {
                l.ask_over.get_untracked()
            } else {
                None
            };
            out.set(None);
            waiting.start();
            let id = l.expect(Box::new(move |id, a| {
                // Shown in a task after the one that decoded it: what the view derives from a
                // large answer (a 647-group comparison's order, matrix and scale) and decoding
                // it took 52-62 ms together, over the 50 ms a task may take.
                set_timeout(
                    move || {
                        if latest.try_get_value() == Some(id) {
                            out.set(Some(a));
                            waiting.done();
                        }
                    },
                    std::time::Duration::ZERO,
                );
            }));
            latest.set_value(id);
            l.send(&ToWorker::Ask {
                id,
                request: r,
                ask_over,
            });
        });
        out.read_only()
    }

    /// Sends a visitor's file to be held against the site; its answer lands in `out` unless
    /// another file was sent since. The file goes as itself (a Blob: a handle, not its bytes),
    /// and the worker reads it in slices, so the tab never holds its bytes twice. The worker
    /// must be listening (a view asks only after [`Request::YoursPrepare`] was answered).
    pub fn ask_file(&self, file: web_sys::File, out: RwSignal<Option<Result<Answer, Failure>>>) {
        out.set(None);
        let latest = self.latest_file;
        let waiting = self.file_waiting;
        waiting.start();
        let id = self.expect(Box::new(move |id, a| {
            if latest.get_value() == id {
                out.set(Some(a));
                waiting.done();
            }
        }));
        latest.set_value(id);
        let json = serde_json::to_string(&ToWorker::Ask {
            id,
            request: Request::Yours { name: file.name() },
            ask_over: None,
        })
        .expect("serializes");
        let msg = js_sys::Array::of2(&JsValue::from_str(&json), &file);
        self.worker.with_value(|w| {
            if let Some(w) = w {
                let _ = w.post_message(&msg);
            }
        });
    }

    /// Reads the catalog (None until the site is open).
    pub fn with_catalog<T>(&self, f: impl FnOnce(&Catalog) -> T) -> Option<T> {
        self.catalog.with(|c| c.as_ref().map(f))
    }
}

/// The progress bar and, on failure, the error with a retry button.
#[component]
pub fn LoadStatus(loader: Loader) -> impl IntoView {
    let p = loader.progress;
    view! {
        <Show when=move || loader.error.get().is_some()>
            <div class="error" role="alert" id="load-error">
                <p>"Loading stopped: " {move || loader.error.get().map(|e| e.to_string()).unwrap_or_default()}</p>
                <p>"No numbers from that file are shown."</p>
                <button on:click=move |_| loader.attempt.update(|a| *a += 1)>"Retry"</button>
            </div>
        </Show>
        <Show when=move || !p.get().done && loader.error.get().is_none()>
            <div class="progress" id="progress">
                <progress
                    max=move || p.get().total_bytes.max(1)
                    value=move || p.get().bytes
                    aria-label="Loading site data"
                ></progress>
                <span>
                    {move || {
                        let p = p.get();
                        format!(
                            "{:.1} / {:.1} MB, {} / {} files",
                            p.bytes as f64 / 1e6,
                            p.total_bytes as f64 / 1e6,
                            p.files,
                            p.total_files
                        )
                    }}
                </span>
            </div>
        </Show>
    }
}
