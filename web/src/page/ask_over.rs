//! The visitor's download limit: what one answer may download before the page asks (see
//! [`crate::page::widgets::large`]). Kept in this browser's local storage, never in the URL: a
//! shared link says what to show, not how much its reader may download.

/// What one answer may download without asking, by default: the whole visit's budget of a
/// view (BENCHMARKS.md), which every view but the largest layer-level ones stays within.
pub const DEFAULT_ASK_OVER: u64 = 5_000_000;

/// Limits the About view offers, in bytes (any other stored one is kept and shown).
pub const OFFERED: [u64; 4] = [1_000_000, DEFAULT_ASK_OVER, 20_000_000, 100_000_000];

/// Where the limit is kept: bytes, or "never" for no limit.
const KEY: &str = "filterscope-ask-over";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The limit from a stored value: bytes, "never" (none), or the default for anything else
/// (nothing stored, or a value this version does not read).
pub fn parse(stored: Option<&str>) -> Option<u64> {
    match stored {
        Some("never") => None,
        Some(v) => Some(v.parse().unwrap_or(DEFAULT_ASK_OVER)),
        None => Some(DEFAULT_ASK_OVER),
    }
}

/// The visitor's limit in this browser (the default when none is kept, or storage is off).
pub fn stored() -> Option<u64> {
    parse(
        storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .as_deref(),
    )
}

/// Keeps `limit` in this browser (best effort: with storage off, it holds for this page only).
pub fn store(limit: Option<u64>) {
    if let Some(s) = storage() {
        let v = limit.map_or("never".to_string(), |b| b.to_string());
        let _ = s.set_item(KEY, &v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_limit_reads_back_and_anything_else_is_the_default() {
        assert_eq!(parse(None), Some(DEFAULT_ASK_OVER));
        assert_eq!(parse(Some("never")), None);
        assert_eq!(parse(Some("20000000")), Some(20_000_000));
        assert_eq!(parse(Some("lots")), Some(DEFAULT_ASK_OVER));
    }
}
