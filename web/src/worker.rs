//! The data worker: everything between the network and the numbers, off the page's thread. It
//! fetches the parts of the site a request needs (each verified against the manifest while it
//! streams, kept in the Cache API once it checks out), decodes them into a [`SiteData`], runs the
//! query and posts the answer. The page only renders.

use std::cell::RefCell;
use std::collections::BTreeSet;

use filterscope_site::{FileEntry, Group, Manifest, Part, SiteData};
use futures::channel::oneshot;
use futures::StreamExt;
use js_sys::{Array, Float64Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::{Answer, Catalog, FromWorker, Progress, Request, ToWorker};
use crate::{answers, cache, fetch};

/// Chunks streamed at once: enough to hide latency, few enough that memory stays small.
const PARALLEL: usize = 4;

/// Sample chunks kept decoded: a model view needs one or two; older ones are dropped, so that
/// any sequence of model views stays within the memory budget.
const KEEP_SAMPLE_CHUNKS: usize = 4;

#[derive(Default)]
struct State {
    base: String,
    site: Option<SiteData>,
    in_flight: BTreeSet<Part>,
    waiters: Vec<oneshot::Sender<()>>,
    failed: Option<String>,
    progress: Progress,
    /// The groups of the last layer-level grouping streamed: (by, filters) and the groups.
    last_groups: Option<((String, String), Vec<Group>)>,
    last_progress_post: f64,
    sample_order: Vec<Part>,
}

impl State {
    /// Counts `files` into the progress about to be fetched (a new count once the last is done).
    fn expect_files<'a>(&mut self, files: impl Iterator<Item = &'a FileEntry>) {
        if self.progress.done {
            self.progress = Progress::default();
        }
        for e in files {
            self.progress.total_bytes += e.bytes;
            self.progress.total_files += 1;
        }
    }
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(msg: &FromWorker) {
    let (json, matrix) = crate::protocol::encode(msg);
    let out = Array::of1(&JsValue::from_str(&json));
    match matrix {
        Some(m) => {
            let arr = Float64Array::from(m.as_slice());
            out.push(&arr);
            let _ = scope().post_message_with_transfer(&out, &Array::of1(&arr.buffer()));
        }
        None => {
            let _ = scope().post_message(&out);
        }
    }
}

/// Posts progress at most every 100 ms, and always when the fetches are done.
fn post_progress(force: bool) {
    let now = js_sys::Date::now();
    let p = STATE.with_borrow_mut(|s| {
        (force || s.progress.done || now - s.last_progress_post > 100.0).then(|| {
            s.last_progress_post = now;
            s.progress.clone()
        })
    });
    if let Some(p) = p {
        post(&FromWorker::Progress(p));
    }
}

/// The largest file read in the browser: the worker's wasm memory (4 GiB at most) must hold the
/// file, its decoded weights and the site.
const MAX_FILE: f64 = 1024.0 * 1024.0 * 1024.0;

/// A visitor's file `name`, read in slices into one buffer: the tab holds one slice of it
/// besides.
async fn read_blob(name: &str, blob: &web_sys::Blob) -> Result<Vec<u8>, String> {
    const SLICE: f64 = 8.0 * 1024.0 * 1024.0;
    let unreadable = || format!("{name}: the browser could not read the file");
    let size = blob.size();
    if size > MAX_FILE {
        return Err(format!(
            "{name}: {size} bytes; a model over 1 GiB is too large for a browser tab (data-prep yours reads it)"
        ));
    }
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(size as usize)
        .map_err(|_| format!("{name}: no memory for its {size} bytes in this tab"))?;
    let mut at = 0.0;
    while at < size {
        let end = (at + SLICE).min(size);
        let part = blob
            .slice_with_f64_and_f64(at, end)
            .map_err(|_| unreadable())?;
        let buf = JsFuture::from(part.array_buffer())
            .await
            .map_err(|_| unreadable())?;
        let piece = js_sys::Uint8Array::new(&buf);
        let from = bytes.len();
        bytes.resize(from + piece.length() as usize, 0);
        piece.copy_to(&mut bytes[from..]);
        at = end;
    }
    Ok(bytes)
}

/// The worker's entry point: listens, then says so.
pub fn start() {
    console_error_panic_hook::set_once();
    let onmessage = Closure::<dyn Fn(MessageEvent)>::new(|e: MessageEvent| {
        // A message is its JSON, or [JSON, File] when it carries a visitor's file.
        let data = e.data();
        let (json, file) = match data.as_string() {
            Some(j) => (j, None),
            None if Array::is_array(&data) => {
                let a: Array = data.unchecked_into();
                let Some(j) = a.get(0).as_string() else {
                    return;
                };
                (j, a.get(1).dyn_into::<web_sys::Blob>().ok())
            }
            None => return,
        };
        match serde_json::from_str::<ToWorker>(&json) {
            Ok(ToWorker::Ask {
                id,
                request: Request::Yours { name },
            }) => spawn_local(async move {
                let answer = match file {
                    Some(f) => match read_blob(&name, &f).await {
                        Ok(bytes) => yours(&name, bytes).await,
                        Err(e) => Err(e),
                    },
                    None => Err(format!("{name}: the file did not reach the worker")),
                };
                post(&FromWorker::Answer { id, answer });
            }),
            Ok(msg) => spawn_local(handle(msg)),
            Err(e) => post(&FromWorker::Failed(format!(
                "bad message to the worker: {e}"
            ))),
        }
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&FromWorker::Ready {
        protocol: crate::protocol::PROTOCOL,
    });
}

async fn handle(msg: ToWorker) {
    match msg {
        ToWorker::Open { base } => match open(base).await {
            Ok(c) => post(&FromWorker::Catalog(Box::new(c))),
            Err(e) => post(&FromWorker::Failed(e)),
        },
        ToWorker::Ask { id, request } => {
            let answer = answer(request).await;
            post(&FromWorker::Answer { id, answer });
        }
        ToWorker::Retry => STATE.with_borrow_mut(|s| s.failed = None),
    }
}

async fn open(base: String) -> Result<Catalog, String> {
    // The page checked it; a worker that fetched whatever it was sent would be the weak link.
    crate::fetch::check_data_url(&base).map_err(|e| format!("{base}: {e}"))?;
    STATE.with_borrow_mut(|s| {
        *s = State {
            base: base.clone(),
            ..State::default()
        }
    });
    let manifest_url = format!("{base}manifest.json");
    // The network's manifest when there is one (a new deploy replaces the old at once), the one
    // kept from an earlier visit when offline.
    let json = match fetch::fetch_all(&manifest_url, "manifest.json", true).await {
        Ok(b) => {
            cache::put(&manifest_url, &b).await;
            b
        }
        Err(e) => cache::get(&manifest_url).await.ok_or(e)?,
    };
    let json = String::from_utf8(json).map_err(|_| "manifest.json: not UTF-8 text".to_string())?;
    let m = Manifest::parse(&json).map_err(|e| e.to_string())?;
    let models = fetch::fetch_verified(&base, &m.models).await?;
    let site = SiteData::new(&json, &models).map_err(|e| e.to_string())?;
    // Files of older deploys go; those of this manifest stay.
    let keep: BTreeSet<String> = site
        .all_parts()
        .into_iter()
        .filter_map(|p| site.entry(p).map(|e| e.file.clone()))
        .collect();
    spawn_local(async move { cache::prune(&base, &keep).await });
    let catalog = Catalog {
        manifest: site.manifest.clone(),
        models: site.models.clone(),
        totals: site.totals.clone(),
        stats: site.stats(),
    };
    STATE.with_borrow_mut(|s| s.site = Some(site));
    Ok(catalog)
}

/// A visitor's model against the site, once the parts it needs are in (the view asked for them
/// before the file was chosen, so this fetches nothing then).
async fn yours(name: &str, bytes: Vec<u8>) -> Result<Answer, String> {
    loaded(&Request::YoursPrepare).await?;
    STATE.with_borrow(|s| answers::yours(s.site.as_ref().expect("open"), name, bytes))
}

/// Fetches what `request` needs until it is all in (a model's chunks become known only once the
/// layers table is).
async fn loaded(request: &Request) -> Result<(), String> {
    loop {
        let missing = STATE.with_borrow(|s| {
            let site = s.site.as_ref().ok_or("the site is not open")?;
            answers::needs(site, request)
                .map(|n| site.missing(&n))
                .map_err(|e| e.to_string())
        })?;
        if missing.is_empty() {
            return Ok(());
        }
        ensure(missing).await?;
    }
}

/// Runs `request` once the parts it needs are in (fetching them), or says why it cannot.
async fn answer(request: Request) -> Result<Answer, String> {
    let layer_level = STATE.with_borrow(|s| {
        s.site
            .as_ref()
            .and_then(|site| answers::layer_level(site, &request))
    });
    if let Some((by, filters)) = layer_level {
        // Everything else the request reads (the layers table, moments for a pair), then the
        // per-layer sketches streamed.
        let others = STATE.with_borrow(|s| {
            let site = s.site.as_ref().expect("open");
            answers::needs(site, &request)
                .map(|n| {
                    n.into_iter()
                        .filter(|p| !matches!(p, Part::Sketches(_)))
                        .collect::<Vec<_>>()
                })
                .map_err(|e| e.to_string())
        })?;
        ensure(others).await?;
        let groups = stream_groups(&by, &filters).await?;
        return STATE.with_borrow(|s| {
            answers::compute_from_groups(s.site.as_ref().expect("open"), &request, groups)
        });
    }
    loaded(&request).await?;
    STATE.with_borrow(|s| answers::compute(s.site.as_ref().expect("open"), &request))
}

/// The groups of a layer-level grouping, merged chunk by chunk in layer order (so that they are
/// bit-identical to data-prep's), each chunk dropped once merged: the per-layer sketches of the
/// full DB would take about 130 MB if kept. Chunks a model view keeps are used as they are.
async fn stream_groups(
    by: &str,
    filters: &[filterscope_site::Where],
) -> Result<Vec<Group>, String> {
    let key = (by.to_string(), format!("{filters:?}"));
    if let Some(g) = STATE.with_borrow(|s| {
        s.last_groups
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, g)| g.clone())
    }) {
        return Ok(g);
    }
    let (mut grouping, chunks) = STATE.with_borrow_mut(|s| {
        let site = s.site.as_ref().expect("open");
        let g = site
            .layer_grouping(by, filters)
            .map_err(|e| e.to_string())?;
        let chunks: Vec<(Part, FileEntry, bool)> = (0..site.manifest.sketches.len())
            .map(Part::Sketches)
            .filter_map(|p| site.entry(p).map(|e| (p, e.clone(), site.has(p))))
            .collect();
        s.expect_files(chunks.iter().filter(|c| !c.2).map(|c| &c.1));
        Ok::<_, String>((g, chunks))
    })?;
    let mut stream = futures::stream::iter(chunks.into_iter().map(|(part, e, kept)| async move {
        if kept {
            return (part, Ok(None));
        }
        (part, fetch(&e).await.map(Some))
    }))
    .buffered(PARALLEL);
    while let Some((part, fetched)) = stream.next().await {
        let merged = STATE.with_borrow_mut(|s| {
            let site = s.site.as_ref().expect("open");
            match fetched? {
                Some(batches) => {
                    let rows = site
                        .decode_sketch_chunk(part, batches)
                        .map_err(|e| e.to_string())?;
                    site.add_layers(
                        &mut grouping,
                        rows.iter().map(|(l, r)| (*l as usize, &r.sketch)),
                    );
                    s.progress.files += 1;
                }
                None => {
                    let range = site.chunk_range(part).expect("listed");
                    let kept = range.filter_map(|l| site.layer_sketch(l).map(|r| (l, &r.sketch)));
                    site.add_layers(&mut grouping, kept);
                }
            }
            Ok::<_, String>(())
        });
        if let Err(e) = merged {
            fail(e.clone());
            return Err(e);
        }
        post_progress(false);
    }
    STATE.with_borrow_mut(|s| s.progress.done = s.in_flight.is_empty());
    post_progress(true);
    let groups = grouping.finish();
    STATE.with_borrow_mut(|s| s.last_groups = Some((key, groups.clone())));
    Ok(groups)
}

/// A part's verified record batches, counted in the progress.
async fn fetch(e: &FileEntry) -> Result<Vec<arrow_array::RecordBatch>, String> {
    let base = STATE.with_borrow(|s| s.base.clone());
    fetch::fetch_batches(&base, e, advance).await
}

/// Records the first failure, says so to the page and wakes whoever waits.
fn fail(e: String) {
    STATE.with_borrow_mut(|s| {
        if s.failed.is_none() {
            s.failed = Some(e.clone());
        }
        s.progress.done = true;
    });
    post(&FromWorker::Failed(e));
    wake_all();
}

/// Fetches those of `parts` not on their way, and waits until all are in or one fails.
async fn ensure(parts: Vec<Part>) -> Result<(), String> {
    let start: Vec<(Part, FileEntry)> = STATE.with_borrow_mut(|s| {
        let site = s.site.as_ref().expect("open");
        let new: Vec<(Part, FileEntry)> = parts
            .iter()
            .filter(|p| !s.in_flight.contains(p))
            .filter_map(|&p| site.entry(p).map(|e| (p, e.clone())))
            .collect();
        if s.failed.is_none() {
            s.in_flight.extend(new.iter().map(|(p, _)| *p));
            s.expect_files(new.iter().map(|(_, e)| e));
        }
        new
    });
    if STATE.with_borrow(|s| s.failed.is_none()) {
        for (part, entry) in start {
            spawn_local(fetch_part(part, entry));
        }
    }
    loop {
        let (done, failed) = STATE.with_borrow(|s| {
            let site = s.site.as_ref().expect("open");
            (site.missing(&parts).is_empty(), s.failed.clone())
        });
        if done {
            return Ok(());
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let (tx, rx) = oneshot::channel();
        STATE.with_borrow_mut(|s| s.waiters.push(tx));
        let _ = rx.await;
    }
}

fn wake_all() {
    for w in STATE.with_borrow_mut(|s| std::mem::take(&mut s.waiters)) {
        let _ = w.send(());
    }
}

async fn fetch_part(part: Part, entry: FileEntry) {
    let result = async {
        let batches = fetch(&entry).await?;
        STATE.with_borrow_mut(|s| {
            let site = s.site.as_mut().expect("open");
            site.add(part, batches).map_err(|e| e.to_string())?;
            if matches!(part, Part::Samples(_)) {
                s.sample_order.push(part);
                while s.sample_order.len() > KEEP_SAMPLE_CHUNKS {
                    let old = s.sample_order.remove(0);
                    site.evict(old);
                }
            }
            Ok::<_, String>(())
        })
    }
    .await;
    STATE.with_borrow_mut(|s| {
        s.in_flight.remove(&part);
        s.progress.files += 1;
        s.progress.done = s.in_flight.is_empty();
    });
    if let Err(e) = result {
        fail(e);
    }
    post_progress(true);
    wake_all();
}

fn advance(bytes: usize) {
    STATE.with_borrow_mut(|s| s.progress.bytes += bytes as u64);
    post_progress(false);
}
