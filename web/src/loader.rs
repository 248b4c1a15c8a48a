//! Loads the site data on demand: the manifest and the models table at start (enough for the
//! overview), then exactly the parts ([`Part`]) the view on screen asks for. Each file is
//! verified against the manifest while it streams and joins the data only once it checks out; the
//! first failure shows a message naming the file, with a retry. Progress counts the bytes of what
//! is being fetched.

use std::collections::BTreeSet;

use filterscope_site::{Manifest, Part, SiteData, SiteError};
use futures::StreamExt;
use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Files fetched at once: enough to hide latency, few enough that progress moves steadily.
const PARALLEL: usize = 4;

/// Sample chunks kept in memory: a model view needs one or two; older ones are dropped.
const KEEP_SAMPLE_CHUNKS: usize = 4;

/// How far the current fetches have come.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub bytes: u64,
    pub total_bytes: u64,
    pub files: usize,
    pub total_files: usize,
    pub done: bool,
}

/// The loaded data and the loading state, shared by every view.
#[derive(Clone, Copy)]
pub struct Loader {
    pub site: RwSignal<Option<SiteData>>,
    /// Bumped when a part arrives, so that a query waiting for it runs again.
    arrivals: RwSignal<u64>,
    /// Parts being fetched.
    in_flight: StoredValue<BTreeSet<Part>>,
    /// Sample chunks in the order they arrived (the oldest are evicted first).
    sample_order: StoredValue<Vec<Part>>,
    pub progress: RwSignal<Progress>,
    pub error: RwSignal<Option<String>>,
    /// Bumped to retry (the retry button).
    pub attempt: RwSignal<u32>,
}

/// The data base URL: `?data=URL` or `data/` beside the page.
pub fn data_base() -> String {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let base = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get("data"))
        .unwrap_or_else(|| "data/".to_string());
    if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    }
}

/// Streams a file's body piece by piece into `sink` as it downloads.
async fn stream_bytes(
    url: &str,
    file: &str,
    revalidate: bool,
    mut sink: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    if revalidate {
        // The manifest names every other file by its content, so only it must be fresh.
        init.set_cache(web_sys::RequestCache::NoCache);
    }
    let resp = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| {
            format!("{file}: could not be fetched (offline, network error or blocked by CORS)")
        })?;
    let resp: Response = resp
        .dyn_into()
        .map_err(|_| format!("{file}: not an HTTP response"))?;
    if !resp.ok() {
        return Err(format!(
            "{file}: HTTP {} {} (missing?)",
            resp.status(),
            resp.status_text()
        ));
    }
    let body = resp
        .body()
        .ok_or_else(|| format!("{file}: the response has no body"))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    loop {
        let step = JsFuture::from(reader.read())
            .await
            .map_err(|_| format!("{file}: the download broke off"))?;
        let done = js_sys::Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(());
        }
        let value = js_sys::Reflect::get(&step, &"value".into())
            .map_err(|_| format!("{file}: unreadable body"))?;
        sink(&Uint8Array::new(&value).to_vec())?;
    }
}

/// A whole (small) file.
async fn fetch_bytes(url: &str, file: &str, revalidate: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    stream_bytes(url, file, revalidate, |piece| {
        out.extend_from_slice(piece);
        Ok(())
    })
    .await?;
    Ok(out)
}

impl Loader {
    pub fn new() -> Loader {
        let l = Loader {
            site: RwSignal::new(None),
            arrivals: RwSignal::new(0),
            in_flight: StoredValue::new(BTreeSet::new()),
            sample_order: StoredValue::new(Vec::new()),
            progress: RwSignal::new(Progress::default()),
            error: RwSignal::new(None),
            attempt: RwSignal::new(0),
        };
        Effect::new(move |_| {
            l.attempt.track();
            l.error.set(None);
            if l.site.with_untracked(|s| s.is_some()) {
                // The manifest is in: queries ask again for what failed.
                l.arrivals.update(|a| *a += 1);
                return;
            }
            l.progress.set(Progress::default());
            leptos::task::spawn_local(async move {
                if let Err(e) = l.open(data_base()).await {
                    l.error.set(Some(e));
                }
            });
        });
        l
    }

    /// Runs `f` over the site once the parts `needs` names are loaded, fetching those that are
    /// not: `None` while they load (or before the manifest is in), the query's result after. A
    /// memo calling this runs again when a part it waits for arrives, not for unrelated ones.
    pub fn query<T>(
        &self,
        needs: impl FnOnce(&SiteData) -> Result<Vec<Part>, SiteError>,
        f: impl FnOnce(&SiteData) -> T,
    ) -> Option<Result<T, String>> {
        self.attempt.track();
        let missing = self
            .site
            .with_untracked(|s| s.as_ref().map(|s| needs(s).map(|n| s.missing(&n))));
        match missing {
            None => {
                // Before the manifest: wait for it.
                self.site.track();
                None
            }
            Some(Err(e)) => Some(Err(e.to_string())),
            Some(Ok(m)) if !m.is_empty() => {
                self.arrivals.track();
                self.fetch(m);
                None
            }
            Some(Ok(_)) => {
                // Also follow a new site (a retry after the manifest failed).
                self.site.with(|s| s.as_ref().map(|s| Ok(f(s))))
            }
        }
    }

    /// Like [`Loader::query`] for reads that need only the manifest and models table.
    pub fn with_site<T>(&self, f: impl FnOnce(&SiteData) -> T) -> Option<T> {
        self.query(|_| Ok(vec![]), f).and_then(|r| r.ok())
    }

    async fn open(self, base: String) -> Result<(), String> {
        let manifest_url = crate::cache::absolute(&format!("{base}manifest.json"));
        // The network's manifest when there is one (a new deploy replaces the old at once), the
        // one kept from an earlier visit when offline.
        let json_bytes = match fetch_bytes(&manifest_url, "manifest.json", true).await {
            Ok(b) => {
                crate::cache::put(&manifest_url, &b).await;
                b
            }
            Err(e) => crate::cache::get(&manifest_url).await.ok_or(e)?,
        };
        let json = String::from_utf8(json_bytes)
            .map_err(|_| "manifest.json: not UTF-8 text".to_string())?;
        let m = Manifest::parse(&json).map_err(|e| e.to_string())?;
        self.progress.set(Progress {
            bytes: json.len() as u64,
            total_bytes: json.len() as u64 + m.models.bytes,
            files: 1,
            total_files: 2,
            done: false,
        });
        let models_url = crate::cache::absolute(&format!("{base}{}", m.models.file));
        let (models, cached) = match crate::cache::get(&models_url).await {
            Some(b) => (b, true),
            None => (
                fetch_bytes(&models_url, &m.models.file, false).await?,
                false,
            ),
        };
        let site = crate::timing::measure("filterscope:tables", || SiteData::new(&json, &models))
            .map_err(|e| e.to_string())?;
        if !cached {
            crate::cache::put(&models_url, &models).await;
        }
        // Files of older deploys go; those of this manifest stay.
        let keep = site
            .all_parts()
            .into_iter()
            .filter_map(|p| site.entry(p).map(|e| e.file.clone()))
            .collect();
        let base_abs = crate::cache::absolute(&base);
        leptos::task::spawn_local(async move { crate::cache::prune(&base_abs, &keep).await });
        self.progress.update(|p| {
            p.bytes += models.len() as u64;
            p.files += 1;
            p.done = true;
        });
        crate::timing::measure("filterscope:tables-shown", || self.site.set(Some(site)));
        Ok(())
    }

    /// Starts fetching those of `parts` not already on their way (in a task of its own, as a
    /// memo asks for it while it computes).
    fn fetch(&self, parts: Vec<Part>) {
        let l = *self;
        leptos::task::spawn_local(async move { l.start(parts).await });
    }

    async fn start(self, parts: Vec<Part>) {
        if self.error.get_untracked().is_some() {
            // After a failure, fetch again only on a retry.
            return;
        }
        let new: Vec<Part> = self
            .in_flight
            .with_value(|f| parts.into_iter().filter(|p| !f.contains(p)).collect());
        if new.is_empty() {
            return;
        }
        let entries: Vec<(Part, filterscope_site::FileEntry)> = self.site.with_untracked(|s| {
            let s = s.as_ref().expect("manifest loaded");
            new.iter()
                .filter_map(|&p| s.entry(p).map(|e| (p, e.clone())))
                .collect()
        });
        self.in_flight
            .update_value(|f| f.extend(new.iter().copied()));
        self.progress.update(|p| {
            if p.done {
                *p = Progress::default();
            }
            p.total_bytes += entries.iter().map(|(_, e)| e.bytes).sum::<u64>();
            p.total_files += entries.len();
        });
        let l = self;
        let base = data_base();
        {
            let mut jobs = futures::stream::iter(entries.into_iter().map(|(part, e)| {
                let url = crate::cache::absolute(&format!("{base}{}", e.file));
                async move {
                    let mut incoming = filterscope_site::IncomingFile::new(&e);
                    // Verified bytes kept from an earlier visit, checked again all the same.
                    if let Some(bytes) = crate::cache::get(&url).await {
                        l.progress.update(|p| p.bytes += bytes.len() as u64);
                        incoming.push(&bytes).map_err(|e| e.to_string())?;
                        let batches = incoming.finish().map_err(|e| e.to_string())?;
                        return Ok::<_, String>((part, batches));
                    }
                    // Decoded while it streams, and kept whole to be cached once it checks out.
                    let mut whole = Vec::with_capacity(e.bytes.min(1 << 26) as usize);
                    stream_bytes(&url, &e.file, false, |piece| {
                        l.progress.update(|p| p.bytes += piece.len() as u64);
                        whole.extend_from_slice(piece);
                        incoming.push(piece).map_err(|e| e.to_string())
                    })
                    .await?;
                    let batches = incoming.finish().map_err(|e| e.to_string())?;
                    crate::cache::put(&url, &whole).await;
                    Ok::<_, String>((part, batches))
                }
            }))
            .buffer_unordered(PARALLEL);
            while let Some(done) = jobs.next().await {
                let result = match done {
                    Ok((part, batches)) => l.add(part, batches),
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    l.in_flight.update_value(|f| f.clear());
                    l.progress.update(|p| p.done = true);
                    l.error.set(Some(e));
                    return;
                }
            }
        }
    }

    /// Adds a verified part, evicting the oldest sample chunks beyond [`KEEP_SAMPLE_CHUNKS`].
    fn add(&self, part: Part, batches: Vec<arrow_array::RecordBatch>) -> Result<(), String> {
        let _t = crate::timing::Span::new("filterscope:add-part");
        let mut result = Ok(());
        self.site.update_untracked(|s| {
            if let Some(s) = s {
                result = s.add(part, batches);
                if result.is_ok() && matches!(part, Part::Samples(_)) {
                    self.sample_order.update_value(|o| {
                        o.push(part);
                        while o.len() > KEEP_SAMPLE_CHUNKS {
                            s.evict(o.remove(0));
                        }
                    });
                }
            }
        });
        result.map_err(|e| e.to_string())?;
        self.in_flight.update_value(|f| {
            f.remove(&part);
        });
        self.progress.update(|p| {
            p.files += 1;
            if self.in_flight.with_value(|f| f.is_empty()) {
                p.done = true;
            }
        });
        self.arrivals.update(|a| *a += 1);
        Ok(())
    }
}

/// The progress bar and, on failure, the error with a retry button.
#[component]
pub fn LoadStatus(loader: Loader) -> impl IntoView {
    let p = loader.progress;
    view! {
        <Show when=move || loader.error.get().is_some()>
            <div class="error" role="alert" id="load-error">
                <p>"Loading stopped: " {move || loader.error.get().unwrap_or_default()}</p>
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
