//! A visitor's file, read from its `Blob` in slices: the tab holds one slice of it besides the
//! bytes read so far.

use wasm_bindgen_futures::JsFuture;

use crate::protocol::Failure;

/// The largest file read in the browser: the worker's wasm memory (4 GiB at most) must hold the
/// file, its decoded weights and the site.
const MAX_FILE: f64 = 1024.0 * 1024.0 * 1024.0;

/// Bytes read per step.
const SLICE: f64 = 8.0 * 1024.0 * 1024.0;

/// The bytes of the visitor's file `name`.
pub async fn read_blob(name: &str, blob: &web_sys::Blob) -> Result<Vec<u8>, Failure> {
    let unreadable = || Failure::Model(format!("{name}: the browser could not read the file"));
    let size = blob.size();
    if size > MAX_FILE {
        return Err(Failure::Model(format!(
            "{name}: {size} bytes; a model over 1 GiB is too large for a browser tab (data-prep yours reads it)"
        )));
    }
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(size as usize).map_err(|_| {
        Failure::Model(format!(
            "{name}: no memory for its {size} bytes in this tab"
        ))
    })?;
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
