//! The D matrix between groups: cells coloured by value (viridis, 0 to the largest D), a colour
//! bar with its values, group labels on both axes while they fit, each value printed in its cell
//! for small matrices.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{colour_bar, err, row, viridis, Theme};
use super::PixelArea;

/// Labels are drawn while there are at most this many groups; past it, cells are a few pixels
/// and the data table carries the names.
const MAX_LABELLED: usize = 40;
/// Values are printed inside cells up to this many groups...
const MAX_PRINTED: usize = 12;
/// ...and when cells are at least this many pixels wide.
const MIN_PRINTED_CELL_PX: usize = 40;
/// Characters of a group label drawn beside a row.
const LABEL_CHARS: usize = 28;
/// Pixels right of the matrix for the colour bar and its values.
const BAR_AREA: u32 = 70;

/// The largest value, the top of the colour scale (0 for an empty matrix).
pub fn max_value(values: &[Vec<f64>]) -> f64 {
    values.iter().flatten().copied().fold(0.0f64, f64::max)
}

/// The colour of `v` on a scale from 0 to `max`.
pub fn cell_colour(v: f64, max: f64) -> RGBColor {
    viridis(if max > 0.0 { v / max } else { 0.0 })
}

/// RGBA of the cells, one pixel a cell, the first row at the top.
pub fn pixels(values: &[Vec<f64>]) -> (usize, Vec<u8>) {
    let n = values.len();
    let max = max_value(values);
    let mut px = Vec::with_capacity(n * n * 4);
    for row in values {
        for &v in row {
            let c = cell_colour(v, max);
            px.extend([c.0, c.1, c.2, 255]);
        }
    }
    (n, px)
}

/// Draws the heatmap; with `cells` false only its frame, labels, values and colour bar (the
/// cells then come as one bitmap). Returns the matrix's pixel extent, for hit-testing.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    (title, labels, values): (&str, &[String], &[Vec<f64>]),
    cells: bool,
) -> Result<Option<PixelArea>, String> {
    let n = labels.len().max(1);
    let max = max_value(values);
    let labelled = n <= MAX_LABELLED;
    let short = |k: usize| -> String { labels[k].chars().take(LABEL_CHARS).collect() };
    let widest = if labelled {
        (0..labels.len())
            .map(|k| short(k).chars().count())
            .max()
            .unwrap_or(4)
    } else {
        4
    };
    let (w, _) = root.dim_in_pixel();
    // "[k] label" at about 6 px a character of the 11 px font; at most 40% of the width.
    let left = ((widest as u32 + 4) * 6 + 20).min(w * 2 / 5);
    let (matrix, bar) = root.split_horizontally(w.saturating_sub(BAR_AREA));
    let mut chart = ChartBuilder::on(&matrix)
        .caption(title, theme.title_font(title, w, 16))
        .margin(8)
        .x_label_area_size(if labelled { 28 } else { 8 })
        .y_label_area_size(left)
        .build_cartesian_2d(0f64..n as f64, 0f64..n as f64)
        .map_err(err)?;
    let chars = ((left.saturating_sub(20)) / 6).saturating_sub(4) as usize;
    chart
        .configure_mesh()
        .disable_mesh()
        // Labels at cell centres (k + 0.5): ask for half-steps, print only those.
        .x_labels(if labelled { 2 * n + 1 } else { 0 })
        .y_labels(if labelled { 2 * n + 1 } else { 0 })
        .x_label_formatter(&|v| {
            if v.fract() == 0.0 {
                String::new()
            } else {
                format!("[{}]", v.floor() as usize)
            }
        })
        .y_label_formatter(&|v| {
            let i = v.floor() as usize;
            if v.fract() == 0.0 || i >= n {
                String::new()
            } else {
                let k = n - 1 - i;
                format!("[{k}] {}", short(k).chars().take(chars).collect::<String>())
            }
        })
        .label_style(theme.font(11))
        .axis_style(theme.fg())
        .draw()
        .map_err(err)?;
    if cells {
        chart
            .draw_series(values.iter().enumerate().flat_map(|(i, row)| {
                row.iter().enumerate().map(move |(j, &v)| {
                    let y = (n - 1 - i) as f64;
                    Rectangle::new(
                        [(j as f64, y), (j as f64 + 1.0, y + 1.0)],
                        cell_colour(v, max).filled(),
                    )
                })
            }))
            .map_err(err)?;
    }
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    // A value needs about 40 px ("0.000" in the 11 px font); narrower cells (a phone) leave the
    // values to the hover line and the data table.
    let cell_px = (xr.end - xr.start) as usize / n;
    if n <= MAX_PRINTED && cell_px >= MIN_PRINTED_CELL_PX {
        // Dark text on light cells and light on dark.
        chart
            .draw_series(values.iter().enumerate().flat_map(|(i, row)| {
                row.iter().enumerate().map(move |(j, &v)| {
                    let light = max > 0.0 && v / max > 0.6;
                    let c = if light {
                        RGBColor(0, 0, 0)
                    } else {
                        RGBColor(255, 255, 255)
                    };
                    Text::new(
                        format!("{v:.3}"),
                        (j as f64 + 0.3, (n - 1 - i) as f64 + 0.55),
                        ("sans-serif", 11).into_font().color(&c),
                    )
                })
            }))
            .map_err(err)?;
    }
    let scale: Vec<(f64, String)> = (0..=4)
        .map(|k| (k as f64 / 4.0, format!("{:.3}", max * k as f64 / 4.0)))
        .collect();
    colour_bar(&bar, theme, (6, yr.start, yr.end), &|t| viridis(t), &scale)?;
    bar.draw(&Text::new("D", (6, yr.start - 16), theme.font(11)))
        .map_err(err)?;
    Ok(Some(((xr.start, xr.end), (yr.start, yr.end))))
}

/// Header and rows: the labels, then the matrix.
pub fn table(labels: &[String], values: &[Vec<f64>]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut h = vec![String::new()];
    h.extend(labels.iter().cloned());
    let rows = labels
        .iter()
        .zip(values)
        .map(|(l, r)| row(l, r.iter().copied()))
        .collect();
    (h, rows)
}
