//! What the explorer draws, as data: each plot can be drawn on a canvas, drawn again as SVG for
//! download, and listed as a table (the "data" toggle and CSV). Drawing is generic over plotters'
//! backends, so the canvas and the SVG are the same picture.

use plotters::coord::Shift;
use plotters::prelude::*;

/// Colours of the light and dark themes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub dark: bool,
}

impl Theme {
    pub fn fg(&self) -> RGBColor {
        if self.dark {
            RGBColor(230, 237, 243)
        } else {
            RGBColor(27, 31, 36)
        }
    }
    pub fn bg(&self) -> RGBColor {
        if self.dark {
            RGBColor(13, 17, 23)
        } else {
            RGBColor(255, 255, 255)
        }
    }
    pub fn grid(&self) -> RGBColor {
        if self.dark {
            RGBColor(48, 54, 61)
        } else {
            RGBColor(216, 222, 228)
        }
    }
    /// Series colours with enough contrast on both backgrounds.
    pub fn series(&self, i: usize) -> RGBColor {
        const LIGHT: [RGBColor; 4] = [
            RGBColor(9, 105, 218),
            RGBColor(207, 34, 46),
            RGBColor(26, 127, 55),
            RGBColor(130, 80, 223),
        ];
        const DARK: [RGBColor; 4] = [
            RGBColor(68, 147, 248),
            RGBColor(248, 81, 73),
            RGBColor(63, 185, 80),
            RGBColor(163, 113, 247),
        ];
        if self.dark {
            DARK[i % 4]
        } else {
            LIGHT[i % 4]
        }
    }
}

/// Viridis, by linear interpolation between five of its stops; t in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68., 1., 84.),
        (59., 82., 139.),
        (33., 145., 140.),
        (94., 201., 98.),
        (253., 231., 37.),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * 4.0;
    let i = (x.floor() as usize).min(3);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A diverging grey-scale for filter weights: negative dark, zero mid, positive light.
fn weight_color(v: f64) -> RGBColor {
    let g = (127.5 + 127.5 * v.clamp(-1.0, 1.0)).round() as u8;
    RGBColor(g, g, g)
}

/// Points of a scatter series: x, y, and whether the point is marked.
pub type Points = Vec<(f64, f64, bool)>;

/// The pixel extent of a plotting area: (x0, x1), (y0, y1).
pub type PixelArea = ((i32, i32), (i32, i32));

/// A tick label with enough decimals for an axis from 0 to `max` (sparsities of 1e-4 printed as
/// "0.0" at every tick otherwise).
fn tick(v: f64, max: f64) -> String {
    let decimals = (1.0 - max.log10().floor()).clamp(1.0, 8.0) as usize;
    format!("{v:.decimals$}")
}

/// Heatmaps with more groups than this draw their cells on canvas as one scaled bitmap: plotters'
/// canvas backend issues one fill call per cell, 418,609 of them for 647 models (425 ms measured).
pub const BITMAP_CELLS: usize = 64;

/// The plots of the explorer.
#[derive(Debug, Clone, PartialEq)]
pub enum Plot {
    /// A square matrix with row/column labels (D between groups).
    Heatmap {
        title: String,
        labels: Vec<String>,
        values: Vec<Vec<f64>>,
    },
    /// Bars with labels (counts, D per component).
    /// `extra` columns appear only in the table.
    Bars {
        title: String,
        labels: Vec<String>,
        values: Vec<f64>,
        y_label: String,
        extra: Vec<(String, Vec<f64>)>,
    },
    /// Lines over a shared x axis (distributions, cumulative evr).
    Lines {
        title: String,
        x_label: String,
        y_label: String,
        x: Vec<f64>,
        series: Vec<(String, Vec<f64>)>,
    },
    /// 3x3 filters as small images with captions (eigen-filters, samples).
    Filters {
        title: String,
        captions: Vec<String>,
        filters: Vec<[f64; 9]>,
        cols: usize,
    },
    /// Points in series; `marked` points drawn as crosses (degenerated layers).
    Scatter {
        title: String,
        x_label: String,
        y_label: String,
        series: Vec<(String, Points)>,
    },
    /// A 2-D histogram over a square range (rows are y bins, bottom first), log colour scale.
    Density {
        title: String,
        x_label: String,
        y_label: String,
        range: (f64, f64),
        counts: Vec<Vec<u32>>,
    },
    /// Box plot of one set of values (drift of the upper triangle).
    Box {
        title: String,
        label: String,
        values: Vec<f64>,
    },
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

impl Plot {
    pub fn title(&self) -> &str {
        match self {
            Plot::Heatmap { title, .. }
            | Plot::Bars { title, .. }
            | Plot::Lines { title, .. }
            | Plot::Filters { title, .. }
            | Plot::Scatter { title, .. }
            | Plot::Density { title, .. }
            | Plot::Box { title, .. } => title,
        }
    }

    /// The numbers behind the plot: header and rows.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let f = |v: f64| format!("{v}");
        // A row: a leading label, then numbers.
        let row = |first: String, rest: &mut dyn Iterator<Item = f64>| -> Vec<String> {
            std::iter::once(first).chain(rest.map(f)).collect()
        };
        match self {
            Plot::Heatmap { labels, values, .. } => {
                let mut h = vec![String::new()];
                h.extend(labels.iter().cloned());
                let rows = labels
                    .iter()
                    .zip(values)
                    .map(|(l, r)| row(l.clone(), &mut r.iter().copied()))
                    .collect();
                (h, rows)
            }
            Plot::Bars {
                labels,
                values,
                y_label,
                extra,
                ..
            } => (
                ["".to_string(), y_label.clone()]
                    .into_iter()
                    .chain(extra.iter().map(|e| e.0.clone()))
                    .collect(),
                labels
                    .iter()
                    .zip(values)
                    .enumerate()
                    .map(|(i, (l, v))| {
                        row(
                            l.clone(),
                            &mut std::iter::once(*v).chain(extra.iter().map(|e| e.1[i])),
                        )
                    })
                    .collect(),
            ),
            Plot::Lines {
                x_label, x, series, ..
            } => {
                let mut h = vec![x_label.clone()];
                h.extend(series.iter().map(|s| s.0.clone()));
                let rows = x
                    .iter()
                    .enumerate()
                    .map(|(i, xv)| row(f(*xv), &mut series.iter().map(|s| s.1[i])))
                    .collect();
                (h, rows)
            }
            Plot::Filters {
                captions, filters, ..
            } => {
                let mut h = vec!["filter".to_string()];
                h.extend((0..9).map(|i| format!("w{i}")));
                let rows = captions
                    .iter()
                    .zip(filters)
                    .map(|(c, w)| row(c.clone(), &mut w.iter().copied()))
                    .collect();
                (h, rows)
            }
            Plot::Scatter {
                x_label,
                y_label,
                series,
                ..
            } => (
                vec![
                    "series".into(),
                    x_label.clone(),
                    y_label.clone(),
                    "marked".into(),
                ],
                series
                    .iter()
                    .flat_map(|(n, pts)| {
                        pts.iter()
                            .map(move |(x, y, m)| vec![n.clone(), f(*x), f(*y), m.to_string()])
                    })
                    .collect(),
            ),
            Plot::Density {
                x_label,
                y_label,
                range,
                counts,
                ..
            } => {
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
                            .map(move |(x, c)| vec![f(centre(x)), f(centre(y)), c.to_string()])
                    })
                    .collect();
                (vec![x_label.clone(), y_label.clone(), "count".into()], rows)
            }
            Plot::Box { label, values, .. } => (
                vec![label.clone()],
                values.iter().map(|v| vec![f(*v)]).collect(),
            ),
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

    /// Draws on any backend; returns the plotting area's pixel extent (for hit-testing a heatmap).
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
    ) -> Result<Option<PixelArea>, String> {
        self.render(root, theme, true)
    }

    /// RGBA of a heatmap's cells, one pixel a cell, the first row at the top; for drawing them
    /// as one bitmap (see [`BITMAP_CELLS`]).
    pub fn heatmap_pixels(&self) -> Option<(usize, Vec<u8>)> {
        let Plot::Heatmap { values, .. } = self else {
            return None;
        };
        let n = values.len();
        let max = values.iter().flatten().copied().fold(0.0f64, f64::max);
        let mut px = Vec::with_capacity(n * n * 4);
        for row in values {
            for v in row {
                let c = viridis(if max > 0.0 { v / max } else { 0.0 });
                px.extend([c.0, c.1, c.2, 255]);
            }
        }
        Some((n, px))
    }

    /// Draws the plot; with `cells` false a heatmap gets its frame, labels and axes only.
    pub fn render<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
        cells: bool,
    ) -> Result<Option<PixelArea>, String> {
        root.fill(&theme.bg()).map_err(err)?;
        let fg = theme.fg();
        let font = |size: u32| ("sans-serif", size).into_font().color(&fg);
        match self {
            Plot::Heatmap {
                title,
                labels,
                values,
            } => {
                let n = labels.len().max(1);
                let max = values.iter().flatten().copied().fold(0.0f64, f64::max);
                let left = labels
                    .iter()
                    .map(|l| l.chars().count())
                    .max()
                    .unwrap_or(4)
                    .min(36) as u32
                    * 7
                    + 16;
                let mut chart = ChartBuilder::on(root)
                    .caption(title, font(16))
                    .margin(8)
                    .x_label_area_size(28)
                    .y_label_area_size(left)
                    .build_cartesian_2d(0f64..n as f64, 0f64..n as f64)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_mesh()
                    // Labels at cell centres (k + 0.5): ask for half-steps, print only those.
                    .x_labels(if n <= 40 { 2 * n + 1 } else { 0 })
                    .y_labels(if n <= 40 { 2 * n + 1 } else { 0 })
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
                            format!("[{k}] {}", labels[k].chars().take(32).collect::<String>())
                        }
                    })
                    .label_style(font(11))
                    .axis_style(fg)
                    .draw()
                    .map_err(err)?;
                if cells {
                    chart
                        .draw_series(values.iter().enumerate().flat_map(|(i, row)| {
                            row.iter().enumerate().map(move |(j, v)| {
                                let y = (n - 1 - i) as f64;
                                Rectangle::new(
                                    [(j as f64, y), (j as f64 + 1.0, y + 1.0)],
                                    viridis(if max > 0.0 { v / max } else { 0.0 }).filled(),
                                )
                            })
                        }))
                        .map_err(err)?;
                }
                if n <= 12 {
                    // Few cells: print each value, dark text on light cells and light on dark.
                    chart
                        .draw_series(values.iter().enumerate().flat_map(|(i, row)| {
                            row.iter().enumerate().map(move |(j, v)| {
                                let t = if max > 0.0 { v / max } else { 0.0 };
                                let c = if t > 0.6 {
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
                let (xr, yr) = chart.plotting_area().get_pixel_range();
                Ok(Some(((xr.start, xr.end), (yr.start, yr.end))))
            }
            Plot::Bars {
                title,
                labels,
                values,
                y_label,
                ..
            } => {
                let n = labels.len().max(1);
                let max = values.iter().copied().fold(0.0f64, f64::max).max(1e-12) * 1.1;
                let mut chart = ChartBuilder::on(root)
                    .caption(title, font(16))
                    .margin(8)
                    .x_label_area_size(40)
                    .y_label_area_size(60)
                    .build_cartesian_2d(0f64..n as f64, 0f64..max)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .light_line_style(theme.grid())
                    .x_labels(n * 2 + 1)
                    .x_label_formatter(&|v| {
                        let i = v.floor() as usize;
                        if (v.fract() - 0.5).abs() > 0.01 || i >= n {
                            String::new()
                        } else {
                            labels[i].chars().take(14).collect()
                        }
                    })
                    .y_desc(y_label.as_str())
                    .label_style(font(11))
                    .axis_style(fg)
                    .draw()
                    .map_err(err)?;
                let c = theme.series(0);
                chart
                    .draw_series(values.iter().enumerate().map(|(i, v)| {
                        Rectangle::new([(i as f64 + 0.1, 0.0), (i as f64 + 0.9, *v)], c.filled())
                    }))
                    .map_err(err)?;
                Ok(None)
            }
            Plot::Lines {
                title,
                x_label,
                y_label,
                x,
                series,
            } => {
                let (x0, x1) = (
                    x.first().copied().unwrap_or(0.0),
                    x.last().copied().unwrap_or(1.0),
                );
                let ymax = series
                    .iter()
                    .flat_map(|s| s.1.iter())
                    .copied()
                    .fold(0.0f64, f64::max)
                    .max(1e-12)
                    * 1.05;
                let mut chart = ChartBuilder::on(root)
                    .caption(title, font(14))
                    .margin(6)
                    .x_label_area_size(30)
                    .y_label_area_size(50)
                    .build_cartesian_2d(x0..x1.max(x0 + 1e-12), 0f64..ymax)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .light_line_style(theme.grid())
                    .x_desc(x_label.as_str())
                    .y_desc(y_label.as_str())
                    .x_labels(5)
                    .y_labels(5)
                    .label_style(font(10))
                    .axis_style(fg)
                    .draw()
                    .map_err(err)?;
                for (k, (name, ys)) in series.iter().enumerate() {
                    let c = theme.series(k);
                    chart
                        .draw_series(LineSeries::new(
                            x.iter().copied().zip(ys.iter().copied()),
                            c.stroke_width(2),
                        ))
                        .map_err(err)?
                        .label(name.as_str())
                        .legend(move |(px, py)| {
                            PathElement::new(vec![(px, py), (px + 16, py)], c.stroke_width(2))
                        });
                }
                if series.len() > 1 {
                    chart
                        .configure_series_labels()
                        .background_style(theme.bg().mix(0.8))
                        .border_style(theme.grid())
                        .label_font(font(10))
                        .draw()
                        .map_err(err)?;
                }
                Ok(None)
            }
            Plot::Filters {
                title,
                captions,
                filters,
                cols,
            } => {
                let cols = (*cols).max(1);
                let rows = filters.len().div_ceil(cols).max(1);
                let (w, h) = root.dim_in_pixel();
                let area = root.titled(title, font(14)).map_err(err)?;
                let cell = ((w as f64 / cols as f64).min((h as f64 - 24.0) / rows as f64)).max(8.0);
                let px = (cell - 18.0).max(6.0) / 3.0;
                for (k, (f, cap)) in filters.iter().zip(captions).enumerate() {
                    let (cx, cy) = ((k % cols) as f64 * cell, (k / cols) as f64 * cell);
                    let peak = f.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                    let peak = if peak == 0.0 { 1.0 } else { peak };
                    for (i, v) in f.iter().enumerate() {
                        let (x, y) = (cx + 4.0 + (i % 3) as f64 * px, cy + (i / 3) as f64 * px);
                        area.draw(&Rectangle::new(
                            [(x as i32, y as i32), ((x + px) as i32, (y + px) as i32)],
                            weight_color(v / peak).filled(),
                        ))
                        .map_err(err)?;
                    }
                    area.draw(&Text::new(
                        cap.clone(),
                        ((cx + 4.0) as i32, (cy + 3.0 * px + 2.0) as i32),
                        font(10),
                    ))
                    .map_err(err)?;
                }
                Ok(None)
            }
            Plot::Scatter {
                title,
                x_label,
                y_label,
                series,
            } => {
                let pts = || series.iter().flat_map(|s| s.1.iter());
                // At least 0.01 wide: an all-zero axis (no sparse filter anywhere) otherwise gets
                // a 1e-6 span whose tick labels run into each other.
                let xmax = pts().map(|p| p.0).fold(0.0f64, f64::max).max(0.01) * 1.05;
                let ymax = pts().map(|p| p.1).fold(0.0f64, f64::max).max(0.01) * 1.05;
                let mut chart = ChartBuilder::on(root)
                    .caption(title, font(14))
                    .margin(6)
                    .x_label_area_size(30)
                    .y_label_area_size(50)
                    .build_cartesian_2d(0f64..xmax, 0f64..ymax)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .light_line_style(theme.grid())
                    .x_desc(x_label.as_str())
                    .y_desc(y_label.as_str())
                    .x_label_formatter(&|v| tick(*v, xmax))
                    .y_label_formatter(&|v| tick(*v, ymax))
                    .label_style(font(10))
                    .axis_style(fg)
                    .draw()
                    .map_err(err)?;
                for (k, (name, points)) in series.iter().enumerate() {
                    let c = theme.series(k);
                    chart
                        .draw_series(points.iter().map(
                            |&(x, y, marked)| -> DynElement<DB, (f64, f64)> {
                                if marked {
                                    Cross::new((x, y), 5, c.stroke_width(2)).into_dyn()
                                } else {
                                    Circle::new((x, y), 3, c.filled()).into_dyn()
                                }
                            },
                        ))
                        .map_err(err)?
                        .label(name.as_str())
                        .legend(move |(px, py)| Circle::new((px + 8, py), 3, c.filled()));
                }
                chart
                    .configure_series_labels()
                    .background_style(theme.bg().mix(0.8))
                    .border_style(theme.grid())
                    .label_font(font(10))
                    .draw()
                    .map_err(err)?;
                Ok(None)
            }
            Plot::Density {
                title,
                x_label,
                y_label,
                range,
                counts,
            } => {
                let n = counts.len().max(1);
                let max = counts.iter().flatten().copied().max().unwrap_or(0) as f64;
                let mut chart = ChartBuilder::on(root)
                    .caption(title, font(14))
                    .margin(6)
                    .x_label_area_size(30)
                    .y_label_area_size(50)
                    .build_cartesian_2d(range.0..range.1, range.0..range.1)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_mesh()
                    .x_desc(x_label.as_str())
                    .y_desc(y_label.as_str())
                    .label_style(font(10))
                    .axis_style(fg)
                    .draw()
                    .map_err(err)?;
                let w = (range.1 - range.0) / n as f64;
                chart
                    .draw_series(counts.iter().enumerate().flat_map(|(y, row)| {
                        row.iter()
                            .enumerate()
                            .filter(|(_, c)| **c > 0)
                            .map(move |(x, c)| {
                                let (x0, y0) = (range.0 + x as f64 * w, range.0 + y as f64 * w);
                                let t = (*c as f64).ln_1p() / max.ln_1p().max(1e-12);
                                Rectangle::new([(x0, y0), (x0 + w, y0 + w)], viridis(t).filled())
                            })
                    }))
                    .map_err(err)?;
                Ok(None)
            }
            Plot::Box {
                title,
                label,
                values,
            } => {
                let mut v = values.clone();
                v.sort_by(f64::total_cmp);
                let q = |p: f64| -> f64 {
                    if v.is_empty() {
                        return 0.0;
                    }
                    // numpy's default (linear) percentile.
                    let pos = p * (v.len() - 1) as f64;
                    let (i, f) = (pos.floor() as usize, pos.fract());
                    if i + 1 < v.len() {
                        v[i] + (v[i + 1] - v[i]) * f
                    } else {
                        v[i]
                    }
                };
                let (q1, q2, q3) = (q(0.25), q(0.5), q(0.75));
                let (lo, hi) = (
                    v.first().copied().unwrap_or(0.0),
                    v.last().copied().unwrap_or(1.0),
                );
                let mut chart = ChartBuilder::on(root)
                    .caption(title, font(14))
                    .margin(8)
                    .x_label_area_size(30)
                    .y_label_area_size(50)
                    .build_cartesian_2d(0f64..1f64, (lo.min(0.0))..(hi * 1.05).max(1e-9))
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .x_labels(0)
                    .light_line_style(theme.grid())
                    .y_desc(label.as_str())
                    .label_style(font(10))
                    .axis_style(fg)
                    .draw()
                    .map_err(err)?;
                let c = theme.series(0);
                chart
                    .draw_series([
                        Rectangle::new([(0.3, q1), (0.7, q3)], c.mix(0.3).filled()),
                        Rectangle::new([(0.3, q1), (0.7, q3)], c.stroke_width(2)),
                    ])
                    .map_err(err)?;
                chart
                    .draw_series([
                        PathElement::new(vec![(0.3, q2), (0.7, q2)], c.stroke_width(3)),
                        PathElement::new(vec![(0.5, lo), (0.5, q1)], c.stroke_width(1)),
                        PathElement::new(vec![(0.5, q3), (0.5, hi)], c.stroke_width(1)),
                    ])
                    .map_err(err)?;
                // The strip of points shows the spread; past 2,000 points every k-th sorted value
                // (plus the largest) draws the same picture without 200k canvas calls for 647
                // groups. The data table and the CSV keep every value.
                let step = (v.len() / 2000).max(1);
                let shown = v.iter().step_by(step).chain(v.last().filter(|_| step > 1));
                chart
                    .draw_series(shown.enumerate().map(|(i, y)| {
                        Circle::new(
                            (0.15 + 0.1 * ((i * 7919) % 10) as f64 / 10.0, *y),
                            2,
                            c.mix(0.6).filled(),
                        )
                    }))
                    .map_err(err)?;
                Ok(None)
            }
        }
    }

    /// The plot as an SVG document.
    pub fn svg(&self, size: (u32, u32), theme: Theme) -> Result<String, String> {
        let mut s = String::new();
        {
            let root = SVGBackend::with_string(&mut s, size).into_drawing_area();
            self.draw(&root, theme)?;
            root.present().map_err(err)?;
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_fields() {
        let p = Plot::Bars {
            title: "t".into(),
            labels: vec!["a,b".into(), "c".into()],
            values: vec![1.5, 2.0],
            y_label: "n".into(),
            extra: vec![("m".into(), vec![3.0, 4.0])],
        };
        assert_eq!(p.csv(), ",n,m\n\"a,b\",1.5,3\nc,2,4\n");
    }

    #[test]
    fn viridis_ends() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
    }

    #[test]
    fn svg_draws_every_kind() {
        let t = Theme { dark: false };
        let plots = vec![
            Plot::Heatmap {
                title: "h".into(),
                labels: vec!["a".into(), "b".into()],
                values: vec![vec![0.0, 1.0], vec![1.0, 0.0]],
            },
            Plot::Bars {
                title: "b".into(),
                labels: vec!["x".into()],
                values: vec![3.0],
                y_label: "n".into(),
                extra: vec![],
            },
            Plot::Lines {
                title: "l".into(),
                x_label: "x".into(),
                y_label: "y".into(),
                x: vec![0.0, 1.0],
                series: vec![("s".into(), vec![0.0, 1.0])],
            },
            Plot::Filters {
                title: "f".into(),
                captions: vec!["c0".into()],
                filters: vec![[1.0, -1.0, 0.0, 0.5, 0.2, 0.1, 0.0, 0.0, 0.0]],
                cols: 4,
            },
            Plot::Scatter {
                title: "s".into(),
                x_label: "x".into(),
                y_label: "y".into(),
                series: vec![("a".into(), vec![(0.1, 0.2, false), (0.3, 0.4, true)])],
            },
            Plot::Box {
                title: "b".into(),
                label: "D".into(),
                values: vec![0.1, 0.5, 0.2],
            },
            Plot::Density {
                title: "d".into(),
                x_label: "c0".into(),
                y_label: "c1".into(),
                range: (-1.0, 1.0),
                counts: vec![vec![0, 2], vec![5, 1]],
            },
        ];
        for p in plots {
            let s = p.svg((400, 300), t).unwrap();
            assert!(
                s.starts_with("<svg") && s.contains("</svg>"),
                "{}",
                p.title()
            );
            assert!(s.contains(p.title()), "title drawn: {}", p.title());
        }
    }

    #[test]
    fn ticks_keep_small_ranges_apart() {
        assert_eq!(tick(0.25, 0.9), "0.25");
        assert_eq!(tick(0.0004, 0.001), "0.0004");
        assert_eq!(tick(12.0, 40.0), "12.0");
        assert_ne!(tick(0.0001, 0.0005), tick(0.0002, 0.0005));
    }
}
