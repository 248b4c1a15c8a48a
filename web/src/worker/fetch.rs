//! The data worker's network side: a file's verified bytes or record batches, from the Cache API
//! when an earlier visit kept them, else streamed from the network and kept once they check out.

use filterscope_site::{FileEntry, IncomingFile};
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, Response};

use super::cache;
use crate::protocol::Failure;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// A file's verified record batches: from the cache when an earlier visit kept it (checked again
/// all the same), else streamed from the network, decoded as it arrives and kept once it checks out.
pub async fn fetch_batches(
    base: &str,
    e: &FileEntry,
    mut advance: impl FnMut(usize),
) -> Result<Vec<arrow_array::RecordBatch>, Failure> {
    let url = format!("{base}{}", e.file);
    let mut incoming = IncomingFile::new(e);
    if let Some(bytes) = cache::get(&url).await {
        advance(bytes.len());
        incoming.push(&bytes).map_err(Failure::data)?;
        return incoming.finish().map_err(Failure::data);
    }
    let mut whole = Vec::with_capacity(e.bytes.min(1 << 26) as usize);
    stream(&url, &e.file, false, |piece| {
        advance(piece.len());
        whole.extend_from_slice(piece);
        incoming.push(piece).map_err(Failure::data)
    })
    .await?;
    let batches = incoming.finish().map_err(Failure::data)?;
    cache::put(&url, &whole).await;
    Ok(batches)
}

/// A small file's verified bytes (the models table, read before the site is open).
pub async fn fetch_verified(base: &str, e: &FileEntry) -> Result<Vec<u8>, Failure> {
    let url = format!("{base}{}", e.file);
    if let Some(b) = cache::get(&url).await {
        if e.verify(&b).is_ok() {
            return Ok(b);
        }
    }
    let b = fetch_all(&url, &e.file, false).await?;
    e.verify(&b).map_err(Failure::data)?;
    cache::put(&url, &b).await;
    Ok(b)
}

pub async fn fetch_all(url: &str, file: &str, revalidate: bool) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    stream(url, file, revalidate, |piece| {
        out.extend_from_slice(piece);
        Ok(())
    })
    .await?;
    Ok(out)
}

/// Streams a file's body piece by piece into `sink` as it downloads.
async fn stream(
    url: &str,
    file: &str,
    revalidate: bool,
    mut sink: impl FnMut(&[u8]) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let problem = |p: String| Failure::File {
        file: file.to_string(),
        problem: p,
    };
    let init = web_sys::RequestInit::new();
    if revalidate {
        // The manifest names every other file by its content, so only it must be fresh.
        init.set_cache(web_sys::RequestCache::NoCache);
    }
    let resp = JsFuture::from(scope().fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| {
            problem("could not be fetched (offline, network error or blocked by CORS)".into())
        })?;
    let resp: Response = resp
        .dyn_into()
        .map_err(|_| problem("not an HTTP response".into()))?;
    if !resp.ok() {
        return Err(problem(format!(
            "HTTP {} {} (missing?)",
            resp.status(),
            resp.status_text()
        )));
    }
    let body = resp
        .body()
        .ok_or_else(|| problem("the response has no body".into()))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    loop {
        let step = JsFuture::from(reader.read())
            .await
            .map_err(|_| problem("the download broke off".into()))?;
        let done = js_sys::Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(());
        }
        let value = js_sys::Reflect::get(&step, &"value".into())
            .map_err(|_| problem("unreadable body".into()))?;
        sink(&Uint8Array::new(&value).to_vec())?;
    }
}
