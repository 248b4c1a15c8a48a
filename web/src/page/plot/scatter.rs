//! Points in series from 0 on both axes; marked points drawn as crosses (degenerated layers).

use std::collections::HashSet;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::shapes::Points;
use super::style::{axes, chart, err, legend, tick, Frame, PlotError, Theme};

/// Smallest axis span: an all-zero axis (no sparse filter anywhere) otherwise gets a 1e-6 span
/// whose tick labels run into each other.
const MIN_SPAN: f64 = 0.01;

/// Draws the series with a legend.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    (title, x_label, y_label, series): (&str, &str, &str, &[(String, Points)]),
) -> Result<(), PlotError> {
    let pts = || series.iter().flat_map(|s| s.1.iter());
    let xmax = pts().map(|p| p.0).fold(0.0f64, f64::max).max(MIN_SPAN) * 1.05;
    let ymax = pts().map(|p| p.1).fold(0.0f64, f64::max).max(MIN_SPAN) * 1.05;
    let mut c = chart(root, theme, title, &Frame::SMALL, 0f64..xmax, 0f64..ymax)?;
    axes(&mut c, theme, x_label, y_label, &|v| tick(*v, xmax), &|v| {
        tick(*v, ymax)
    })?;
    for (k, (name, points)) in series.iter().enumerate() {
        let colour = theme.series(k);
        // A series' marks are all of one opaque colour, so the picture is their union: a mark
        // the series already has at the same pixel adds nothing, and the 21,436 layers of a
        // site are a few thousand draws. The table and the CSV keep every point.
        let mut seen = HashSet::new();
        let distinct: Vec<_> = points
            .iter()
            .filter(|&&(x, y, marked)| seen.insert((c.backend_coord(&(x, y)), marked)))
            .collect();
        c.draw_series(
            distinct
                .into_iter()
                .map(|&(x, y, marked)| -> DynElement<DB, (f64, f64)> {
                    if marked {
                        Cross::new((x, y), 5, colour.stroke_width(2)).into_dyn()
                    } else {
                        Circle::new((x, y), 3, colour.filled()).into_dyn()
                    }
                }),
        )
        .map_err(err)?
        .label(name.as_str())
        .legend(move |(px, py)| Circle::new((px + 8, py), 3, colour.filled()));
    }
    legend(&mut c, theme)
}

/// Header and rows: series, x, y, marked.
pub fn table(
    x_label: &str,
    y_label: &str,
    series: &[(String, Points)],
) -> (Vec<String>, Vec<Vec<String>>) {
    let head = vec![
        "series".into(),
        x_label.to_string(),
        y_label.to_string(),
        "marked".into(),
    ];
    let rows = series
        .iter()
        .flat_map(|(n, pts)| {
            pts.iter().map(move |(x, y, m)| {
                vec![n.clone(), format!("{x}"), format!("{y}"), m.to_string()]
            })
        })
        .collect();
    (head, rows)
}
