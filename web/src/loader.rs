//! Loads the site data: manifest, then the tables (enough for every model-level view), then the
//! sketch and sample chunks a few at a time. Progress counts bytes and files; every file is
//! verified against the manifest before a number from it is shown, and the first failure stops
//! loading with a message that names the file.

use filterscope_site::{ChunkKind, Manifest, SiteData};
use futures::StreamExt;
use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Chunks fetched at once: enough to hide latency, few enough that progress moves steadily.
const PARALLEL: usize = 3;

/// How far loading has come.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub bytes: u64,
    pub total_bytes: u64,
    pub files: usize,
    pub total_files: usize,
    pub done: bool,
}

/// How far loading has got. Views read the site through it (untracked) so they are recomputed a
/// few times while loading, not once per arriving chunk: at full shape, re-projecting a group's
/// samples for each of 42 chunks kept the main thread busy for 1.5 s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing usable yet.
    Empty,
    /// Models, layers and rollups: model-level views can draw.
    Tables,
    /// Every per-layer sketch too: layer-level views can draw.
    Sketches,
    /// Every sample chunk too: filter grids and densities are complete.
    Complete,
}

/// The loaded data and the loading state, shared by every view.
#[derive(Clone, Copy)]
pub struct Loader {
    pub site: RwSignal<Option<SiteData>>,
    /// Changes only when [`Phase`] does; read the site untracked beside it.
    pub phase: Memo<Phase>,
    /// The tables are in (model-level queries can run).
    pub tables_ready: Memo<bool>,
    /// Every per-layer sketch is in (layer-level queries can run).
    pub layers_ready: Memo<bool>,
    pub progress: RwSignal<Progress>,
    pub error: RwSignal<Option<String>>,
    /// Bumped to restart loading (the retry button).
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
    mut sink: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| format!("{file}: could not be fetched (network error or blocked by CORS)"))?;
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
async fn fetch_bytes(url: &str, file: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    stream_bytes(url, file, |piece| {
        out.extend_from_slice(piece);
        Ok(())
    })
    .await?;
    Ok(out)
}

impl Loader {
    pub fn new() -> Loader {
        let site = RwSignal::new(None::<SiteData>);
        let phase = Memo::new(move |_| {
            site.with(|s| match s {
                None => Phase::Empty,
                Some(s) if s.loaded(ChunkKind::Sketches) && s.loaded(ChunkKind::Samples) => {
                    Phase::Complete
                }
                Some(s) if s.loaded(ChunkKind::Sketches) => Phase::Sketches,
                Some(_) => Phase::Tables,
            })
        });
        let l = Loader {
            site,
            phase,
            tables_ready: Memo::new(move |_| phase.get() != Phase::Empty),
            layers_ready: Memo::new(move |_| {
                matches!(phase.get(), Phase::Sketches | Phase::Complete)
            }),
            progress: RwSignal::new(Progress::default()),
            error: RwSignal::new(None),
            attempt: RwSignal::new(0),
        };
        Effect::new(move |_| {
            l.attempt.track();
            l.site.set(None);
            l.error.set(None);
            l.progress.set(Progress::default());
            leptos::task::spawn_local(async move {
                if let Err(e) = l.run(data_base()).await {
                    l.error.set(Some(e));
                }
            });
        });
        l
    }

    /// Reads the site for a memo: the memo follows the loading [`Phase`] (so it is recomputed a
    /// few times while loading) and reads the site itself untracked (not once per chunk). `None`
    /// until the tables are in. Every view reads the site through this or [`Loader::with_query`].
    pub fn with_site<T>(&self, f: impl FnOnce(&SiteData) -> T) -> Option<T> {
        let _ = self.phase.get();
        self.site.with_untracked(|s| s.as_ref().map(f))
    }

    /// Reads the site for a memo that runs a grouping query over `by` and `filters`: the memo
    /// follows only what that query needs (the tables for model-level queries, so a 647-group
    /// heatmap is not recomputed when per-layer chunks arrive; every sketch chunk for layer-level
    /// ones).
    pub fn with_query<T>(
        &self,
        by: &str,
        filters: &[filterscope_site::Where],
        f: impl FnOnce(&SiteData) -> T,
    ) -> Option<T> {
        self.track_query(by, filters);
        self.site.with_untracked(|s| s.as_ref().map(f))
    }

    fn track_query(&self, by: &str, filters: &[filterscope_site::Where]) {
        let layers = self.site.with_untracked(|s| {
            s.as_ref()
                .map(|s| s.needs_layers(by, filters).unwrap_or(true))
                .unwrap_or(true)
        });
        let _ = self.tables_ready.get();
        if layers {
            let _ = self.layers_ready.get();
        }
    }

    fn advance(&self, bytes: usize) {
        self.progress.update(|p| {
            p.bytes += bytes as u64;
            p.files += 1;
        });
    }

    async fn run(self, base: String) -> Result<(), String> {
        let json_bytes = fetch_bytes(&format!("{base}manifest.json"), "manifest.json").await?;
        let json = String::from_utf8(json_bytes)
            .map_err(|_| "manifest.json: not UTF-8 text".to_string())?;
        let m = Manifest::parse(&json).map_err(|e| e.to_string())?;
        let chunk_bytes: u64 = m
            .sketches
            .iter()
            .chain(&m.samples)
            .map(|c| c.entry.bytes)
            .sum();
        self.progress.set(Progress {
            bytes: json.len() as u64,
            total_bytes: json.len() as u64
                + m.models.bytes
                + m.layers.bytes
                + m.rollups.bytes
                + chunk_bytes,
            files: 1,
            total_files: 4 + m.sketches.len() + m.samples.len(),
            done: false,
        });
        let url = |f: &str| format!("{base}{f}");
        let mut tables = Vec::new();
        for e in [&m.models, &m.layers, &m.rollups] {
            let b = fetch_bytes(&url(&e.file), &e.file).await?;
            self.advance(b.len());
            tables.push(b);
        }
        let site = crate::timing::measure("filterscope:tables", || {
            SiteData::new(&json, &tables[0], &tables[1], &tables[2])
        })
        .map_err(|e| e.to_string())?;
        crate::timing::measure("filterscope:tables-shown", || self.site.set(Some(site)));
        // Sketches first (layer views and layer filters need them), then samples.
        let jobs: Vec<(ChunkKind, usize, String)> = m
            .sketches
            .iter()
            .enumerate()
            .map(|(k, c)| (ChunkKind::Sketches, k, c.entry.file.clone()))
            .chain(
                m.samples
                    .iter()
                    .enumerate()
                    .map(|(k, c)| (ChunkKind::Samples, k, c.entry.file.clone())),
            )
            .collect();
        // Each chunk is verified and decoded while it downloads; its rows join the data only once
        // the whole file has checked out against the manifest.
        let site = self.site;
        let progress = self.progress;
        let mut fetched = futures::stream::iter(jobs.into_iter().map(|(kind, k, file)| {
            let u = url(&file);
            async move {
                let mut incoming = site
                    .with_untracked(|s| s.as_ref().expect("tables loaded").incoming_chunk(kind, k))
                    .map_err(|e| e.to_string())?;
                stream_bytes(&u, &file, |piece| {
                    progress.update(|p| p.bytes += piece.len() as u64);
                    incoming.push(piece).map_err(|e| e.to_string())
                })
                .await?;
                let batches = incoming.finish().map_err(|e| e.to_string())?;
                Ok::<_, String>((kind, k, batches))
            }
        }))
        .buffer_unordered(PARALLEL);
        while let Some(done) = fetched.next().await {
            let (kind, k, batches) = done?;
            let mut result = Ok(());
            // Adding the rows and re-running what depends on them, as one task.
            let _t = crate::timing::Span::new("filterscope:add-chunk");
            self.site.update(|s| {
                if let Some(s) = s {
                    result = s.add_chunk_batches(kind, k, &batches);
                }
            });
            result.map_err(|e| e.to_string())?;
            self.progress.update(|p| p.files += 1);
        }
        self.progress.update(|p| p.done = true);
        crate::timing::mark_once("filterscope:loaded");
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
