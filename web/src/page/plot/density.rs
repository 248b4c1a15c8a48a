//! A 2-D histogram over a square range (rows are y bins, bottom first) on a log colour scale.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{chart, colour_bar, err, viridis, Frame, PlotError, Theme};

/// Pixels right of the square for the colour bar.
const BAR_AREA: u32 = 64;

/// Draws the counts; colour is ln(1 + count) over ln(1 + the largest count).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    (title, x_label, y_label, range, counts): (&str, &str, &str, (f64, f64), &[Vec<u32>]),
) -> Result<(), PlotError> {
    let n = counts.len().max(1);
    let max = counts.iter().flatten().copied().max().unwrap_or(0) as f64;
    let (w, _) = root.dim_in_pixel();
    let (square, bar) = root.split_horizontally(w.saturating_sub(BAR_AREA));
    let mut c = chart(
        &square,
        theme,
        title,
        &Frame::SMALL,
        range.0..range.1,
        range.0..range.1,
    )?;
    c.configure_mesh()
        .disable_mesh()
        // Five ticks: plotters' default crowds "-2.5-2.0-1.5..." together on a phone.
        .x_labels(5)
        .y_labels(5)
        .x_desc(x_label)
        .y_desc(y_label)
        .label_style(theme.font(10))
        .axis_style(theme.fg())
        .draw()
        .map_err(err)?;
    let cw = (range.1 - range.0) / n as f64;
    let log_max = max.ln_1p().max(1e-12);
    c.draw_series(counts.iter().enumerate().flat_map(|(y, row)| {
        row.iter()
            .enumerate()
            .filter(|(_, k)| **k > 0)
            .map(move |(x, k)| {
                let (x0, y0) = (range.0 + x as f64 * cw, range.0 + y as f64 * cw);
                let t = (*k as f64).ln_1p() / log_max;
                Rectangle::new([(x0, y0), (x0 + cw, y0 + cw)], viridis(t).filled())
            })
    }))
    .map_err(err)?;
    let (_, yr) = c.plotting_area().get_pixel_range();
    // Ticks at counts 1, the geometric middle and the largest, placed on the log scale.
    let at = |k: f64| (k.ln_1p() / log_max, format!("{}", k.round()));
    let mid = max.sqrt().round().max(1.0);
    let labels: Vec<(f64, String)> = if max >= 1.0 {
        vec![at(1.0), at(mid), at(max)]
    } else {
        vec![]
    };
    colour_bar(&bar, theme, (6, yr.start, yr.end), &|t| viridis(t), &labels)?;
    bar.draw(&Text::new("count", (4, yr.start - 16), theme.font(10)))
        .map_err(err)
}

/// Header and rows: the centre of each non-empty cell and its count.
pub fn table(
    x_label: &str,
    y_label: &str,
    range: (f64, f64),
    counts: &[Vec<u32>],
) -> (Vec<String>, Vec<Vec<String>>) {
    let n = counts.len().max(1);
    let w = (range.1 - range.0) / n as f64;
    let centre = |k: usize| range.0 + (k as f64 + 0.5) * w;
    let rows = counts
        .iter()
        .enumerate()
        .flat_map(|(y, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(move |(x, c)| {
                    vec![
                        format!("{}", centre(x)),
                        format!("{}", centre(y)),
                        c.to_string(),
                    ]
                })
        })
        .collect();
    (
        vec![x_label.to_string(), y_label.to_string(), "count".into()],
        rows,
    )
}
