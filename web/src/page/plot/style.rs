//! What every figure shares: the theme's colours, the colour maps, fonts, and the chart frame
//! (caption, margins, axes, grid, legend) set up once for all plot kinds.

use plotters::coord::types::RangedCoordf64;
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
    /// The theme's text in `size` px.
    pub fn font(&self, size: u32) -> TextStyle<'static> {
        ("sans-serif", size).into_font().color(&self.fg())
    }

    /// A title's font: `size` px, or smaller (down to 10) so that `text` fits in `width` pixels
    /// (a phone-wide card would cut a long title at both ends).
    pub fn title_font(&self, text: &str, width: u32, size: u32) -> TextStyle<'static> {
        let chars = text.chars().count().max(1) as f64;
        let fits = (width as f64 / (CHAR_EM * chars)).floor() as u32;
        self.font(size.min(fits).max(10))
    }
}

/// Average width of a character of the sans-serif font, in ems: what labels are sized by.
pub const CHAR_EM: f64 = 0.55;

/// How many characters of a `size` px label fit in `px` pixels.
pub fn chars_in(px: f64, size: u32) -> usize {
    (px / (CHAR_EM * size as f64)).floor().max(0.0) as usize
}

/// Viridis (plotters' own), for magnitudes; t in [0, 1], anything else clamped (NaN as 0).
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ViridisRGB::get_color(t)
}

/// matplotlib's `seismic`, the map the CNN Filter DB notebook draws filters with: dark blue at
/// -1, white at 0, dark red at +1 (its five stops, evenly spaced, interpolated linearly).
pub fn seismic(v: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (0.0, 0.0, 0.3),
        (0.0, 0.0, 1.0),
        (1.0, 1.0, 1.0),
        (1.0, 0.0, 0.0),
        (0.5, 0.0, 0.0),
    ];
    let v = if v.is_finite() {
        v.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let x = (v + 1.0) * 2.0;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| ((p + (q - p) * f) * 255.0).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Why a figure could not be drawn: plotters' error, whose type depends on the backend (canvas,
/// SVG, bitmap), kept as its text.
#[derive(Debug, Clone, PartialEq)]
pub enum PlotError {
    Draw(String),
}

impl std::fmt::Display for PlotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlotError::Draw(why) => write!(f, "{why}"),
        }
    }
}

/// A drawing error of any backend.
pub fn err<E: std::fmt::Debug>(e: E) -> PlotError {
    PlotError::Draw(format!("{e:?}"))
}

/// A tick on an axis of whole numbers (indices, counts): the number, or nothing between two.
pub fn whole_tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{:.0}", v.round())
    } else {
        String::new()
    }
}

/// A tick label with enough decimals for an axis from 0 to `max` (sparsities of 1e-4 printed as
/// "0.0" at every tick otherwise).
pub fn tick(v: f64, max: f64) -> String {
    let decimals = (1.0 - max.log10().floor()).clamp(1.0, 8.0) as usize;
    format!("{v:.decimals$}")
}

/// A 2-D chart over `x` x `y` with the plot's caption.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Sizes of a chart's frame: caption font, margin, and the label areas below and left.
pub struct Frame {
    pub caption: u32,
    pub margin: u32,
    pub x_area: u32,
    pub y_area: u32,
}

impl Frame {
    /// The frame of the small figures (distributions, quality along depth, scatters).
    pub const SMALL: Frame = Frame {
        caption: 14,
        margin: 6,
        x_area: 30,
        y_area: 50,
    };
}

/// Builds a chart on `root` with the frame's sizes.
pub fn chart<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    theme: Theme,
    title: &str,
    frame: &Frame,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, DB>, PlotError> {
    ChartBuilder::on(root)
        .caption(
            title,
            theme.title_font(title, root.dim_in_pixel().0, frame.caption),
        )
        .margin(frame.margin)
        .x_label_area_size(frame.x_area)
        .y_label_area_size(frame.y_area)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// Axes with the theme's grid, labels and descriptions.
pub fn axes<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    theme: Theme,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<(), PlotError> {
    axes_with(chart, theme, (x_desc, 6, x_fmt), (y_desc, y_fmt))
}

/// A tick label of a value on an axis.
pub type Tick<'a> = dyn Fn(&f64) -> String + 'a;

/// [`axes`] with `x_labels` labels asked for along x (plotters picks round values near them).
pub fn axes_with<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    theme: Theme,
    (x_desc, x_labels, x_fmt): (&str, usize, &Tick<'_>),
    (y_desc, y_fmt): (&str, &Tick<'_>),
) -> Result<(), PlotError> {
    // One light line between labelled ones: plotters' default of ten hatches the whole plot.
    chart
        .configure_mesh()
        .light_line_style(theme.grid().mix(0.5))
        .max_light_lines(1)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(x_labels)
        .y_labels(6)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .label_style(theme.font(10))
        .axis_style(theme.fg())
        .draw()
        .map_err(err)
}

/// Axes for named categories along x (one per unit, labelled at its centre; none for an empty
/// list) and values up the y axis from 0.
pub fn category_axes<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    theme: Theme,
    labels: &[String],
    chars: usize,
    (y_desc, y_max): (&str, Option<f64>),
) -> Result<(), PlotError> {
    let n = labels.len();
    // A count axis ticks at whole numbers only: at most one label a unit, none between.
    let mut mesh = chart.configure_mesh();
    if let Some(max) = y_max {
        mesh.y_labels((max.ceil() as usize + 1).clamp(2, 10))
            .y_label_formatter(&whole_tick);
    }
    mesh.disable_x_mesh()
        .light_line_style(theme.grid().mix(0.5))
        .max_light_lines(1)
        // Ask for half-steps, print only the centres (k + 0.5).
        .x_labels(if n == 0 { 0 } else { 2 * n + 1 })
        .x_label_formatter(&|v| {
            let i = v.floor() as usize;
            if (v.fract() - 0.5).abs() > 0.01 || i >= n {
                String::new()
            } else {
                shorten(&labels[i], chars)
            }
        })
        .y_desc(y_desc)
        .label_style(theme.font(10))
        .axis_style(theme.fg())
        .draw()
        .map_err(err)
}

/// `label` in at most `chars` characters: cut with an ellipsis when it is longer (the hover line
/// and the table give it whole).
pub fn shorten(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        return label.to_string();
    }
    let kept: String = label.chars().take(chars.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// A table row: a leading label, then numbers as Rust prints them (shortest round-trip form).
pub fn row(first: &str, rest: impl Iterator<Item = f64>) -> Vec<String> {
    std::iter::once(first.to_string())
        .chain(rest.map(|v| format!("{v}")))
        .collect()
}

/// The legend of a chart's labelled series.
pub fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    theme: Theme,
) -> Result<(), PlotError> {
    // Upper right: the distributions peak in the middle, where plotters puts a legend by default.
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(theme.bg().mix(0.8))
        .border_style(theme.grid())
        .label_font(theme.font(10))
        .draw()
        .map_err(err)
}

/// A vertical colour bar at `x` (pixels) from `top` to `bottom`: `color(t)` for t from 1 (top)
/// to 0 (bottom), with `labels` (t, text) beside it.
pub fn colour_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: Theme,
    (x, top, bottom): (i32, i32, i32),
    color: &dyn Fn(f64) -> RGBColor,
    labels: &[(f64, String)],
) -> Result<(), PlotError> {
    let h = (bottom - top).max(1);
    for k in 0..h {
        let t = 1.0 - k as f64 / (h - 1).max(1) as f64;
        root.draw(&Rectangle::new(
            [(x, top + k), (x + 12, top + k + 1)],
            color(t).filled(),
        ))
        .map_err(err)?;
    }
    root.draw(&Rectangle::new([(x, top), (x + 12, bottom)], theme.grid()))
        .map_err(err)?;
    for (t, text) in labels {
        let y = bottom - (t * h as f64).round() as i32;
        root.draw(&Text::new(text.clone(), (x + 16, y - 5), theme.font(10)))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_end_in_an_ellipsis() {
        assert_eq!(shorten("Object Detection", 14), "Object Detect…");
        assert_eq!(shorten("Classification", 14), "Classification");
        assert_eq!(shorten("a b", 2), "a…");
    }

    #[test]
    fn seismic_is_matplotlibs() {
        assert_eq!(seismic(-1.0), RGBColor(0, 0, 77));
        assert_eq!(seismic(-0.5), RGBColor(0, 0, 255));
        assert_eq!(seismic(0.0), RGBColor(255, 255, 255));
        assert_eq!(seismic(0.5), RGBColor(255, 0, 0));
        assert_eq!(seismic(1.0), RGBColor(128, 0, 0));
        assert_eq!(seismic(f64::NAN), RGBColor(255, 255, 255));
    }

    #[test]
    fn viridis_ends() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(254, 232, 37));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }

    #[test]
    fn titles_shrink_to_fit_and_labels_count_their_room() {
        let t = Theme { dark: false };
        let long = "Global eigen-filters (principal components of the scaled filters)";
        // 66 characters at 14 px need ~508 px: on a 324 px phone card the font shrinks to 8,
        // held at the 10 px floor; a desktop card keeps 14.
        assert_eq!(t.title_font(long, 324, 14).font.get_size(), 10.0);
        assert_eq!(t.title_font(long, 760, 14).font.get_size(), 14.0);
        assert_eq!(chars_in(66.0, 10), 12);
        assert_eq!(chars_in(-5.0, 10), 0);
    }

    #[test]
    fn ticks_keep_small_ranges_apart() {
        assert_eq!(tick(0.25, 0.9), "0.25");
        assert_eq!(tick(0.0004, 0.001), "0.0004");
        assert_eq!(tick(12.0, 40.0), "12.0");
        assert_ne!(tick(0.0001, 0.0005), tick(0.0002, 0.0005));
    }
}
