//! What is drawn inside a heatmap's cells: each cell's colour (its value on the scale, or grey
//! within the groups' noise), as one bitmap for large matrices, and the values and intervals
//! printed in cells wide enough to hold them.

use plotters::prelude::*;

use super::colour_scale::ColourScale;
use super::spread::CellSpread;
use super::style::{err, Chart, PlotError};
use crate::page::matrix::nav::Window;

/// Values are printed inside cells up to this many groups in view...
const MAX_PRINTED: usize = 12;
/// ...and when cells are at least this many pixels wide.
const MIN_PRINTED_CELL_PX: usize = 40;
/// Intervals are printed under the values in cells at least this wide ("[0.012, 0.345]" in the
/// 9 px font).
const MIN_INTERVAL_CELL_PX: usize = 76;

/// The colour of a cell whose interval does not clear the groups' noise floors.
const GREY: RGBColor = RGBColor(150, 150, 150);

/// A cell's colour: its value on the scale, or grey within the noise.
pub fn cell_colour(scale: &ColourScale, v: f64, grey: bool) -> RGBColor {
    if grey {
        GREY
    } else {
        scale.colour(v)
    }
}

/// RGBA of the matrix's cells, one pixel a cell, its first row at the top.
pub fn pixels(
    values: &[Vec<f64>],
    scale: &ColourScale,
    spread: Option<&CellSpread>,
) -> (usize, Vec<u8>) {
    let n = values.len();
    let mut px = Vec::with_capacity(n * n * 4);
    for (i, row) in values.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            let c = cell_colour(scale, v, spread.is_some_and(|s| s.greyed(i, j)));
            px.extend([c.0, c.1, c.2, 255]);
        }
    }
    (n, px)
}

/// Each visible cell's value printed on it, where the window is small and cells wide enough
/// (`cell_px` pixels): a value needs about 40 px ("0.000" in the 11 px font); narrower cells (a
/// phone) leave the values to the hover line and the data table.
pub fn print_values<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    (values, scale, spread): (&[Vec<f64>], &ColourScale, Option<&CellSpread>),
    w: Window,
    cell_px: usize,
) -> Result<(), PlotError> {
    let k = w.k.max(1);
    let (r0, c0) = (w.r0, w.c0);
    let y_of = |a: usize| (k - 1 - a) as f64;
    let visible = (0..k).flat_map(move |a| (0..k).map(move |b| (a, r0 + a, c0 + b)));
    if k <= MAX_PRINTED && cell_px >= MIN_PRINTED_CELL_PX {
        // Dark text on light (and grey) cells and light on dark.
        chart
            .draw_series(visible.map(|(a, i, j)| {
                let v = values[i][j];
                let grey = spread.is_some_and(|s| s.greyed(i, j));
                let c = if grey || scale.t(v) > 0.6 {
                    RGBColor(0, 0, 0)
                } else {
                    RGBColor(255, 255, 255)
                };
                Text::new(
                    format!("{v:.3}"),
                    (j as f64 + 0.3, y_of(a) + 0.55),
                    ("sans-serif", 11).into_font().color(&c),
                )
            }))
            .map_err(err)?;
        // The interval under the value, where a cell has room for "[0.012, 0.345]".
        if let Some(s) = spread.filter(|_| cell_px >= MIN_INTERVAL_CELL_PX) {
            let visible = (0..k).flat_map(move |a| (0..k).map(move |b| (a, r0 + a, c0 + b)));
            chart
                .draw_series(visible.filter(|&(_, i, j)| i != j).map(|(a, i, j)| {
                    let c = if s.greyed(i, j) || scale.t(values[i][j]) > 0.6 {
                        RGBColor(0, 0, 0)
                    } else {
                        RGBColor(255, 255, 255)
                    };
                    Text::new(
                        format!("[{:.3}, {:.3}]", s.low[i][j], s.high[i][j]),
                        (j as f64 + 0.1, y_of(a) + 0.3),
                        ("sans-serif", 9).into_font().color(&c),
                    )
                }))
                .map_err(err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_are_the_cells_colours_row_by_row() {
        use super::super::colour_scale::ScaleKind;
        let v: Vec<Vec<f64>> = (0..10)
            .map(|i| (0..10).map(|j| (i * 10 + j) as f64).collect())
            .collect();
        let s = ColourScale::new(ScaleKind::Linear, &v);
        let (n, px) = pixels(&v, &s, None);
        assert_eq!((n, px.len()), (10, 400));
        let c = s.colour(v[2][5]);
        assert_eq!(&px[4 * 25..4 * 25 + 4], &[c.0, c.1, c.2, 255]);
        // A cell within the noise is grey when greying is on, and only then.
        let mut within = vec![vec![Some(false); 10]; 10];
        within[2][5] = Some(true);
        let mut spread = CellSpread {
            low: v.clone(),
            high: v.clone(),
            within,
            floors: vec![None; 10],
            show_grey: true,
        };
        let (_, px) = pixels(&v, &s, Some(&spread));
        assert_eq!(&px[4 * 25..4 * 25 + 4], &[150, 150, 150, 255]);
        spread.show_grey = false;
        let (_, px) = pixels(&v, &s, Some(&spread));
        assert_eq!(&px[4 * 25..4 * 25 + 4], &[c.0, c.1, c.2, 255]);
    }
}
