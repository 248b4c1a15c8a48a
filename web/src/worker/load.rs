//! Getting what a request reads into the open site: the manifest and models when a site opens,
//! then the parts a request needs, fetched at most [`PARALLEL`] at a time, each verified and
//! decoded as it streams; the per-layer sketches of a layer-level grouping (or its column's cells,
//! where fewer bytes) merged chunk by chunk and dropped. Progress goes to the page as it comes.

use std::collections::BTreeSet;
use std::rc::Rc;

use filterscope_site::{FileEntry, Group, Grouping, Manifest, Part, SiteData};
use futures::channel::oneshot;
use futures::StreamExt;
use wasm_bindgen_futures::spawn_local;

use super::post::{post, post_computing, post_progress};
use super::state::{self, GroupingKey, Opened};
use super::streamed::{chunk_parts, layer_level, Streamed};
use super::{answers, cache, cost, fetch};
use crate::protocol::{Answer, Catalog, Failure, FromWorker, Request};

/// Chunks streamed at once: enough to hide latency, few enough that memory stays small.
const PARALLEL: usize = 4;

/// Sample chunks kept decoded: a model view needs one or two; older ones are dropped, so that
/// any sequence of model views stays within the memory budget.
const KEEP_SAMPLE_CHUNKS: usize = 4;

/// Opens the site under `base`: its manifest (the network's, or the one kept offline) and its
/// models table. Files of older deploys leave the cache.
pub async fn open(base: String) -> Result<Catalog, Failure> {
    // The page checked it; a worker that fetched whatever it was sent would be the weak link.
    crate::protocol::check_data_url(&base).map_err(|e| Failure::Message(format!("{base}: {e}")))?;
    state::set(None);
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
    let json = String::from_utf8(json).map_err(|_| Failure::File {
        file: "manifest.json".into(),
        problem: "not UTF-8 text".into(),
    })?;
    let m = Manifest::parse(&json).map_err(Failure::data)?;
    let models = fetch::fetch_verified(&base, &m.models).await?;
    let site = SiteData::new(&json, &models).map_err(Failure::data)?;
    let keep: BTreeSet<String> = site
        .all_parts()
        .into_iter()
        .filter_map(|p| site.entry(p).map(|e| e.file.clone()))
        .collect();
    let prune_base = base.clone();
    spawn_local(async move { cache::prune(&prune_base, &keep).await });
    let catalog = Catalog {
        manifest: site.manifest().clone(),
        models: site.models().to_vec(),
        totals: site.totals().to_vec(),
        stats: site.stats(),
    };
    state::set(Some(Opened::new(base, site)));
    Ok(catalog)
}

/// A visitor's model against the site, once the parts it needs are in (the view asked for them
/// before the file was chosen, so this fetches nothing then).
pub async fn yours(name: &str, bytes: Vec<u8>) -> Result<Answer, Failure> {
    loaded(&Request::YoursPrepare).await?;
    state::with_site(|site| answers::yours(site, name, bytes))
}

/// Fetches what `request` needs until it is all in (a model's chunks become known only once the
/// layers table is).
async fn loaded(request: &Request) -> Result<(), Failure> {
    loop {
        let missing = state::with_site(|site| {
            answers::needs(site, request)
                .map(|n| site.missing(&n))
                .map_err(Failure::query)
        })?;
        if missing.is_empty() {
            return Ok(());
        }
        ensure(missing).await?;
    }
}

/// Runs `request` once the parts it needs are in (fetching them), or says why it cannot. With
/// `ask_over`, a request that would download more bytes than that fetches nothing and is
/// answered [`Failure::Large`].
pub async fn answer(request: Request, ask_over: Option<u64>) -> Result<Answer, Failure> {
    let layer_level = state::with_site(|site| Ok(layer_level(site, &request)))?;
    if let Some(limit) = ask_over {
        let (files, base) = state::with(|s| {
            let kept = layer_level
                .as_ref()
                .is_some_and(|st| kept_groups(s, st).is_some());
            let files = cost::to_fetch(&s.site, &request, &s.in_flight, kept);
            (files.map_err(Failure::query), s.base.clone())
        })?;
        let bytes = downloads(&base, files?, limit).await;
        if bytes > limit {
            return Err(Failure::Large { bytes });
        }
    }
    if let Some(streamed) = layer_level {
        // Everything else the request reads (the layers table, moments for a pair), then the
        // per-layer sketches (or the column's cells) streamed.
        let others = state::with_site(|site| {
            answers::needs(site, &request)
                .map(|n| {
                    n.into_iter()
                        .filter(|p| !matches!(p, Part::Sketches(_)))
                        .collect::<Vec<_>>()
                })
                .map_err(Failure::query)
        })?;
        ensure(others).await?;
        let groups = stream_groups(&streamed).await?;
        return state::with_site(|site| {
            answers::compute_from_groups(site, &request, &groups, &mut post_computing())
        });
    }
    loaded(&request).await?;
    state::with_site(|site| answers::compute(site, &request, &mut post_computing()))
}

/// The bytes of `files` the network would send: those the browser kept from an earlier visit
/// come from its cache (asked only when all of them would be over `limit`).
async fn downloads(base: &str, files: Vec<FileEntry>, limit: u64) -> u64 {
    let mut bytes: u64 = files.iter().map(|e| e.bytes).sum();
    if bytes > limit {
        for e in &files {
            if cache::holds(&format!("{base}{}", e.file)).await {
                bytes -= e.bytes;
            }
        }
    }
    bytes
}

/// A grouping's chunks (of per-layer sketches, or of cells): each with its entry and whether a
/// view keeps it decoded already.
type Chunks = Vec<(Part, FileEntry, bool)>;

/// The groups of a layer-level grouping, merged chunk by chunk in order (so that they are
/// bit-identical to data-prep's), each chunk dropped once merged: the per-layer sketches of the
/// full DB would take about 130 MB if kept, its conv_depth cells about as much. Chunks a view
/// keeps are used as they are. With the method weighing or resampling models, each model's part
/// of each group is kept too.
async fn stream_groups(streamed: &Streamed) -> Result<Rc<Vec<Group>>, Failure> {
    let Streamed {
        by,
        filters,
        method,
        cells,
        ..
    } = streamed;
    let key = grouping_key(streamed);
    if let Some(g) = state::with(|s| kept_groups(s, streamed))? {
        return Ok(g);
    }
    // The last grouping goes before this one is merged: its members (54 MB for 237 groups by
    // conv_depth) would otherwise sit beside the new ones, in a tab of 247 MB with one set.
    state::with(|s| s.last_groups = None)?;
    let (mut grouping, chunks) = state::with(|s| {
        let site = &s.site;
        let g = site
            .layer_grouping(by, filters, method)
            .map_err(Failure::query)?;
        let chunks: Chunks = chunk_parts(site, streamed)
            .into_iter()
            .filter_map(|p| site.entry(p).map(|e| (p, e.clone(), site.has(p))))
            .collect();
        s.expect_files(chunks.iter().filter(|c| !c.2).map(|c| &c.1));
        Ok::<_, Failure>((g, chunks))
    })??;
    let mut stream = futures::stream::iter(chunks.into_iter().map(|(part, e, kept)| async move {
        if kept {
            return (part, Ok(None));
        }
        (part, fetch(&e).await.map(Some))
    }))
    .buffered(PARALLEL);
    while let Some((part, fetched)) = stream.next().await {
        let merged = state::with(|s| merge_chunk(s, &mut grouping, part, fetched?)).and_then(|r| r);
        if let Err(e) = merged {
            fail(e.clone());
            return Err(e);
        }
        post_progress(false);
    }
    state::with(|s| s.progress.done = s.in_flight.is_empty())?;
    post_progress(true);
    let groups = Rc::new(grouping.finish());
    let with_moments = cells.is_none();
    state::with(|s| s.last_groups = Some((key, with_moments, Rc::clone(&groups))))?;
    Ok(groups)
}

/// What a streamed grouping is kept under: its column and filters.
fn grouping_key(streamed: &Streamed) -> GroupingKey {
    (streamed.by.clone(), format!("{:?}", streamed.filters))
}

/// The groups of the last layer-level grouping streamed, when they answer `streamed`: groups
/// kept per model answer a method that needs none, groups with moments a request that needs
/// none; not the other way round.
fn kept_groups(s: &Opened, streamed: &Streamed) -> Option<Rc<Vec<Group>>> {
    let key = grouping_key(streamed);
    let per_model = streamed.method.per_model();
    s.last_groups
        .as_ref()
        .filter(|(k, with_moments, g)| {
            *k == key
                && (*with_moments || !streamed.moments)
                && (!per_model || g.iter().all(|g| !g.members.is_empty()))
        })
        .map(|(_, _, g)| Rc::clone(g))
}

/// Merges a streamed chunk into `grouping`: its `fetched` batches (then dropped), or with none
/// the rows a view keeps.
fn merge_chunk(
    s: &mut Opened,
    grouping: &mut Grouping,
    part: Part,
    fetched: Option<Vec<arrow_array::RecordBatch>>,
) -> Result<(), Failure> {
    let site = &s.site;
    if fetched.is_some() {
        s.progress.files += 1;
    }
    if matches!(part, Part::ValueCells(..)) {
        return site
            .add_cells(grouping, part, fetched)
            .map_err(Failure::data);
    }
    match fetched {
        Some(batches) => {
            let rows = site
                .decode_sketch_chunk(part, batches)
                .map_err(Failure::data)?;
            site.add_layers(grouping, rows.iter().map(|(l, r)| (*l as usize, &r.sketch)));
        }
        None => {
            let range = site.chunk_range(part).into_iter().flatten();
            let kept = range.filter_map(|l| site.layer_sketch(l).map(|r| (l, &r.sketch)));
            site.add_layers(grouping, kept);
        }
    }
    Ok(())
}

/// A part's verified record batches, counted in the progress.
async fn fetch(e: &FileEntry) -> Result<Vec<arrow_array::RecordBatch>, Failure> {
    let base = state::with(|s| s.base.clone())?;
    fetch::fetch_batches(&base, e, advance).await
}

/// Records the first failure, says so to the page and wakes whoever waits.
fn fail(e: Failure) {
    let _ = state::with(|s| {
        if s.failed.is_none() {
            s.failed = Some(e.clone());
        }
        s.progress.done = true;
    });
    post(&FromWorker::Failed(e));
    wake_all();
}

/// Fetches those of `parts` not on their way, and waits until all are in or one fails.
async fn ensure(parts: Vec<Part>) -> Result<(), Failure> {
    let start = state::with(|s| {
        let mut new: Vec<(Part, FileEntry)> = parts
            .iter()
            .filter(|p| !s.in_flight.contains(p))
            .filter_map(|&p| s.site.entry(p).map(|e| (p, e.clone())))
            .collect();
        // A part asked for twice is fetched once.
        let mut seen = std::collections::BTreeSet::new();
        new.retain(|(p, _)| seen.insert(*p));
        if s.failed.is_some() {
            return vec![];
        }
        s.in_flight.extend(new.iter().map(|(p, _)| *p));
        s.expect_files(new.iter().map(|(_, e)| e));
        new
    })?;
    for (part, entry) in start {
        spawn_local(fetch_part(part, entry));
    }
    loop {
        let (done, failed) =
            state::with(|s| (s.site.missing(&parts).is_empty(), s.failed.clone()))?;
        if done {
            return Ok(());
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let (tx, rx) = oneshot::channel();
        state::with(|s| s.waiters.push(tx))?;
        let _ = rx.await;
    }
}

fn wake_all() {
    let waiters = state::with(|s| std::mem::take(&mut s.waiters)).unwrap_or_default();
    for w in waiters {
        let _ = w.send(());
    }
}

/// Fetches and decodes one part into the site; sample chunks beyond [`KEEP_SAMPLE_CHUNKS`]
/// evict the oldest.
async fn fetch_part(part: Part, entry: FileEntry) {
    let result = async {
        let batches = fetch(&entry).await?;
        state::with(|s| {
            s.site.add(part, batches).map_err(Failure::data)?;
            if matches!(part, Part::Samples(_)) {
                s.sample_order.push(part);
                while s.sample_order.len() > KEEP_SAMPLE_CHUNKS {
                    let old = s.sample_order.remove(0);
                    s.site.evict(old);
                }
            }
            Ok::<_, Failure>(())
        })?
    }
    .await;
    let _ = state::with(|s| {
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
    let _ = state::with(|s| s.progress.bytes += bytes as u64);
    post_progress(false);
}
