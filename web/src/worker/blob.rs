//! A visitor's file, read from its `Blob` as a byte stream into one reused buffer (a
//! "bring your own buffer" reader): the tab holds the file's bytes in the worker's memory and one
//! 8 MB buffer, not a new buffer per slice left for the garbage collector, which for a batch of
//! files would pile up faster than it is collected.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamByobReader, ReadableStreamGetReaderOptions, ReadableStreamReaderMode};

use crate::protocol::Failure;

/// The largest file read in the browser: the worker's wasm memory (4 GiB at most) must hold the
/// file, its decoded weights and the site.
const MAX_FILE: f64 = 1024.0 * 1024.0 * 1024.0;

/// Bytes read per step.
const STEP: u32 = 8 * 1024 * 1024;

/// The bytes of the visitor's file `name`.
pub async fn read_blob(name: &str, blob: &web_sys::Blob) -> Result<Vec<u8>, Failure> {
    let unreadable =
        |_: JsValue| Failure::Model(format!("{name}: the browser could not read the file"));
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
    let options = ReadableStreamGetReaderOptions::new();
    options.set_mode(ReadableStreamReaderMode::Byob);
    let reader: ReadableStreamByobReader = blob
        .stream()
        .get_reader_with_options(&options)
        .unchecked_into();
    let mut buffer = js_sys::ArrayBuffer::new(STEP);
    loop {
        let view = Uint8Array::new(&buffer);
        let step = JsFuture::from(reader.read_with_array_buffer_view(&view))
            .await
            .map_err(unreadable)?;
        let done = Reflect::get(&step, &"done".into())
            .map_err(unreadable)?
            .is_truthy();
        let value = Reflect::get(&step, &"value".into()).map_err(unreadable)?;
        let Ok(filled) = value.dyn_into::<Uint8Array>() else {
            break;
        };
        let from = bytes.len();
        let n = filled.length() as usize;
        if from + n > bytes.capacity() {
            return Err(Failure::Model(format!(
                "{name}: the file grew while it was read"
            )));
        }
        bytes.resize(from + n, 0);
        filled.copy_to(&mut bytes[from..]);
        // The buffer came back (transferred) with the bytes: read into it again.
        buffer = filled.buffer();
        if done {
            break;
        }
    }
    reader.release_lock();
    if bytes.len() as f64 != size {
        return Err(Failure::Model(format!(
            "{name}: {} of its {size} bytes could be read",
            bytes.len()
        )));
    }
    Ok(bytes)
}
