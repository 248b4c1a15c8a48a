//! The D matrix between groups: cells coloured on a chosen scale (viridis), a colour bar with its
//! values, group labels on both axes while they fit, each value printed in its cell when cells
//! are large, and, for the cluster order, the dendrogram along the rows. Only the visible window
//! of a zoomed matrix is drawn; labels appear once it is small enough.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::cells::{cell_colour, print_values};
use super::colour_scale::ColourScale;
use super::dendrogram::{dendrogram, Branch};
use super::shapes::PixelArea;
use super::spread::CellSpread;
use super::style::{colour_bar, err, row, shorten, viridis, Chart, PlotError, Theme};
use crate::page::matrix::nav::Window;

/// Labels are drawn while the window shows at most this many groups; past it, cells are a few
/// pixels and the data table (or zooming in) carries the names.
pub const MAX_LABELLED: usize = 40;
/// Characters of a group label drawn beside a row.
const LABEL_CHARS: usize = 28;
/// Pixels right of the matrix for the colour bar and its values.
const BAR_AREA: u32 = 70;
/// Pixels between the matrix and the colour bar for the dendrogram.
const TREE_AREA: u32 = 56;
/// Narrower than this (a phone), the matrix keeps the width: no dendrogram, shorter labels.
const NARROW_PX: u32 = 560;

/// The heatmap as data: what [`draw`] needs.
pub struct Heatmap<'a> {
    pub title: &'a str,
    pub labels: &'a [String],
    pub values: &'a [Vec<f64>],
    pub scale: &'a ColourScale,
    pub window: Window,
    pub tree: &'a [Branch],
    pub spread: Option<&'a CellSpread>,
}

/// The title with the window shown, when zoomed: what the canvas draws and is named by.
pub fn heading(title: &str, w: Window, n: usize) -> String {
    if w.is_full(n) {
        title.to_string()
    } else {
        format!(
            "{title} (rows {}-{}, cols {}-{} of {n})",
            w.r0,
            w.r0 + w.k - 1,
            w.c0,
            w.c0 + w.k - 1
        )
    }
}

/// The title drawn above the matrix. A phone has no room for the whole heading: the window alone
/// says what is shown (the canvas's accessible name and the summary keep the title).
fn drawn_title(title: &str, w: Window, n: usize, narrow: bool) -> String {
    if narrow && !w.is_full(n) {
        format!(
            "rows {}-{}, cols {}-{} of {n}",
            w.r0,
            w.r0 + w.k - 1,
            w.c0,
            w.c0 + w.k - 1
        )
    } else {
        heading(title, w, n)
    }
}

/// Draws the heatmap's window; with `cells` false only its frame, labels, values, dendrogram
/// and colour bar (the cells then come as one bitmap). Returns the matrix's pixel extent, for
/// hit-testing.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    h: &Heatmap,
    cells: bool,
) -> Result<Option<PixelArea>, PlotError> {
    let n = h.labels.len();
    let w = h.window.clamped(n.max(1));
    let k = w.k.max(1);
    let scale = h.scale;
    let labelled = k <= MAX_LABELLED;
    let widest = if labelled {
        (w.r0..w.r0 + w.k)
            .map(|g| shorten(&h.labels[g], LABEL_CHARS).chars().count())
            .max()
            .unwrap_or(4)
    } else {
        4
    };
    let digits = n.max(1).to_string().len() as u32;
    let (width, height) = root.dim_in_pixel();
    let narrow = width < NARROW_PX;
    // "[k] label" at about 6 px a character of the 11 px font; at most 40% of the width (30% on
    // a phone).
    let share = if narrow { 3 } else { 4 };
    let left = ((widest as u32 + digits + 3) * 6 + 20).min(width * share / 10);
    let tree = if narrow { &[][..] } else { h.tree };
    let right = BAR_AREA + if tree.is_empty() { 0 } else { TREE_AREA };
    let (matrix, side) = root.split_horizontally(width.saturating_sub(right));
    let title_px = width.saturating_sub(right);
    let title = drawn_title(h.title, w, n, narrow);
    let mut chart = ChartBuilder::on(&matrix)
        .caption(&title, theme.title_font(&title, title_px, 16))
        .margin(8)
        .x_label_area_size(if labelled { 28 } else { 8 })
        .y_label_area_size(left)
        .build_cartesian_2d(w.c0 as f64..(w.c0 + k) as f64, 0f64..k as f64)
        .map_err(err)?;
    label_axes(
        &mut chart,
        theme,
        h,
        (w, labelled),
        (left, right, digits),
        (width, height),
    )?;
    let (r0, c0) = (w.r0, w.c0);
    let visible = move || (0..k).flat_map(move |a| (0..k).map(move |b| (a, b, r0 + a, c0 + b)));
    let y_of = |a: usize| (k - 1 - a) as f64;
    if cells {
        chart
            .draw_series(visible().map(|(a, _, i, j)| {
                let grey = h.spread.is_some_and(|s| s.greyed(i, j));
                let colour = cell_colour(scale, h.values[i][j], grey);
                Rectangle::new(
                    [(j as f64, y_of(a)), (j as f64 + 1.0, y_of(a) + 1.0)],
                    colour.filled(),
                )
            }))
            .map_err(err)?;
    }
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    print_values(
        &mut chart,
        (h.values, scale, h.spread),
        w,
        (xr.end - xr.start) as usize / k,
    )?;
    beside(&side, theme, (tree, w), yr.clone(), scale)?;
    Ok(Some(((xr.start, xr.end), (yr.start, yr.end))))
}

/// The row labels ("[k] name", shortened to the `left` pixels they have) and column labels
/// ("[k]"), each on every few rows or columns so that none overprint, when the window is small
/// enough to be `labelled`.
fn label_axes<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    theme: Theme,
    h: &Heatmap,
    (w, labelled): (Window, bool),
    (left, right, digits): (u32, u32, u32),
    (width, height): (u32, u32),
) -> Result<(), PlotError> {
    let (k, r0, c0) = (w.k.max(1), w.r0, w.c0);
    let chars = ((left.saturating_sub(20)) / 6).saturating_sub(digits + 3) as usize;
    // Column labels ("[k]") on every `step`-th column, so that narrow columns do not overprint.
    let cell_est = (width.saturating_sub(right + left + 16)) as f64 / k as f64;
    let label_px = ((digits + 2) * 6 + 6) as f64;
    let step = ((label_px / cell_est.max(1.0)).ceil() as usize).max(1);
    // Row labels likewise, at least 12 px apart (caption, column labels and margins take ~70 px).
    let row_est = height.saturating_sub(70) as f64 / k as f64;
    let row_step = ((12.0 / row_est.max(0.5)).ceil() as usize).max(1);
    chart
        .configure_mesh()
        .disable_mesh()
        // Labels at cell centres: ask for half-steps, print only those.
        .x_labels(if labelled { 2 * k + 1 } else { 0 })
        .y_labels(if labelled { 2 * k + 1 } else { 0 })
        .x_label_formatter(&|v| {
            let j = v.floor() as usize;
            if (v - v.floor() - 0.5).abs() > 1e-6 || j < c0 || j >= c0 + k || j % step != 0 {
                String::new()
            } else {
                format!("[{j}]")
            }
        })
        .y_label_formatter(&|v| {
            let i = v.floor() as usize;
            let g = r0 + k - 1 - i.min(k - 1);
            if (v - v.floor() - 0.5).abs() > 1e-6 || i >= k || g % row_step != 0 {
                String::new()
            } else {
                format!("[{g}] {}", shorten(&h.labels[g], chars.min(LABEL_CHARS)))
            }
        })
        .label_style(theme.font(11))
        .axis_style(theme.fg())
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Right of the matrix: the dendrogram of the rows (when there is one) and the colour bar, over
/// the matrix's rows `yr` (pixels).
fn beside<DB: DrawingBackend>(
    side: &DrawingArea<DB, Shift>,
    theme: Theme,
    (tree, w): (&[Branch], Window),
    yr: std::ops::Range<i32>,
    scale: &ColourScale,
) -> Result<(), PlotError> {
    let (tree_area, bar) = if tree.is_empty() {
        (None, side.clone())
    } else {
        let (t, b) = side.split_horizontally(TREE_AREA);
        (Some(t), b)
    };
    if let Some(t) = tree_area {
        dendrogram(&t, theme, tree, w, (yr.start, yr.end))?;
    }
    colour_bar(
        &bar,
        theme,
        (6, yr.start, yr.end),
        &|t| viridis(t),
        &scale.ticks(),
    )?;
    bar.draw(&Text::new(
        scale.caption(),
        (6, yr.start - 16),
        theme.font(11),
    ))
    .map_err(err)?;
    Ok(())
}

/// Header and rows: the labels, then the matrix.
/// The matrix as rows; with intervals, one row per pair instead (a matrix cell cannot hold three
/// numbers a spreadsheet can read): both groups, D, its interval, both floors and whether the
/// interval clears them.
pub fn table(
    labels: &[String],
    values: &[Vec<f64>],
    spread: Option<&CellSpread>,
) -> (Vec<String>, Vec<Vec<String>>) {
    if let Some(s) = spread {
        return s.table(labels, values);
    }
    let mut h = vec![String::new()];
    h.extend(labels.iter().cloned());
    let rows = labels
        .iter()
        .zip(values)
        .map(|(l, r)| row(l, r.iter().copied()))
        .collect();
    (h, rows)
}
