//! A plot's numbers as a table: the "data" toggle's rows, and the CSV download.

use super::shapes::PixelArea;
use super::{bars, boxes, boxplot, density, filters, heatmap, lines, scatter, Plot};

impl Plot {
    /// The numbers behind the plot: header and rows.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        match self {
            Plot::Heatmap {
                labels,
                values,
                spread,
                ..
            } => heatmap::table(labels, values, spread.as_deref()),
            Plot::Bars {
                labels,
                values,
                y_label,
                extra,
                ..
            } => bars::table(labels, values, y_label, extra),
            Plot::Lines { .. } => lines::table(&self.lines().expect("a line plot")),
            Plot::Filters {
                captions, filters, ..
            } => filters::table(captions, filters),
            Plot::Scatter {
                x_label,
                y_label,
                series,
                ..
            } => scatter::table(x_label, y_label, series),
            Plot::Density {
                x_label,
                y_label,
                range,
                counts,
                ..
            } => density::table(x_label, y_label, *range, counts),
            Plot::Box { label, values, .. } => boxplot::table(label, values),
            Plot::Boxes { groups, points, .. } => boxes::table(groups, points),
        }
    }

    pub(super) fn lines(&self) -> Option<lines::Lines<'_>> {
        match self {
            Plot::Lines {
                title,
                x_label,
                y_label,
                x,
                series,
                marks,
            } => Some(lines::Lines {
                title,
                x_label,
                y_label,
                x,
                series,
                marks,
            }),
            _ => None,
        }
    }

    /// The table as CSV (RFC 4180 quoting).
    pub fn csv(&self) -> String {
        let q = |s: &String| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.clone()
            }
        };
        let (h, rows) = self.table();
        let mut out = h.iter().map(q).collect::<Vec<_>>().join(",");
        out.push('\n');
        for r in rows {
            out.push_str(&r.iter().map(q).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
        out
    }

    /// The category under canvas pixel column `x` of a bar or box plot drawn in `area`, in
    /// words (its whole label, which the axis may shorten, and its value).
    pub fn category_at(&self, x: f64, ((x0, x1), _): PixelArea) -> Option<String> {
        let n = match self {
            Plot::Bars { labels, .. } => labels.len(),
            Plot::Boxes { groups, .. } => groups.len(),
            _ => return None,
        };
        if n == 0 || x < x0 as f64 || x >= x1 as f64 {
            return None;
        }
        let i = (((x - x0 as f64) / (x1 - x0) as f64) * n as f64) as usize;
        match self {
            Plot::Bars {
                labels,
                values,
                y_label,
                ..
            } => Some(format!("{}: {y_label} {}", labels.get(i)?, values.get(i)?)),
            Plot::Boxes { groups, .. } => {
                let (label, values) = groups.get(i)?;
                Some(format!("{label}: {} layers", values.len()))
            }
            _ => None,
        }
    }
}
