//! Box plots side by side, one per group (layer quality per Task, ...): quartile box, median and
//! whiskers to the extremes; the table gives each group's count, extremes and quartiles. Points
//! may be drawn over the boxes (a visitor's model's layers), each in its group's column; the
//! table lists them after the groups, a point's five numbers being its value.

/// A group's label and values.
type Group = (String, Vec<f64>);

/// A value drawn over the boxes.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxPoint {
    /// The group whose column it is drawn in.
    pub group: usize,
    pub value: f64,
    /// Its row's label in the table.
    pub label: String,
    /// Drawn as a cross (a degenerated layer).
    pub flagged: bool,
}

use plotters::coord::Shift;
use plotters::prelude::*;

use super::boxplot::percentile;
use super::shapes::PixelArea;
use super::style::{category_axes, chars_in, chart, err, row, Frame, PlotError, Theme};

/// Characters of a group's label under the axis.
const LABEL_CHARS: usize = 14;

/// A group's sorted finite values and their five numbers: min, q1, median, q3, max.
fn five(values: &[f64]) -> (Vec<f64>, [f64; 5]) {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let f = [
        v.first().copied().unwrap_or(f64::NAN),
        percentile(&v, 0.25),
        percentile(&v, 0.5),
        percentile(&v, 0.75),
        v.last().copied().unwrap_or(f64::NAN),
    ];
    (v, f)
}

/// Draws one box per group.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    (title, label): (&str, &str),
    (groups, points): (&[Group], &[BoxPoint]),
) -> Result<PixelArea, PlotError> {
    let n = groups.len().max(1);
    let stats: Vec<[f64; 5]> = groups.iter().map(|(_, v)| five(v).1).collect();
    let extremes = stats
        .iter()
        .flat_map(|s| [s[0], s[4]])
        .chain(points.iter().map(|p| p.value))
        .filter(|x| x.is_finite());
    let (lo, hi) = extremes.fold((0.0f64, 0.0f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let frame = Frame {
        caption: 16,
        margin: 8,
        x_area: 40,
        y_area: 60,
    };
    let mut c = chart(
        root,
        theme,
        title,
        &frame,
        0f64..n as f64,
        lo..(hi * 1.05).max(1e-9),
    )?;
    let (x_px, _) = c.plotting_area().get_pixel_range();
    let chars = chars_in((x_px.end - x_px.start) as f64 / n as f64 - 4.0, 10).min(LABEL_CHARS);
    let labels: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    category_axes(&mut c, theme, &labels, chars, (label, None))?;
    let colour = theme.series(0);
    for (i, s) in stats.iter().enumerate().filter(|(_, s)| s[0].is_finite()) {
        let (x0, x1, xm) = (i as f64 + 0.2, i as f64 + 0.8, i as f64 + 0.5);
        c.draw_series([
            Rectangle::new([(x0, s[1]), (x1, s[3])], colour.mix(0.3).filled()),
            Rectangle::new([(x0, s[1]), (x1, s[3])], colour.stroke_width(2)),
        ])
        .map_err(err)?;
        c.draw_series([
            PathElement::new(vec![(x0, s[2]), (x1, s[2])], colour.stroke_width(3)),
            PathElement::new(vec![(xm, s[0]), (xm, s[1])], colour.stroke_width(1)),
            PathElement::new(vec![(xm, s[3]), (xm, s[4])], colour.stroke_width(1)),
        ])
        .map_err(err)?;
    }
    let mark = theme.series(1);
    let in_group = |g: usize| points.iter().filter(|p| p.group == g).count().max(1);
    let mut seen = vec![0usize; n];
    for p in points.iter().filter(|p| p.value.is_finite() && p.group < n) {
        // Spread across the box's width in order, so that neighbours do not hide each other.
        let k = seen[p.group];
        seen[p.group] += 1;
        let x = p.group as f64 + 0.25 + 0.5 * (k as f64 + 0.5) / in_group(p.group) as f64;
        let at = (x, p.value);
        if p.flagged {
            c.draw_series([Cross::new(at, 5, mark.stroke_width(2))])
                .map_err(err)?;
        } else {
            c.draw_series([Circle::new(at, 4, mark.filled())])
                .map_err(err)?;
        }
    }
    let (x, y) = c.plotting_area().get_pixel_range();
    Ok(((x.start, x.end), (y.start, y.end)))
}

/// Header and rows: each group's count, min, quartiles and max.
pub fn table(
    groups: &[(String, Vec<f64>)],
    points: &[BoxPoint],
) -> (Vec<String>, Vec<Vec<String>>) {
    let head = ["", "n", "min", "q1", "median", "q3", "max"]
        .map(String::from)
        .to_vec();
    let rows = groups
        .iter()
        .map(|(l, v)| {
            let (v, f) = five(v);
            row(l, std::iter::once(v.len() as f64).chain(f))
        })
        .chain(
            points
                .iter()
                .map(|p| row(&p.label, std::iter::once(1.0).chain([p.value; 5]))),
        )
        .collect();
    (head, rows)
}

/// One sentence: the groups with the lowest and highest median.
pub fn summary(title: &str, groups: &[(String, Vec<f64>)]) -> String {
    let medians: Vec<(&str, f64)> = groups
        .iter()
        .map(|(l, v)| (l.as_str(), five(v).1[2]))
        .filter(|m| m.1.is_finite())
        .collect();
    let lo = medians.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    let hi = medians.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!(
            "{title}, {} groups: highest median {:.4} ({}), lowest {:.4} ({}).",
            groups.len(),
            hi.1,
            hi.0,
            lo.1,
            lo.0
        ),
        _ => format!("{title}: no values."),
    }
}
