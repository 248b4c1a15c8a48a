//! Bars with labels (counts per group, D per component).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::shapes::PixelArea;
use super::style::{category_axes, chars_in, chart, err, row, Frame, PlotError, Theme};

/// Characters of a bar's label under the axis.
const LABEL_CHARS: usize = 14;

/// Draws bars `values` labelled `labels`, on a y axis from 0.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    (title, labels, values, y_label): (&str, &[String], &[f64], &str),
) -> Result<PixelArea, PlotError> {
    let n = labels.len().max(1);
    let max = values.iter().copied().fold(0.0f64, f64::max).max(1e-12) * 1.1;
    let frame = Frame {
        caption: 16,
        margin: 8,
        x_area: 40,
        y_area: 60,
    };
    let mut c = chart(root, theme, title, &frame, 0f64..n as f64, 0f64..max)?;
    // As many characters as a bar's width holds (a phone fits fewer).
    let (x_px, _) = c.plotting_area().get_pixel_range();
    let per_bar = (x_px.end - x_px.start) as f64 / n as f64;
    let chars = chars_in(per_bar - 4.0, 10).min(LABEL_CHARS);
    // Counts (models, layers) are whole numbers, and their axis says so.
    let counts = values.iter().all(|v| v.fract() == 0.0);
    let y_max = counts.then(|| values.iter().copied().fold(0.0, f64::max));
    category_axes(&mut c, theme, labels, chars, (y_label, y_max))?;
    let colour = theme.series(0);
    c.draw_series(values.iter().enumerate().map(|(i, v)| {
        Rectangle::new(
            [(i as f64 + 0.1, 0.0), (i as f64 + 0.9, *v)],
            colour.filled(),
        )
    }))
    .map_err(err)?;
    let (x, y) = c.plotting_area().get_pixel_range();
    Ok(((x.start, x.end), (y.start, y.end)))
}

/// Header and rows: label, value, then the table-only columns.
pub fn table(
    labels: &[String],
    values: &[f64],
    y_label: &str,
    extra: &[(String, Vec<f64>)],
) -> (Vec<String>, Vec<Vec<String>>) {
    let head = ["".to_string(), y_label.to_string()]
        .into_iter()
        .chain(extra.iter().map(|e| e.0.clone()))
        .collect();
    let rows = labels
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (l, v))| row(l, std::iter::once(*v).chain(extra.iter().map(|e| e.1[i]))))
        .collect();
    (head, rows)
}
