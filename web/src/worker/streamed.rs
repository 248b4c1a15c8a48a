//! Which requests the worker answers from chunks it streams, merging each and dropping it (a
//! layer-level grouping: every per-layer sketch, or its column's cells where fewer bytes), and
//! what they read.

use filterscope_site::{Method, Part, SiteData, Where};

use crate::protocol::Request;

/// A layer-level grouping, whose groups the worker merges from chunks it streams (merging each
/// and dropping it) rather than keeping them all.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    pub by: String,
    pub filters: Vec<Where>,
    pub method: Method,
    /// Whether the request reads the groups' moments (a pair's own PCA).
    pub moments: bool,
    /// The column's per-(value, model) cells chunks, where they answer in fewer bytes than
    /// every per-layer sketch chunk (their groups have no moments).
    pub cells: Option<Vec<Part>>,
}

/// The grouping of `request` when it is layer-level: its groups are then merged from every
/// per-layer sketch chunk, or from the column's cells where those answer in fewer bytes.
pub fn layer_level(s: &SiteData, request: &Request) -> Option<Streamed> {
    // A pair's distributions need its groups' counts, their own PCA their moments: a column's
    // per-value sums hold both, but not once another layer-level column filters it.
    let counts = Method::default();
    let (by, w, method, asked) = match request {
        Request::Compare { by, wheres, method } => (by, wheres, *method, Some(method)),
        Request::Pair { by, wheres, .. } => (by, wheres, counts, Some(&counts)),
        Request::PairEigen { by, wheres, .. } => (by, wheres, counts, None),
        _ => return None,
    };
    // A pair's counts come just before its own PCA, which reads the per-layer sketches: streamed
    // for the counts, they are merged once for both.
    let comparison = matches!(request, Request::Compare { .. });
    s.needs_layers(by, w, asked)
        .unwrap_or(false)
        .then(|| Streamed {
            by: by.clone(),
            filters: w.clone(),
            method,
            moments: asked.is_none(),
            cells: comparison
                .then(|| s.streamed_cells(by, w, asked).ok().flatten())
                .flatten(),
        })
}

/// The chunks `st` streams, in the order they are merged: the column's cells, or every
/// per-layer sketch chunk.
pub fn chunk_parts(s: &SiteData, st: &Streamed) -> Vec<Part> {
    match &st.cells {
        Some(c) => c.clone(),
        None => (0..s.manifest().sketches.len())
            .map(Part::Sketches)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::pair::tests::site;
    use filterscope_site::{Resampling, Weight};

    /// A comparison the worker streams reads the column's cells where they answer in fewer bytes
    /// than every per-layer sketch (resampled by conv_depth; weighed by models among two Tasks'
    /// models); a pair reads the sketches, which its own PCA (asked next) needs for the moments.
    #[test]
    fn a_streamed_comparison_reads_the_cells_and_a_pair_the_sketches() {
        let s = site();
        let ci = Method {
            resampling: Some(Resampling {
                replicates: 20,
                seed: 5,
            }),
            ..Default::default()
        };
        let models = Method {
            weight: Weight::Models,
            ..Default::default()
        };
        let task = vec![Where {
            column: "Task".into(),
            value: "Segmentation".into(),
        }];
        let streamed = |r: &Request| {
            let st = layer_level(&s, r).unwrap_or_else(|| panic!("{r:?} streams"));
            (st.moments, st.cells)
        };
        let two_tasks = vec![
            task[0].clone(),
            Where {
                column: "Task".into(),
                value: "Classification".into(),
            },
        ];
        // Among one Task's models the column's sums among them answer: nothing streams.
        let one_task = Request::Compare {
            by: "conv_depth".into(),
            wheres: task.clone(),
            method: models,
        };
        assert!(layer_level(&s, &one_task).is_none());
        for (wheres, method) in [(vec![], ci), (two_tasks.clone(), models)] {
            let r = Request::Compare {
                by: "conv_depth".into(),
                wheres,
                method,
            };
            let (moments, cells) = streamed(&r);
            let cells = cells.unwrap_or_else(|| panic!("{r:?}: cells"));
            assert!(!moments && !cells.is_empty(), "{r:?}");
            assert!(cells.iter().all(|p| matches!(p, Part::ValueCells(0, _))));
        }
        // A pair among two Tasks' models reads the sketches; among one Task's, the column's
        // sums among them, which hold the moments of its own PCA too.
        let (by, a, b) = ("conv_depth".to_string(), "0".to_string(), "1".to_string());
        for (wheres, streams) in [(two_tasks, true), (task, false)] {
            let pair = Request::Pair {
                by: by.clone(),
                wheres: wheres.clone(),
                a: Some(a.clone()),
                b: Some(b.clone()),
            };
            let eigen = Request::PairEigen {
                by: by.clone(),
                wheres,
                a: a.clone(),
                b: b.clone(),
            };
            match streams {
                true => {
                    assert_eq!(streamed(&pair), (false, None));
                    assert_eq!(streamed(&eigen), (true, None));
                }
                false => {
                    assert!(layer_level(&s, &pair).is_none());
                    assert!(layer_level(&s, &eigen).is_none());
                }
            }
        }
    }
}
