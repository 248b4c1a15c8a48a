//! The clustering of a comparison drawn beside its heatmap's rows: the merges of the groups in
//! view, as branches between display positions.

use filterscope_stats::Merge;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{err, PlotError, Theme};
use crate::page::matrix::nav::Window;

/// One merge of the dendrogram in display coordinates: its two children's positions along the
/// rows (in cells, a leaf at its row's centre) and heights, and its own height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Branch {
    pub x: [f64; 2],
    pub h: [f64; 2],
    pub top: f64,
}

/// The dendrogram of `tree` with the groups shown in `order` (group indices, top row first).
pub fn branches(tree: &[Merge], order: &[usize]) -> Vec<Branch> {
    let n = order.len();
    let mut x = vec![0.0; n + tree.len()];
    let mut h = vec![0.0; n + tree.len()];
    for (row, &g) in order.iter().enumerate() {
        x[g] = row as f64 + 0.5;
    }
    tree.iter()
        .enumerate()
        .map(|(k, m)| {
            x[n + k] = (x[m.a] + x[m.b]) / 2.0;
            h[n + k] = m.height;
            Branch {
                x: [x[m.a], x[m.b]],
                h: [h[m.a], h[m.b]],
                top: m.height,
            }
        })
        .collect()
}

/// The dendrogram beside the rows of window `w`, leaves at the matrix's edge, heights to the
/// right (the tallest merge at the area's width); branches outside the window are cut at its
/// edges.
pub fn dendrogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: Theme,
    tree: &[Branch],
    w: Window,
    (top, bottom): (i32, i32),
) -> Result<(), PlotError> {
    let (width, _) = area.dim_in_pixel();
    let (lo, hi) = (w.r0 as f64, (w.r0 + w.k) as f64);
    // Heights are scaled to the tallest merge within the window (a zoomed window's own clusters
    // fill the area); merges reaching outside it are cut at the area's edge.
    let inside = |b: &&Branch| b.x.iter().all(|x| (lo..=hi).contains(x));
    let hmax = match tree
        .iter()
        .filter(inside)
        .map(|b| b.top)
        .fold(0.0f64, f64::max)
    {
        h if h > 0.0 => h,
        _ => tree.iter().map(|b| b.top).fold(0.0f64, f64::max),
    };
    let px_y = |x: f64| top as f64 + (x.clamp(lo, hi) - lo) / (hi - lo) * (bottom - top) as f64;
    let px_x = |h: f64| {
        let usable = width.saturating_sub(6) as f64;
        2.0 + if hmax > 0.0 {
            (h / hmax).min(1.0) * usable
        } else {
            0.0
        }
    };
    let style = theme.fg().stroke_width(1);
    for b in tree {
        let (a, c) = (b.x[0].min(b.x[1]), b.x[0].max(b.x[1]));
        if c < lo || a > hi {
            continue;
        }
        let p = |x: f64, h: f64| (px_x(h).round() as i32, px_y(x).round() as i32);
        let mut path = vec![];
        if (lo..=hi).contains(&b.x[0]) {
            path.push(p(b.x[0], b.h[0]));
        }
        path.extend([p(b.x[0], b.top), p(b.x[1], b.top)]);
        if (lo..=hi).contains(&b.x[1]) {
            path.push(p(b.x[1], b.h[1]));
        }
        area.draw(&PathElement::new(path, style)).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branches_sit_between_their_children() {
        // Groups 0 and 2 merge first; shown in the order 1, 0, 2.
        let tree = filterscope_stats::average_linkage(&[
            vec![0.0, 5.0, 1.0],
            vec![5.0, 0.0, 6.0],
            vec![1.0, 6.0, 0.0],
        ]);
        let b = branches(&tree, &[1, 0, 2]);
        assert_eq!(
            b[0],
            Branch {
                x: [1.5, 2.5],
                h: [0.0, 0.0],
                top: 1.0
            }
        );
        assert_eq!(
            b[1],
            Branch {
                x: [0.5, 2.0],
                h: [0.0, 1.0],
                top: 5.5
            }
        );
    }
}
