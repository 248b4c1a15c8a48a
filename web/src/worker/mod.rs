//! The data worker: everything between the network and the numbers, off the page's thread. It
//! fetches the parts of the site a request needs (each verified against the manifest while it
//! streams, kept in the Cache API once it checks out), decodes them into a [`SiteData`], runs the
//! query and posts the answer, computed to the last number: the page only draws it.
//!
//! [`start`] listens for the page's messages; [`load`] fetches and merges what a request reads;
//! [`cost`] says what a request would download; [`answers`] computes; [`state`] holds the open site between messages.

mod answers;
mod blob;
mod cache;
mod cost;
mod fetch;
mod load;
mod pair;
mod post;
mod rest;
mod state;
mod streamed;
mod warm;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::MessageEvent;

use crate::protocol::{Failure, FromWorker, Request, ToWorker};
use post::{post, scope};

/// A message's JSON, and the visitor's file when it carries one (then it is `[JSON, File]`).
fn unpack(data: JsValue) -> Option<(String, Option<web_sys::Blob>)> {
    if let Some(j) = data.as_string() {
        return Some((j, None));
    }
    if !Array::is_array(&data) {
        return None;
    }
    let a: Array = data.unchecked_into();
    let j = a.get(0).as_string()?;
    Some((j, a.get(1).dyn_into::<web_sys::Blob>().ok()))
}

/// The worker's entry point: listens, then says so.
pub fn start() {
    console_error_panic_hook::set_once();
    let onmessage = Closure::<dyn Fn(MessageEvent)>::new(|e: MessageEvent| {
        let Some((json, file)) = unpack(e.data()) else {
            return;
        };
        match serde_json::from_str::<ToWorker>(&json) {
            Ok(ToWorker::Ask {
                id,
                request: Request::Yours { name },
                ..
            }) => spawn_local(async move {
                let answer = match file {
                    Some(f) => match blob::read_blob(&name, &f).await {
                        Ok(bytes) => load::yours(&name, bytes).await,
                        Err(e) => Err(e),
                    },
                    None => Err(Failure::Model(format!(
                        "{name}: the file did not reach the worker"
                    ))),
                };
                post(&FromWorker::Answer { id, answer });
            }),
            Ok(msg) => spawn_local(handle(msg)),
            Err(e) => post(&FromWorker::Failed(Failure::Message(format!(
                "bad message to the worker: {e}"
            )))),
        }
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&FromWorker::Ready {
        protocol: crate::protocol::PROTOCOL,
    });
}

async fn handle(msg: ToWorker) {
    match msg {
        ToWorker::Open { base } => {
            // After this task, which sends the manifest's request: the kernel warms while the
            // manifest downloads.
            let warm = Closure::once_into_js(|| {
                std::hint::black_box(warm::warm());
            });
            let _ = scope().set_timeout_with_callback(warm.unchecked_ref());
            match load::open(base).await {
                Ok(c) => post(&FromWorker::Catalog(Box::new(c))),
                Err(e) => post(&FromWorker::Failed(e)),
            }
        }
        ToWorker::Ask {
            id,
            request,
            ask_over,
        } => {
            let answer = load::answer(request, ask_over).await;
            post(&FromWorker::Answer { id, answer });
        }
        // Nothing to forget while no site is open.
        ToWorker::Retry => {
            let _ = state::with(|s| s.failed = None);
        }
    }
}
