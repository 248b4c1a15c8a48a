//! How a heatmap maps D to a colour. A few outlier pairs can take the top of a linear scale and
//! leave every other cell the same colour; a log scale spreads values over decades and a rank
//! (quantile) scale spreads them evenly. The scale is chosen on the page and kept in the URL; by
//! default the one that spreads the data.

use std::fmt;
use std::str::FromStr;

use plotters::style::RGBColor;

use super::style::viridis;

/// The kinds of scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleKind {
    Linear,
    Log,
    Rank,
}

/// Above this ratio of the largest to the median off-diagonal value, a linear scale would
/// crowd most cells into its bottom tenth: the default is then log.
const SPREAD_FOR_LOG: f64 = 10.0;

impl ScaleKind {
    pub const ALL: [ScaleKind; 3] = [ScaleKind::Linear, ScaleKind::Log, ScaleKind::Rank];

    pub fn key(self) -> &'static str {
        match self {
            ScaleKind::Linear => "linear",
            ScaleKind::Log => "log",
            ScaleKind::Rank => "rank",
        }
    }

    /// Log when the largest value is more than [`SPREAD_FOR_LOG`] times the median (of the
    /// pairs, diagonal left out), else linear.
    pub fn default_for(values: &[Vec<f64>]) -> ScaleKind {
        let mut off = off_diagonal(values);
        if off.is_empty() {
            return ScaleKind::Linear;
        }
        let max = off.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mid = off.len() / 2;
        let median = *off.select_nth_unstable_by(mid, f64::total_cmp).1;
        if median > 0.0 && max / median > SPREAD_FOR_LOG {
            ScaleKind::Log
        } else {
            ScaleKind::Linear
        }
    }
}

impl fmt::Display for ScaleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for ScaleKind {
    type Err = ();
    fn from_str(s: &str) -> Result<ScaleKind, ()> {
        ScaleKind::ALL.into_iter().find(|k| k.key() == s).ok_or(())
    }
}

/// The finite off-diagonal values (unsorted).
fn off_diagonal(values: &[Vec<f64>]) -> Vec<f64> {
    // Sized once: grown value by value, 418,609 of them cost as much as the median itself.
    let n = values.len();
    let mut off = Vec::with_capacity(n * n.saturating_sub(1));
    off.extend(off_diagonal_iter(values));
    off
}

fn off_diagonal_iter(values: &[Vec<f64>]) -> impl Iterator<Item = f64> + '_ {
    values
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.iter().enumerate().filter(move |(j, _)| *j != i))
        .map(|(_, &x)| x)
        .filter(|x| x.is_finite())
}

/// Colours of the scale, one per step: a cell's colour is looked up, not interpolated, so that
/// a 647 x 647 matrix colours its 418,609 cells in a few milliseconds. 256 steps, as
/// matplotlib's own viridis table has.
const STEPS: usize = 256;

/// A scale fitted to a matrix: maps a value to 0..=1 and a colour, and labels its colour bar.
#[derive(Debug, Clone, PartialEq)]
pub struct ColourScale {
    pub kind: ScaleKind,
    /// The pairs' values, sorted: kept for the rank scale only.
    sorted: Vec<f64>,
    max: f64,
    /// The smallest positive value: the log scale's bottom.
    min_pos: f64,
    lut: Vec<RGBColor>,
}

impl ColourScale {
    pub fn new(kind: ScaleKind, values: &[Vec<f64>]) -> ColourScale {
        // One pass, and the values kept (sorted) only for the rank scale: 418,609 of them for
        // 647 groups, computed in the task that shows the matrix.
        let (max, min_pos) = off_diagonal_iter(values)
            .fold((0.0f64, f64::INFINITY), |(m, p), v| {
                (m.max(v), if v > 0.0 { p.min(v) } else { p })
            });
        let min_pos = if min_pos.is_finite() { min_pos } else { max };
        let sorted = if kind == ScaleKind::Rank {
            let mut off = off_diagonal(values);
            off.sort_unstable_by(f64::total_cmp);
            off
        } else {
            vec![]
        };
        ColourScale {
            kind,
            sorted,
            max,
            min_pos,
            lut: (0..STEPS)
                .map(|k| viridis(k as f64 / (STEPS - 1) as f64))
                .collect(),
        }
    }

    /// The colour of `v`.
    pub fn colour(&self, v: f64) -> RGBColor {
        self.lut[(self.t(v) * (STEPS - 1) as f64).round() as usize]
    }
    /// Where `v` sits on the scale, 0 (bottom) to 1 (top). Log: values at or below the smallest
    /// positive pair (the diagonal's zeros) at the bottom. Rank: the share of pairs below `v`.
    pub fn t(&self, v: f64) -> f64 {
        let t = match self.kind {
            ScaleKind::Linear => {
                if self.max > 0.0 {
                    v / self.max
                } else {
                    0.0
                }
            }
            ScaleKind::Log => {
                if v <= self.min_pos || self.max <= self.min_pos {
                    0.0
                } else {
                    (v / self.min_pos).ln() / (self.max / self.min_pos).ln()
                }
            }
            ScaleKind::Rank => {
                let m = self.sorted.len();
                if m < 2 {
                    0.0
                } else {
                    self.sorted.partition_point(|&x| x < v) as f64 / (m - 1) as f64
                }
            }
        };
        if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Five labelled points of the colour bar, bottom to top: at even steps of the scale, each
    /// with the value found there.
    pub fn ticks(&self) -> Vec<(f64, String)> {
        (0..=4)
            .map(|q| {
                let t = q as f64 / 4.0;
                let v = match self.kind {
                    ScaleKind::Linear => self.max * t,
                    ScaleKind::Log => {
                        if q == 0 {
                            0.0
                        } else {
                            self.min_pos * (self.max / self.min_pos).powf(t)
                        }
                    }
                    ScaleKind::Rank => {
                        let m = self.sorted.len();
                        if m == 0 {
                            0.0
                        } else {
                            self.sorted[((m - 1) as f64 * t).round() as usize]
                        }
                    }
                };
                (t, fmt_tick(v))
            })
            .collect()
    }

    /// The colour bar's caption.
    pub fn caption(&self) -> &'static str {
        match self.kind {
            ScaleKind::Linear => "D",
            ScaleKind::Log => "D (log)",
            ScaleKind::Rank => "D (rank)",
        }
    }
}

/// Three significant digits, without an exponent down to 0.001.
fn fmt_tick(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 0.001 {
        let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
        format!("{v:.digits$}")
    } else {
        format!("{v:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(off: &[f64]) -> Vec<Vec<f64>> {
        // A symmetric matrix whose upper triangle is `off`, row by row.
        let n = ((1.0 + (1.0 + 8.0 * off.len() as f64).sqrt()) / 2.0).round() as usize;
        let pairs: Vec<(usize, usize)> = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .collect();
        let mut m = vec![vec![0.0; n]; n];
        for (&(i, j), &v) in pairs.iter().zip(off) {
            m[i][j] = v;
            m[j][i] = v;
        }
        m
    }

    #[test]
    fn default_is_log_when_outliers_crowd_a_linear_scale() {
        assert_eq!(
            ScaleKind::default_for(&matrix(&[0.05, 0.06, 1.6])),
            ScaleKind::Log
        );
        assert_eq!(
            ScaleKind::default_for(&matrix(&[1.0, 2.0, 3.0])),
            ScaleKind::Linear
        );
        assert_eq!(ScaleKind::default_for(&[vec![0.0]]), ScaleKind::Linear);
    }

    #[test]
    fn each_scale_maps_the_range_to_zero_one() {
        let m = matrix(&[0.01, 0.1, 1.0]);
        let lin = ColourScale::new(ScaleKind::Linear, &m);
        assert_eq!((lin.t(0.0), lin.t(0.5), lin.t(1.0)), (0.0, 0.5, 1.0));
        let log = ColourScale::new(ScaleKind::Log, &m);
        assert_eq!(log.t(0.0), 0.0);
        assert!((log.t(0.1) - 0.5).abs() < 1e-12);
        assert_eq!(log.t(1.0), 1.0);
        let rank = ColourScale::new(ScaleKind::Rank, &m);
        // Off-diagonal values, each twice: 0.01 0.01 0.1 0.1 1 1.
        assert_eq!(rank.t(0.01), 0.0);
        assert_eq!(rank.t(0.1), 0.4);
        assert_eq!(rank.t(1.0), 0.8);
        assert_eq!(rank.t(5.0), 1.0);
    }

    #[test]
    fn ticks_name_the_values_at_each_step() {
        let m = matrix(&[0.01, 0.1, 1.0]);
        let lin: Vec<String> = ColourScale::new(ScaleKind::Linear, &m)
            .ticks()
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(lin, ["0", "0.250", "0.500", "0.750", "1.00"]);
        let log: Vec<String> = ColourScale::new(ScaleKind::Log, &m)
            .ticks()
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(log, ["0", "0.0316", "0.100", "0.316", "1.00"]);
        let rank = ColourScale::new(ScaleKind::Rank, &m).ticks();
        assert_eq!(rank[2].1, "0.100");
        assert_eq!(fmt_tick(0.0001234), "1.2e-4");
    }
}
