//! What the explorer draws, as data: each plot can be drawn on a canvas, drawn again as SVG for
//! download, and listed as a table (the "data" toggle and CSV). Drawing is generic over plotters'
//! backends, so the canvas and the SVG are the same picture. Each plot kind has its file; the
//! frame, axes, legend and colour maps they share are in `style`.

mod bars;
mod boxes;
mod boxplot;
mod cells;
mod colour_scale;
mod dendrogram;
mod density;
mod filters;
mod heatmap;
mod lines;
mod scatter;
mod shapes;
mod spread;
mod style;
mod summary;
mod table;

use std::sync::Arc;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use boxes::BoxPoint;
pub use colour_scale::{ColourScale, ScaleKind};
pub use dendrogram::{branches, Branch};
pub use filters::FilterScale;
pub use heatmap::MAX_LABELLED;
pub use shapes::{PixelArea, Points};
pub use spread::CellSpread;
pub use style::{err, PlotError, Theme};

use crate::page::matrix::nav::Window;

/// Heatmaps with more groups than this draw their cells on canvas as one scaled bitmap: plotters'
/// canvas backend issues one fill call per cell, 418,609 of them for 647 models (425 ms measured).
pub const BITMAP_CELLS: usize = 64;

/// The plots of the explorer.
#[derive(Debug, Clone, PartialEq)]
pub enum Plot {
    /// A square matrix with row/column labels (D between groups), coloured on `scale`, drawn in
    /// `window`, with the dendrogram `tree` (empty: none) along the rows. The matrix and its
    /// scale are shared (a zoom or pan makes a new plot of the same matrix without copying it,
    /// and the figure keeps the matrix's bitmap for as long as they are the same).
    Heatmap {
        title: String,
        labels: Vec<String>,
        values: Arc<Vec<Vec<f64>>>,
        scale: Arc<ColourScale>,
        window: Window,
        tree: Vec<Branch>,
        /// Bootstrap intervals and noise floors, in display order, when computed.
        spread: Option<Arc<CellSpread>>,
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
    /// Lines over a shared x axis (distributions, cumulative evr, quality along depth). `marks`
    /// empty: lines only; otherwise a marker at every point, a cross where the flag is set.
    Lines {
        title: String,
        x_label: String,
        y_label: String,
        x: Vec<f64>,
        series: Vec<(String, Vec<f64>)>,
        marks: Vec<bool>,
    },
    /// 3x3 filters as small images with captions (eigen-filters, samples), on `scale`.
    Filters {
        title: String,
        captions: Vec<String>,
        filters: Vec<[f64; 9]>,
        cols: usize,
        scale: FilterScale,
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
    /// One box plot per group (layer quality per group), points drawn over them.
    Boxes {
        title: String,
        label: String,
        groups: Vec<(String, Vec<f64>)>,
        points: Vec<BoxPoint>,
    },
    /// Box plot of one set of values (drift of the upper triangle).
    Box {
        title: String,
        label: String,
        values: Vec<f64>,
    },
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
            | Plot::Box { title, .. }
            | Plot::Boxes { title, .. } => title,
        }
    }

    /// What the figure is named by: the title, with a zoomed heatmap's window.
    pub fn heading(&self) -> String {
        match self {
            Plot::Heatmap {
                title,
                labels,
                window,
                ..
            } => heatmap::heading(title, window.clamped(labels.len().max(1)), labels.len()),
            p => p.title().to_string(),
        }
    }

    /// Draws on any backend; returns the plotting area's pixel extent (for hit-testing a heatmap).
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
    ) -> Result<Option<PixelArea>, PlotError> {
        self.render(root, theme, true)
    }

    /// RGBA of a heatmap's cells, one pixel a cell, the first row at the top; for drawing them
    /// as one bitmap (see [`BITMAP_CELLS`]).
    pub fn heatmap_pixels(&self) -> Option<(usize, Vec<u8>)> {
        match self {
            Plot::Heatmap {
                values,
                scale,
                spread,
                ..
            } => Some(cells::pixels(values, scale, spread.as_deref())),
            _ => None,
        }
    }

    /// What a heatmap's bitmap depends on: its matrix and scale (by identity), so that a figure
    /// can keep the bitmap while only the window moves.
    pub fn heatmap_key(&self) -> Option<(usize, usize)> {
        let Plot::Heatmap {
            values,
            scale,
            spread,
            ..
        } = self
        else {
            return None;
        };
        let spread = spread.as_ref().map_or(0, |s| Arc::as_ptr(s) as usize);
        Some((
            Arc::as_ptr(values) as usize,
            Arc::as_ptr(scale) as usize ^ spread,
        ))
    }

    /// A non-empty heatmap's group count and its window, inside the matrix.
    pub fn heatmap_shape(&self) -> Option<(usize, Window)> {
        match self {
            Plot::Heatmap { labels, window, .. } if !labels.is_empty() => {
                Some((labels.len(), window.clamped(labels.len())))
            }
            _ => None,
        }
    }

    /// Whether this is a heatmap whose visible cells are drawn as one bitmap.
    pub fn heatmap_bitmap(&self) -> bool {
        self.heatmap_shape()
            .is_some_and(|(_, w)| w.k > BITMAP_CELLS)
    }

    /// Draws the plot; with `cells` false a heatmap gets its frame, labels and axes only.
    pub fn render<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
        cells: bool,
    ) -> Result<Option<PixelArea>, PlotError> {
        root.fill(&theme.bg()).map_err(err)?;
        match self {
            Plot::Heatmap {
                title,
                labels,
                values,
                scale,
                window,
                tree,
                spread,
            } => {
                let h = heatmap::Heatmap {
                    title,
                    labels,
                    values,
                    scale,
                    window: *window,
                    tree,
                    spread: spread.as_deref(),
                };
                return heatmap::draw(root, theme, &h, cells);
            }
            Plot::Bars {
                title,
                labels,
                values,
                y_label,
                ..
            } => return bars::draw(root, theme, (title, labels, values, y_label)).map(Some),
            Plot::Lines { .. } => lines::draw(root, theme, &self.lines().expect("a line plot"))?,
            Plot::Filters {
                title,
                captions,
                filters,
                cols,
                scale,
            } => filters::draw(root, theme, (title, captions, filters, *cols, *scale))?,
            Plot::Scatter {
                title,
                x_label,
                y_label,
                series,
            } => scatter::draw(root, theme, (title, x_label, y_label, series))?,
            Plot::Density {
                title,
                x_label,
                y_label,
                range,
                counts,
            } => density::draw(root, theme, (title, x_label, y_label, *range, counts))?,
            Plot::Box {
                title,
                label,
                values,
            } => boxplot::draw(root, theme, (title, label, values))?,
            Plot::Boxes {
                title,
                label,
                groups,
                points,
            } => return boxes::draw(root, theme, (title, label), (groups, points)).map(Some),
        }
        Ok(None)
    }

    /// The plot as an SVG document.
    pub fn svg(&self, size: (u32, u32), theme: Theme) -> Result<String, PlotError> {
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
mod tests;
