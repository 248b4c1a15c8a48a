//! A figure in one sentence, from its data: what a screen reader announces beside the canvas, and
//! what anyone reads who cannot see the plot. Numbers are rounded to four significant places;
//! the data table holds them exactly.

use super::Plot;

/// `v` to four significant places; a whole number (a count) as it is.
fn num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

/// A range at the precision of its larger end, trailing zeros dropped: a distribution's floor
/// (the 1e-8 an empty bin is given) reads "0", not as a number of its own.
fn span(min: f64, max: f64) -> String {
    let top = min.abs().max(max.abs());
    if top == 0.0 || !top.is_finite() || !min.is_finite() || !max.is_finite() {
        return format!("{} to {}", num(min), num(max));
    }
    let digits = (3 - top.log10().floor() as i32).max(0) as usize;
    let at = |v: f64| {
        let s = format!("{v:.digits$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        if s == "-0" {
            "0".to_string()
        } else {
            s
        }
    };
    format!("{} to {}", at(min), at(max))
}

/// The finite values' smallest and largest, with their indices.
fn extremes(values: impl Iterator<Item = (usize, f64)>) -> Option<((usize, f64), (usize, f64))> {
    values
        .filter(|(_, v)| v.is_finite())
        .fold(None, |acc, (i, v)| match acc {
            None => Some(((i, v), (i, v))),
            Some((lo, hi)) => Some((
                if v < lo.1 { (i, v) } else { lo },
                if v > hi.1 { (i, v) } else { hi },
            )),
        })
}

impl Plot {
    /// One sentence about what the plot shows, from its data.
    pub fn summary(&self) -> String {
        match self {
            Plot::Heatmap {
                title,
                labels,
                values,
                ..
            } => {
                let n = labels.len();
                let pairs = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j)));
                let cells: Vec<(usize, usize)> = pairs.collect();
                match extremes(
                    cells
                        .iter()
                        .enumerate()
                        .map(|(k, &(i, j))| (k, values[i][j])),
                ) {
                    Some(((lo, min), (hi, max))) => {
                        let (a, b) = cells[hi];
                        let (c, d) = cells[lo];
                        format!(
                            "{title}, {n} groups: largest {} between {} and {}; smallest {} between {} and {}.",
                            num(max), labels[a], labels[b], num(min), labels[c], labels[d]
                        )
                    }
                    None => format!("{title}: {n} group(s), no pair."),
                }
            }
            Plot::Bars {
                title,
                labels,
                values,
                ..
            } => match extremes(values.iter().copied().enumerate()) {
                Some(((lo, min), (hi, max))) => format!(
                    "{title}: largest {} ({}); smallest {} ({}), of {} bars.",
                    labels[hi],
                    num(max),
                    labels[lo],
                    num(min),
                    values.len()
                ),
                None => format!("{title}: no values."),
            },
            Plot::Lines {
                title, x, series, ..
            } => {
                let parts: Vec<String> = series
                    .iter()
                    .filter_map(|(name, ys)| {
                        let ((_, min), (_, max)) = extremes(ys.iter().copied().enumerate())?;
                        Some(format!("{name} from {}", span(min, max)))
                    })
                    .collect();
                format!("{title}, {} points: {}.", x.len(), parts.join("; "))
            }
            Plot::Filters { title, filters, .. } => format!("{title}: {} filters.", filters.len()),
            Plot::Scatter { title, series, .. } => {
                let parts: Vec<String> = series
                    .iter()
                    .map(|(name, pts)| {
                        let marked = pts.iter().filter(|p| p.2).count();
                        format!("{name} {} points ({marked} marked)", pts.len())
                    })
                    .collect();
                format!("{title}: {}.", parts.join("; "))
            }
            Plot::Density { title, counts, .. } => {
                let max = counts.iter().flatten().copied().max().unwrap_or(0);
                format!("{title}: the densest cell holds {max}.")
            }
            Plot::Boxes { title, groups, .. } => super::boxes::summary(title, groups),
            Plot::Box { title, values, .. } => box_summary(title, values),
        }
    }
}

/// One box: how many values, their range and median.
fn box_summary(title: &str, values: &[f64]) -> String {
    let mut v: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return format!("{title}: no values.");
    }
    // Range and median without sorting: 209,628 pairs for 647 groups, in the task that shows them.
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mid = v.len() / 2;
    let median = *v.select_nth_unstable_by(mid, f64::total_cmp).1;
    format!(
        "{title}: {} values from {}, median {}.",
        v.len(),
        span(lo, hi),
        num(median)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heatmap_names_its_largest_and_smallest_pair() {
        let p = Plot::Heatmap {
            title: "D".into(),
            labels: vec!["a".into(), "b".into(), "c".into()],
            values: std::sync::Arc::new(vec![
                vec![0.0, 0.5, 2.25],
                vec![0.5, 0.0, 0.125],
                vec![2.25, 0.125, 0.0],
            ]),
            scale: std::sync::Arc::new(crate::page::plot::ColourScale::new(
                crate::page::plot::ScaleKind::Linear,
                &[vec![0.0]],
            )),
            window: crate::page::matrix::nav::Window::full(3),
            spread: None,
            tree: vec![],
        };
        assert_eq!(
            p.summary(),
            "D, 3 groups: largest 2.250 between a and c; smallest 0.1250 between b and c."
        );
    }

    #[test]
    fn numbers_keep_four_significant_places() {
        assert_eq!(num(2.933492), "2.933");
        assert_eq!(num(0.04891), "0.04891");
        assert_eq!(num(12345.0), "12345");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(3.0), "3");
    }

    #[test]
    fn a_distribution_floor_reads_as_zero() {
        assert_eq!(span(0.000000009348, 0.03486), "0 to 0.03486");
        assert_eq!(span(0.5, 2.0), "0.5 to 2");
        let p = Plot::Lines {
            title: "c0".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x: vec![0.0, 1.0],
            series: vec![("a".into(), vec![9.348e-9, 0.03486])],
            marks: vec![],
        };
        assert_eq!(p.summary(), "c0, 2 points: a from 0 to 0.03486.");
    }
}
