//! What is drawn over a heatmap without redrawing it: the rows and columns a search found, and
//! the keyboard's focus cell. A second canvas on top of the figure's, cleared and redrawn on
//! every change (a few rectangles), so moving the focus costs nothing at 647 x 647.

use wasm_bindgen::JsCast;

use crate::page::matrix::nav::Window;
use crate::page::plot::PixelArea;

/// The focus cell's outline is at least this many pixels, so that it shows on a matrix whose
/// cells are under a pixel.
const MIN_FOCUS_PX: f64 = 9.0;

fn context(c: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    c.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Redraws the overlay `c` (sized like the figure's canvas): `marked` rows and columns (display
/// indices) as translucent bands, and `cursor` as a two-tone outline, within `window` drawn on
/// `area`.
pub fn draw(
    c: &web_sys::HtmlCanvasElement,
    ((x0, x1), (y0, y1)): PixelArea,
    window: Window,
    marked: &[bool],
    cursor: Option<(usize, usize)>,
) {
    let Some(ctx) = context(c) else { return };
    ctx.clear_rect(0.0, 0.0, c.width() as f64, c.height() as f64);
    let k = window.k.max(1) as f64;
    let (cw, ch) = ((x1 - x0) as f64 / k, (y1 - y0) as f64 / k);
    let row_y = |i: usize| y0 as f64 + (i as f64 - window.r0 as f64) * ch;
    let col_x = |j: usize| x0 as f64 + (j as f64 - window.c0 as f64) * cw;
    let visible_row = |i: usize| i >= window.r0 && i < window.r0 + window.k;
    let visible_col = |j: usize| j >= window.c0 && j < window.c0 + window.k;
    // Bands at least two pixels thick, so that a found model shows on the full matrix.
    let thick = |s: f64| s.max(2.0);
    ctx.set_fill_style_str("rgba(255, 64, 129, 0.35)");
    ctx.set_stroke_style_str("rgba(255, 64, 129, 0.9)");
    for (g, _) in marked.iter().enumerate().filter(|(_, m)| **m) {
        if visible_row(g) {
            let y = row_y(g);
            ctx.fill_rect(x0 as f64, y, (x1 - x0) as f64, thick(ch));
        }
        if visible_col(g) {
            let x = col_x(g);
            ctx.fill_rect(x, y0 as f64, thick(cw), (y1 - y0) as f64);
        }
    }
    if let Some((i, j)) = cursor.filter(|&(i, j)| visible_row(i) && visible_col(j)) {
        let (cx, cy) = (col_x(j) + cw / 2.0, row_y(i) + ch / 2.0);
        let (w, h) = (cw.max(MIN_FOCUS_PX), ch.max(MIN_FOCUS_PX));
        ctx.set_line_width(3.0);
        ctx.set_stroke_style_str("#000");
        ctx.stroke_rect(cx - w / 2.0, cy - h / 2.0, w, h);
        ctx.set_line_width(1.5);
        ctx.set_stroke_style_str("#fff");
        ctx.stroke_rect(cx - w / 2.0, cy - h / 2.0, w, h);
    }
}
