//! Drawing a plot on a canvas: at the size the page leaves it, and for a large heatmap through
//! an offscreen bitmap of its cells, made once and blitted for each zoom and pan.

use plotters::prelude::*;
use wasm_bindgen::JsCast;

use super::backend::Canvas2d;
use crate::page::matrix::nav::Window;
use crate::page::plot::{err, PixelArea, Plot, PlotError, Theme};

/// A heatmap's cells as an offscreen bitmap, with the key of what it was made from.
pub type Cells = Option<((usize, usize), web_sys::HtmlCanvasElement)>;

/// Makes `cells` the bitmap of heatmap `p`'s cells when `p` is drawn as one and `cells` is
/// not already its bitmap. Whether it made one: a figure then draws the rest in a task of its
/// own (the 418,609 cells of 647 groups and the frame together were a task of over 50 ms).
pub fn prepare_cells(p: &Plot, cells: &mut Cells) -> Result<bool, PlotError> {
    let Some(key) = p.heatmap_key().filter(|_| p.heatmap_bitmap()) else {
        return Ok(false);
    };
    if cells.as_ref().map(|c| c.0) == Some(key) {
        return Ok(false);
    }
    let (n, px) = p
        .heatmap_pixels()
        .ok_or(PlotError::Draw("not a heatmap".into()))?;
    *cells = Some((key, bitmap_of(n, &px).map_err(err)?));
    Ok(true)
}

/// Draws `p` on canvas `c`; for a heatmap drawn as a bitmap, (re)makes `cells` when its key
/// changed and blits the window. The matrix's pixel area, for a heatmap.
pub fn paint(
    c: &web_sys::HtmlCanvasElement,
    p: &Plot,
    theme: Theme,
    cells: &mut Cells,
) -> Result<Option<PixelArea>, PlotError> {
    let Some(backend) = Canvas2d::new(c) else {
        return Err(PlotError::Draw("the canvas has no 2d context".into()));
    };
    let root = backend.into_drawing_area();
    let bitmap = p.heatmap_bitmap();
    let a = p.render(&root, theme, !bitmap)?;
    root.present().map_err(err)?;
    if let (true, Some(area), Some((_, w))) = (bitmap, a, p.heatmap_shape()) {
        // The matrix's bitmap is made once; zooming and panning only move the window drawn
        // from it.
        prepare_cells(p, cells)?;
        if let Some((_, b)) = cells {
            blit(c, area, b, w).map_err(err)?;
        }
    }
    Ok(a)
}

fn context2d(
    c: &web_sys::HtmlCanvasElement,
) -> Result<web_sys::CanvasRenderingContext2d, wasm_bindgen::JsValue> {
    c.get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()
        .map_err(|_| "not a 2d context".into())
}

/// An n x n RGBA image on an offscreen canvas: a heatmap's cells, one pixel each.
fn bitmap_of(n: usize, rgba: &[u8]) -> Result<web_sys::HtmlCanvasElement, wasm_bindgen::JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let tmp: web_sys::HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    tmp.set_width(n as u32);
    tmp.set_height(n as u32);
    let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(rgba),
        n as u32,
        n as u32,
    )?;
    context2d(&tmp)?.put_image_data(&image, 0.0, 0.0)?;
    Ok(tmp)
}

/// Draws window `w` of a heatmap's bitmap scaled onto `area` of the canvas, without smoothing:
/// one call for all visible cells instead of one per cell.
fn blit(
    canvas: &web_sys::HtmlCanvasElement,
    ((x0, x1), (y0, y1)): PixelArea,
    cells: &web_sys::HtmlCanvasElement,
    w: Window,
) -> Result<(), wasm_bindgen::JsValue> {
    let ctx = context2d(canvas)?;
    ctx.set_image_smoothing_enabled(false);
    ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        cells,
        w.c0 as f64,
        w.r0 as f64,
        w.k as f64,
        w.k as f64,
        x0 as f64,
        y0 as f64,
        (x1 - x0) as f64,
        (y1 - y0) as f64,
    )
}
