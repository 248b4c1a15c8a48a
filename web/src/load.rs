//! Fetching site files relative to the data base URL and decoding them into [`SiteData`].

use filterscope_site::{Manifest, SiteData};
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

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

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: fetch failed ({e:?})"))?;
    let resp: Response = resp
        .dyn_into()
        .map_err(|_| format!("{url}: not a response"))?;
    if !resp.ok() {
        return Err(format!(
            "{url}: HTTP {} {}",
            resp.status(),
            resp.status_text()
        ));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{url}: {e:?}"))?)
        .await
        .map_err(|e| format!("{url}: body failed ({e:?})"))?;
    Ok(Uint8Array::new(&buf).to_vec())
}

/// Fetches and verifies the manifest, the tables and every sketch chunk.
pub async fn load_site(base: String) -> Result<SiteData, String> {
    let manifest_url = format!("{base}manifest.json");
    let json = String::from_utf8(fetch_bytes(&manifest_url).await?)
        .map_err(|_| format!("{manifest_url}: not UTF-8"))?;
    let m = Manifest::parse(&json).map_err(|e| e.to_string())?;
    let get = |f: &str| format!("{base}{f}");
    let mut site = SiteData::new(
        &json,
        &fetch_bytes(&get(&m.models.file)).await?,
        &fetch_bytes(&get(&m.layers.file)).await?,
        &fetch_bytes(&get(&m.rollups.file)).await?,
    )
    .map_err(|e| e.to_string())?;
    for (k, c) in m.sketches.iter().enumerate() {
        site.add_sketch_chunk(k, &fetch_bytes(&get(&c.entry.file)).await?)
            .map_err(|e| e.to_string())?;
    }
    Ok(site)
}
