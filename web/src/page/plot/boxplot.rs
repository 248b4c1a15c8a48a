//! A box plot of one set of values (the drift of every pair of groups), with the values beside it
//! as a strip of points.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{category_axes, chart, err, Frame, PlotError, Theme};

/// Past this many values the strip shows every k-th sorted value (and the largest): the same
/// picture without 200k canvas calls for 647 groups. The table and CSV keep every value.
const MAX_STRIP: usize = 2000;

/// numpy's default (linear) percentile `p` of sorted `v` (0 for none).
pub fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let pos = p * (v.len() - 1) as f64;
    let (i, f) = (pos.floor() as usize, pos.fract());
    if i + 1 < v.len() {
        v[i] + (v[i + 1] - v[i]) * f
    } else {
        v[i]
    }
}

/// Draws the quartile box, median, whiskers to the extremes and the strip.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    (title, label, values): (&str, &str, &[f64]),
) -> Result<(), PlotError> {
    let mut v = values.to_vec();
    // Values equal under total_cmp are the same bits: unstable sorting gives the same order.
    v.sort_unstable_by(f64::total_cmp);
    let (q1, q2, q3) = (
        percentile(&v, 0.25),
        percentile(&v, 0.5),
        percentile(&v, 0.75),
    );
    let (lo, hi) = (
        v.first().copied().unwrap_or(0.0),
        v.last().copied().unwrap_or(1.0),
    );
    let frame = Frame {
        margin: 8,
        ..Frame::SMALL
    };
    let mut c = chart(
        root,
        theme,
        title,
        &frame,
        0f64..1f64,
        (lo.min(0.0))..(hi * 1.05).max(1e-9),
    )?;
    category_axes(&mut c, theme, &[], 0, (label, None))?;
    let colour = theme.series(0);
    c.draw_series([
        Rectangle::new([(0.3, q1), (0.7, q3)], colour.mix(0.3).filled()),
        Rectangle::new([(0.3, q1), (0.7, q3)], colour.stroke_width(2)),
    ])
    .map_err(err)?;
    c.draw_series([
        PathElement::new(vec![(0.3, q2), (0.7, q2)], colour.stroke_width(3)),
        PathElement::new(vec![(0.5, lo), (0.5, q1)], colour.stroke_width(1)),
        PathElement::new(vec![(0.5, q3), (0.5, hi)], colour.stroke_width(1)),
    ])
    .map_err(err)?;
    let step = (v.len() / MAX_STRIP).max(1);
    let shown = v.iter().step_by(step).chain(v.last().filter(|_| step > 1));
    // Jitter from a fixed multiplicative hash of the index: the same picture on every draw.
    c.draw_series(shown.enumerate().map(|(i, y)| {
        Circle::new(
            (0.15 + 0.1 * ((i * 7919) % 10) as f64 / 10.0, *y),
            2,
            colour.mix(0.6).filled(),
        )
    }))
    .map_err(err)?;
    Ok(())
}

/// Header and rows: one value a row.
pub fn table(label: &str, values: &[f64]) -> (Vec<String>, Vec<Vec<String>>) {
    (
        vec![label.to_string()],
        values.iter().map(|v| vec![format!("{v}")]).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_numpys_linear_ones() {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25]
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.25), 1.75);
        assert_eq!(percentile(&v, 0.5), 2.5);
        assert_eq!(percentile(&v, 0.75), 3.25);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
