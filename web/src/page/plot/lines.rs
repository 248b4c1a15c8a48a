//! Lines over a shared x axis (distributions, cumulative explained variance, quality along depth),
//! optionally with a marker at every point and a cross at the marked ones (degenerated layers).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    axes_with, chart, err, legend, tick, whole_tick, Chart, Frame, PlotError, Theme, Tick,
};

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
) -> Result<(), PlotError> {
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
        * 1.05
        / (1.0 - legend_room(root.dim_in_pixel().1, p));
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
    // Indices (layers, depth buckets) tick at whole numbers, one label each while they fit.
    let indices = p.x.iter().all(|v| v.fract() == 0.0);
    let (x_labels, x_fmt): (usize, &Tick<'_>) = if indices {
        (p.x.len().clamp(2, 11), &whole_tick)
    } else {
        (6, &|v| format!("{v:.2}"))
    };
    axes_with(
        &mut c,
        theme,
        (p.x_label, x_labels, x_fmt),
        (p.y_label, &|v| tick(*v, ymax)),
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
            markers(&mut c, &points, p.marks, colour)?;
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

/// A marker at every point: a cross where marked (a degenerated layer), a dot elsewhere.
fn markers<DB: DrawingBackend>(
    c: &mut Chart<'_, DB>,
    points: &[(f64, f64)],
    marks: &[bool],
    colour: RGBColor,
) -> Result<(), PlotError> {
    c.draw_series(
        points
            .iter()
            .zip(marks)
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
    Ok(())
}

/// The share of the plot's height kept free above its highest point when the legend (upper
/// right) would cover points: lines with markers (the model's last layers sit at the right edge),
/// or any series high in the right third (shares along depth rising at the last buckets).
fn legend_room(height_px: u32, p: &Lines<'_>) -> f64 {
    if p.series.len() < 2 {
        return 0.0;
    }
    let max = p
        .series
        .iter()
        .flat_map(|s| s.1.iter())
        .copied()
        .filter(|v| v.is_finite());
    let max = max.fold(0.0f64, f64::max);
    let (x0, x1) = (
        p.x.first().copied().unwrap_or(0.0),
        p.x.last().copied().unwrap_or(1.0),
    );
    let right = x0 + (x1 - x0) * 2.0 / 3.0;
    let high_right = p.series.iter().any(|(_, ys)| {
        p.x.iter()
            .zip(ys)
            .any(|(x, y)| *x >= right && y.is_finite() && *y > 0.6 * max)
    });
    if p.marks.is_empty() && !high_right {
        return 0.0;
    }
    // About 18 px a series and the box's padding and offset from the top, in the 10 px font.
    let legend_px = 18.0 * p.series.len() as f64 + 24.0;
    let plot_px = (height_px as f64 - 70.0).max(60.0);
    (legend_px / plot_px).min(0.6)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines<'a>(x: &'a [f64], series: &'a [(String, Vec<f64>)], marks: &'a [bool]) -> Lines<'a> {
        Lines {
            title: "t",
            x_label: "x",
            y_label: "y",
            x,
            series,
            marks,
        }
    }

    #[test]
    fn the_legend_gets_room_only_where_it_would_cover_points() {
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let peak = [
            ("a".to_string(), vec![0.0, 0.2, 1.0, 0.9, 0.1, 0.0]),
            ("b".to_string(), vec![0.0, 0.3, 0.8, 0.7, 0.2, 0.0]),
        ];
        assert_eq!(legend_room(360, &lines(&x, &peak, &[])), 0.0);
        let rising = [
            ("a".to_string(), vec![0.0; 6]),
            ("b".to_string(), vec![0.0, 0.0, 0.0, 0.0, 0.1, 0.6]),
        ];
        assert!(legend_room(360, &lines(&x, &rising, &[])) > 0.2);
        let marked = [false; 6];
        assert!(legend_room(360, &lines(&x, &peak, &marked)) > 0.2);
        assert_eq!(legend_room(360, &lines(&x, &peak[..1], &marked)), 0.0);
    }
}
