//! Lines over a shared x axis (distributions, cumulative explained variance, quality along depth),
//! optionally with a marker at every point and a cross at the marked ones (degenerated layers).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{axes, chart, err, legend, tick, Frame, Theme};

/// What a line plot draws.
pub struct Lines<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x: &'a [f64],
    pub series: &'a [(String, Vec<f64>)],
    /// Empty: lines only. Otherwise one flag per x: a marker at every point, a cross where set.
    pub marks: &'a [bool],
}

/// Draws the lines on a y axis from 0 (NaN values leave gaps).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    p: &Lines<'_>,
) -> Result<(), String> {
    let (x0, x1) = (
        p.x.first().copied().unwrap_or(0.0),
        p.x.last().copied().unwrap_or(1.0),
    );
    let ymax = p
        .series
        .iter()
        .flat_map(|s| s.1.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max)
        .max(1e-12)
        * 1.05;
    // Markers on the axis ends would be cut in half: a little room either side.
    let pad = if p.marks.is_empty() {
        0.0
    } else {
        (x1 - x0).max(1e-12) * 0.03
    };
    let mut c = chart(
        root,
        theme,
        p.title,
        &Frame::SMALL,
        (x0 - pad)..(x1 + pad).max(x0 + 1e-12),
        0f64..ymax,
    )?;
    axes(
        &mut c,
        theme,
        p.x_label,
        p.y_label,
        &|v| format!("{v:.2}"),
        &|v| tick(*v, ymax),
    )?;
    for (k, (name, ys)) in p.series.iter().enumerate() {
        let colour = theme.series(k);
        // Split at NaN so a missing value (no orthogonality) is a gap, not a drop to 0.
        let points: Vec<(f64, f64)> = p.x.iter().copied().zip(ys.iter().copied()).collect();
        for run in points.split(|(_, y)| !y.is_finite()) {
            c.draw_series(LineSeries::new(run.iter().copied(), colour.stroke_width(2)))
                .map_err(err)?;
        }
        if !p.marks.is_empty() {
            c.draw_series(
                points
                    .iter()
                    .zip(p.marks)
                    .filter(|((_, y), _)| y.is_finite())
                    .map(|(&(x, y), &marked)| -> DynElement<DB, (f64, f64)> {
                        if marked {
                            Cross::new((x, y), 5, colour.stroke_width(2)).into_dyn()
                        } else {
                            Circle::new((x, y), 3, colour.filled()).into_dyn()
                        }
                    }),
            )
            .map_err(err)?;
        }
        // An empty series carries the legend entry.
        c.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(err)?
            .label(name.as_str())
            .legend(move |(px, py)| {
                PathElement::new(vec![(px, py), (px + 16, py)], colour.stroke_width(2))
            });
    }
    if p.series.len() > 1 {
        legend(&mut c, theme)?;
    }
    Ok(())
}

/// Header and rows: x, then each series (and the mark, when there are marks).
pub fn table(p: &Lines<'_>) -> (Vec<String>, Vec<Vec<String>>) {
    let mut h = vec![p.x_label.to_string()];
    h.extend(p.series.iter().map(|s| s.0.clone()));
    if !p.marks.is_empty() {
        h.push("marked".into());
    }
    let rows =
        p.x.iter()
            .enumerate()
            .map(|(i, xv)| {
                let mut r: Vec<String> = std::iter::once(*xv)
                    .chain(p.series.iter().map(|s| s.1[i]))
                    .map(|v| format!("{v}"))
                    .collect();
                if let Some(m) = p.marks.get(i) {
                    r.push(m.to_string());
                }
                r
            })
            .collect();
    (h, rows)
}
