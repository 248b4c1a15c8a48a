//! The worker's state between messages: nothing until the page opens a site, then the site's
//! decoded data and what is being fetched for it. Reached only through [`with`] and
//! [`with_site`], so that a request before the site is open is a [`Failure::NotOpen`] answer,
//! not a panic (the wasm binary aborts on one, which would end the worker).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use filterscope_site::{FileEntry, Group, Part, SiteData};
use futures::channel::oneshot;

use crate::protocol::{Failure, Progress};

/// A grouping's column and filters (as `Debug` text).
pub type GroupingKey = (String, String);

/// A site being read: where it is, what is decoded and what is on its way.
pub struct Opened {
    /// The site's base URL, absolute, ending in '/'.
    pub base: String,
    pub site: SiteData,
    pub in_flight: BTreeSet<Part>,
    /// Those waiting for a fetch to finish (woken at each).
    pub waiters: Vec<oneshot::Sender<()>>,
    /// The first fetch that failed: every later wait ends with it until the page retries.
    pub failed: Option<Failure>,
    pub progress: Progress,
    /// The groups of the last layer-level grouping streamed: (by, filters), whether they hold
    /// moments (not when merged from cells), and the groups (shared, not copied, with the
    /// request that uses them).
    pub last_groups: Option<(GroupingKey, bool, Rc<Vec<Group>>)>,
    pub last_progress_post: f64,
    /// Sample chunks in the order they came (the oldest is evicted first).
    pub sample_order: Vec<Part>,
}

impl Opened {
    pub fn new(base: String, site: SiteData) -> Opened {
        Opened {
            base,
            site,
            in_flight: BTreeSet::new(),
            waiters: Vec::new(),
            failed: None,
            progress: Progress::default(),
            last_groups: None,
            last_progress_post: 0.0,
            sample_order: Vec::new(),
        }
    }

    /// Counts `files` into the progress about to be fetched (a new count once the last is done).
    pub fn expect_files<'a>(&mut self, files: impl Iterator<Item = &'a FileEntry>) {
        if self.progress.done {
            self.progress = Progress::default();
        }
        for e in files {
            self.progress.total_bytes += e.bytes;
            self.progress.total_files += 1;
        }
    }
}

thread_local! {
    /// `None` until a site is open (and while the next one opens).
    static STATE: RefCell<Option<Opened>> = const { RefCell::new(None) };
}

/// `f` on the open site's state.
pub fn with<T>(f: impl FnOnce(&mut Opened) -> T) -> Result<T, Failure> {
    STATE.with_borrow_mut(|s| s.as_mut().map(f).ok_or(Failure::NotOpen))
}

/// `f` on the open site's data, for what only reads it.
pub fn with_site<T>(f: impl FnOnce(&SiteData) -> Result<T, Failure>) -> Result<T, Failure> {
    with(|o| f(&o.site))?
}

/// Replaces the state: a newly opened site, or none while the next one is read.
pub fn set(opened: Option<Opened>) {
    STATE.with_borrow_mut(|s| *s = opened);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_before_the_site_is_open_is_answered_not_a_panic() {
        set(None);
        let e = with_site(|_| Ok(())).unwrap_err();
        assert_eq!(e, Failure::NotOpen);
        assert_eq!(e.to_string(), "the site is not open");
    }
}
