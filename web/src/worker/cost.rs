//! What a request would download before the worker can answer it. The page asks the visitor
//! before an answer that alone would go over its download limit (on a phone on an ordinary
//! connection, 12 MB is most of a minute and a share of a month's data), so the worker says how
//! much it needs, having fetched nothing.

use std::collections::BTreeSet;

use filterscope_site::{FileEntry, Part, SiteData, SiteError};

use super::answers;
use super::streamed::{chunk_parts, layer_level};
use crate::protocol::Request;

/// The files `request` reads that are neither decoded in `s` nor on their way (`in_flight`,
/// fetched for another request anyway); their `bytes` are what goes over the network (unless
/// the browser kept them from an earlier visit: the worker asks its cache).
/// For a layer-level grouping, the chunks it streams count unless the grouping is `kept` from
/// the last one. A model's chunks become known only once the layers table is in: until then only
/// that table counts.
pub fn to_fetch(
    s: &SiteData,
    request: &Request,
    in_flight: &BTreeSet<Part>,
    kept: bool,
) -> Result<Vec<FileEntry>, SiteError> {
    let mut parts = answers::needs(s, request)?;
    if let Some(streamed) = layer_level(s, request) {
        // The worker streams these instead of keeping them.
        parts.retain(|p| !matches!(p, Part::Sketches(_)));
        if !kept {
            parts.extend(chunk_parts(s, &streamed));
        }
    }
    parts.sort();
    parts.dedup();
    Ok(parts
        .into_iter()
        .filter(|p| !s.has(*p) && !in_flight.contains(p))
        .filter_map(|p| s.entry(p).cloned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::answers::needs;
    use filterscope_site::testing::{add, content, opened};
    use filterscope_site::{Method, Resampling};

    /// The bytes of `parts` as the manifest lists them.
    fn bytes_of(s: &SiteData, parts: &[Part]) -> u64 {
        parts.iter().map(|p| s.entry(*p).unwrap().bytes).sum()
    }

    fn bytes(files: Result<Vec<FileEntry>, SiteError>) -> u64 {
        files.unwrap().iter().map(|e| e.bytes).sum()
    }

    /// A request the worker answers from what it keeps costs what loading it reads, and
    /// nothing once that is in.
    #[test]
    fn a_kept_request_costs_the_files_its_loading_reads() {
        let (mut s, files) = opened(&content());
        let before: Vec<Part> = s.all_parts().into_iter().filter(|p| s.has(*p)).collect();
        let asked = Request::Compare {
            by: "Task".into(),
            wheres: vec![],
            method: Method::default(),
        };
        let cost = bytes(to_fetch(&s, &asked, &BTreeSet::new(), false));
        loop {
            let missing = s.missing(&needs(&s, &asked).unwrap());
            if missing.is_empty() {
                break;
            }
            add(&mut s, &files, &missing);
        }
        let read: Vec<Part> = s
            .all_parts()
            .into_iter()
            .filter(|p| s.has(*p) && !before.contains(p))
            .collect();
        assert!(!read.is_empty());
        assert_eq!(cost, bytes_of(&s, &read));
        assert_eq!(bytes(to_fetch(&s, &asked, &BTreeSet::new(), false)), 0);
    }

    /// Intervals by conv_depth as the page asks for them by default (1000 replicates, seed 0)
    /// read the column's totals and the intervals the site stores for them: nothing streamed.
    #[test]
    fn default_intervals_cost_the_totals_and_the_stored_file() {
        let (s, _) = filterscope_site::testing::opened_storing_intervals(&content());
        let asked = Request::Compare {
            by: "conv_depth".into(),
            wheres: vec![],
            method: Method {
                resampling: Some(Resampling::default()),
                ..Default::default()
            },
        };
        assert!(layer_level(&s, &asked).is_none());
        let stored = [Part::ValueTotals(0), Part::ValueSpread(0, 0)];
        let cost = bytes(to_fetch(&s, &asked, &BTreeSet::new(), false));
        assert_eq!(cost, bytes_of(&s, &stored));
    }

    /// Intervals by conv_depth stream the column's cells: those count (not the per-layer
    /// sketches, which are more), unless the grouping is kept; a part on its way for another
    /// request does not count again.
    #[test]
    fn a_streamed_request_costs_the_chunks_it_streams_unless_kept() {
        let (s, _) = opened(&content());
        let asked = Request::Compare {
            by: "conv_depth".into(),
            wheres: vec![],
            method: Method {
                resampling: Some(Resampling {
                    replicates: 20,
                    seed: 1,
                }),
                ..Default::default()
            },
        };
        let none = BTreeSet::new();
        let cells: Vec<Part> = s
            .all_parts()
            .into_iter()
            .filter(|p| matches!(p, Part::ValueCells(0, _)))
            .collect();
        let sketches: Vec<Part> = s
            .all_parts()
            .into_iter()
            .filter(|p| matches!(p, Part::Sketches(_)))
            .collect();
        assert!(!cells.is_empty() && bytes_of(&s, &cells) < bytes_of(&s, &sketches));
        let full = bytes(to_fetch(&s, &asked, &none, false));
        let kept = bytes(to_fetch(&s, &asked, &none, true));
        // The layers table (read besides the cells) and the cells.
        assert_eq!(kept, bytes_of(&s, &[Part::Layers]));
        assert_eq!(full, kept + bytes_of(&s, &cells));
        let on_its_way = BTreeSet::from([Part::Layers, cells[0]]);
        assert_eq!(
            bytes(to_fetch(&s, &asked, &on_its_way, false)),
            full - bytes_of(&s, &[Part::Layers, cells[0]])
        );
    }
}
