//! 3x3 filters as small images with captions (eigen-filters, sampled filters), coloured with the
//! notebook's diverging `seismic` map on a stated, shared scale from -1 to +1.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{err, row, seismic, PlotError, Theme};

/// What the colours of a filter grid mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FilterScale {
    /// Values drawn as they are on [-1, 1]: principal components (unit vectors), as the notebook
    /// draws them.
    Unit,
    /// Each filter divided by its largest |w| first, the method's own scaling (raw weights of
    /// different layers differ by orders of magnitude).
    PerFilter,
}

impl FilterScale {
    /// The scale's words under the colour bar.
    fn caption(self) -> &'static str {
        match self {
            FilterScale::Unit => "weight",
            FilterScale::PerFilter => "w / max|w| of its filter",
        }
    }
}

/// Pixels below the grid for the colour scale.
const SCALE_AREA: f64 = 30.0;

/// Pixels of the title above the grid.
const TITLE_AREA: f64 = 24.0;

/// The number of columns (at most `max_cols`) that gives the largest cells in a `w` x `h` area,
/// and that cell size: the grid fills the card instead of leaving a strip of it empty.
fn layout(n: usize, max_cols: usize, w: f64, h: f64) -> (usize, f64) {
    (1..=max_cols.clamp(1, n.max(1)))
        .map(|cols| {
            let rows = n.div_ceil(cols).max(1);
            (cols, (w / cols as f64).min(h / rows as f64))
        })
        .fold((1, 0.0), |best, c| if c.1 > best.1 { c } else { best })
}

/// Draws `filters` in at most `max_cols` columns with their captions and the colour scale.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    (title, captions, filters, max_cols, scale): (&str, &[String], &[[f64; 9]], usize, FilterScale),
) -> Result<(), PlotError> {
    let (w, h) = root.dim_in_pixel();
    let area = root
        .titled(title, theme.title_font(title, w, 14))
        .map_err(err)?;
    let (cols, cell) = layout(
        filters.len(),
        max_cols,
        w as f64,
        h as f64 - TITLE_AREA - SCALE_AREA,
    );
    let rows = filters.len().div_ceil(cols).max(1);
    let cell = cell.max(8.0);
    let px = (cell - 18.0).max(6.0) / 3.0;
    // Centred across the card.
    let left = ((w as f64 - cols as f64 * cell) / 2.0).max(0.0);
    for (k, (f, cap)) in filters.iter().zip(captions).enumerate() {
        let (cx, cy) = (left + (k % cols) as f64 * cell, (k / cols) as f64 * cell);
        let den = match scale {
            FilterScale::Unit => 1.0,
            FilterScale::PerFilter => {
                let peak = f.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                if peak == 0.0 {
                    1.0
                } else {
                    peak
                }
            }
        };
        for (i, v) in f.iter().enumerate() {
            let (x, y) = (cx + 4.0 + (i % 3) as f64 * px, cy + (i / 3) as f64 * px);
            area.draw(&Rectangle::new(
                [(x as i32, y as i32), ((x + px) as i32, (y + px) as i32)],
                seismic(v / den).filled(),
            ))
            .map_err(err)?;
        }
        // A frame, so white (zero) weights stay visible on a light page.
        area.draw(&Rectangle::new(
            [
                ((cx + 4.0) as i32, cy as i32),
                ((cx + 4.0 + 3.0 * px) as i32, (cy + 3.0 * px) as i32),
            ],
            theme.grid(),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            cap.clone(),
            ((cx + 4.0) as i32, (cy + 3.0 * px + 2.0) as i32),
            theme.font(10),
        ))
        .map_err(err)?;
    }
    // The scale: a horizontal bar from -1 to +1 under the grid.
    let y = (rows as f64 * cell + 4.0) as i32;
    let x0 = left as i32;
    let bar_w = 120;
    for k in 0..bar_w {
        let v = -1.0 + 2.0 * k as f64 / (bar_w - 1) as f64;
        area.draw(&Rectangle::new(
            [(x0 + 4 + k, y), (x0 + 5 + k, y + 8)],
            seismic(v).filled(),
        ))
        .map_err(err)?;
    }
    for (text, x) in [("-1", 0), ("0", bar_w / 2 - 2), ("+1", bar_w - 6)] {
        area.draw(&Text::new(text, (x0 + 4 + x, y + 10), theme.font(10)))
            .map_err(err)?;
    }
    area.draw(&Text::new(
        scale.caption(),
        (x0 + bar_w + 12, y),
        theme.font(10),
    ))
    .map_err(err)?;
    Ok(())
}

/// Header and rows: caption, then the 9 weights as given.
pub fn table(captions: &[String], filters: &[[f64; 9]]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut h = vec!["filter".to_string()];
    h.extend((0..9).map(|i| format!("w{i}")));
    let rows = captions
        .iter()
        .zip(filters)
        .map(|(c, w)| row(c, w.iter().copied()))
        .collect();
    (h, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_fills_the_area() {
        // 48 filters in a wide, low card: 12 x 4 gives 62.5 px cells (16 x 3 only 47.5).
        let (cols, cell) = layout(48, 24, 760.0, 250.0);
        assert_eq!((cols, cell), (12, 62.5));
        // Nine in one row when the card is wide, never more columns than filters.
        assert_eq!(layout(9, 9, 800.0, 120.0).0, 9);
        assert_eq!(layout(3, 12, 3000.0, 100.0).0, 3);
        // A square card: 2 x 2 cells of 400 px beat one row of 266 px.
        assert_eq!(layout(3, 12, 800.0, 800.0), (2, 400.0));
        assert_eq!(layout(0, 12, 800.0, 100.0).0, 1);
    }
}
