//! The data worker's files named by their content, as trunk names the page's: trunk builds the
//! worker as `filterscope-worker.js`, `_bg.wasm` and `_loader.js`, the same names every deploy,
//! so a browser could pair a new page with an old worker from its HTTP cache (GitHub Pages lets
//! it keep files for minutes) and the two would not speak the same protocol. Renamed by a hash of
//! both files, a new page names a new worker; the page learns the name from a `<meta>` of its
//! own index.html, the service worker from the same.

use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// The `<meta name>` the page reads the worker's loader from (web/src/page/loader.rs).
pub const META: &str = "filterscope-worker";

/// Renames the worker's files in the built site `dir` by content and names the loader in
/// `index.html`. Returns the loader's new name.
pub fn apply(dir: &Path) -> Result<String> {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).with_context(|| format!("the built site lacks {name}"))
    };
    let js = read("filterscope-worker.js")?;
    let wasm = read("filterscope-worker_bg.wasm")?;
    let mut h = Sha256::new();
    h.update((js.len() as u64).to_le_bytes());
    h.update(&js);
    h.update(&wasm);
    let hash: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let stem = format!("filterscope-worker-{hash}");
    std::fs::write(dir.join(format!("{stem}.js")), &js)?;
    std::fs::write(dir.join(format!("{stem}_bg.wasm")), &wasm)?;
    let loader = format!("{stem}_loader.js");
    std::fs::write(
        dir.join(&loader),
        format!("importScripts(\"./{stem}.js\");wasm_bindgen(\"./{stem}_bg.wasm\");"),
    )?;
    for old in [
        "filterscope-worker.js",
        "filterscope-worker_bg.wasm",
        "filterscope-worker_loader.js",
    ] {
        std::fs::remove_file(dir.join(old))?;
    }
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index)?;
    let meta = format!("<meta name=\"{META}\" content=\"{loader}\">");
    let html = html.replacen("</head>", &format!("{meta}\n</head>"), 1);
    anyhow::ensure!(html.contains(&meta), "index.html has no </head>");
    std::fs::write(&index, html)?;
    Ok(loader)
}
