//! The browser's Cache API as a store of verified data files, so a repeat visit fetches no data
//! bytes and a visited page works offline. Data files are named by their content, so an entry
//! never goes stale; only bytes that matched the manifest's sha256 are stored. Where the Cache API
//! is missing (an insecure origin, a private mode that blocks it) everything still works, uncached.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, Response};

/// One cache for every site this origin serves; entries are keyed by full URL.
const NAME: &str = "filterscope-data";

async fn open() -> Option<Cache> {
    // The data worker's scope, or the page's.
    let global = js_sys::global();
    let caches = match global.dyn_ref::<web_sys::WorkerGlobalScope>() {
        Some(w) => w.caches().ok()?,
        None => global.dyn_ref::<web_sys::Window>()?.caches().ok()?,
    };
    JsFuture::from(caches.open(NAME))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// The stored bytes of `url`, if any.
pub async fn get(url: &str) -> Option<Vec<u8>> {
    let cache = open().await?;
    let hit = JsFuture::from(cache.match_with_str(url)).await.ok()?;
    let resp: Response = hit.dyn_into().ok()?;
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    Some(Uint8Array::new(&buf).to_vec())
}

/// Whether `url` is stored (its bytes are not read).
pub async fn holds(url: &str) -> bool {
    let Some(cache) = open().await else {
        return false;
    };
    match JsFuture::from(cache.match_with_str(url)).await {
        Ok(hit) => hit.is_instance_of::<Response>(),
        Err(_) => false,
    }
}

/// Stores `bytes` as `url` (best effort: a full or missing cache only costs a refetch later).
pub async fn put(url: &str, bytes: &[u8]) {
    let Some(cache) = open().await else { return };
    let mut copy = bytes.to_vec();
    let Ok(resp) = Response::new_with_opt_u8_array(Some(&mut copy)) else {
        return;
    };
    let _ = JsFuture::from(cache.put_with_str(url, &resp)).await;
}

/// Deletes the stored files under `base` (an absolute URL ending in '/') that `keep` does not
/// name: what an older deploy's manifest listed.
pub async fn prune(base: &str, keep: &std::collections::BTreeSet<String>) {
    let Some(cache) = open().await else { return };
    let Ok(keys) = JsFuture::from(cache.keys()).await else {
        return;
    };
    for req in Array::from(&keys).iter() {
        let Ok(req) = req.dyn_into::<web_sys::Request>() else {
            continue;
        };
        let url = req.url();
        if let Some(name) = url.strip_prefix(base) {
            if name != "manifest.json" && !name.contains('/') && !keep.contains(name) {
                let _ = JsFuture::from(cache.delete_with_request(&req)).await;
            }
        }
    }
}
