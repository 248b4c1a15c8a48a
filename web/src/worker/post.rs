//! Messages to the page: every answer, failure and progress report leaves the worker here.

use js_sys::{Array, Float64Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

use super::state;
use crate::protocol::FromWorker;

pub fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

pub fn post(msg: &FromWorker) {
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
pub fn post_progress(force: bool) {
    let now = js_sys::Date::now();
    let p = state::with(|s| {
        (force || s.progress.done || now - s.last_progress_post > 100.0).then(|| {
            s.last_progress_post = now;
            s.progress.clone()
        })
    });
    if let Ok(Some(p)) = p {
        post(&FromWorker::Progress(p));
    }
}

/// A reporter of a long computation's progress (a comparison's resampling) to the page, at most
/// every 100 ms and at its end.
pub fn post_computing() -> impl FnMut(u64, u64) {
    let mut last = 0.0;
    move |done, total| {
        let now = js_sys::Date::now();
        if done >= total || now - last > 100.0 {
            last = now;
            post(&FromWorker::Computing { done, total });
        }
    }
}
