//! A heatmap figure's input: the cell under the pointer, the hover line, a click that opens a
//! pair, keys, wheel, drag and pinch, each turned into a call of the view's [`MatrixHooks`].

use leptos::html;
use leptos::prelude::*;

use crate::page::matrix::nav::Window;
use crate::page::matrix::{input, MatrixHooks};
use crate::page::plot::{PixelArea, Plot, MAX_LABELLED};

/// The category of a bar or box plot under the mouse, in words: the hover line shows a label
/// the axis had to shorten, whole.
pub fn category_under(
    plot: Signal<Option<Plot>>,
    canvas: NodeRef<html::Canvas>,
    area: Option<PixelArea>,
    e: &web_sys::MouseEvent,
) -> Option<String> {
    let c = canvas.get_untracked()?;
    let ratio = c.width() as f64 / c.get_bounding_client_rect().width().max(1.0);
    plot.with_untracked(|p| p.as_ref()?.category_at(e.offset_x() as f64 * ratio, area?))
}

/// What the event handlers of one heatmap canvas read and write; `Copy`, so each handler takes
/// its own.
#[derive(Clone, Copy)]
pub struct Pointer {
    pub plot: Signal<Option<Plot>>,
    pub canvas: NodeRef<html::Canvas>,
    /// The matrix's extent in canvas pixels, as last drawn.
    pub area: RwSignal<Option<PixelArea>>,
    /// The hover line's text.
    pub hover: RwSignal<Option<String>>,
    pub hooks: MatrixHooks,
    pub gesture: StoredValue<input::Gesture>,
}

impl Pointer {
    /// A heatmap's size and window, untracked (for event handlers).
    pub fn shown(&self) -> Option<(usize, Window)> {
        self.plot.with_untracked(|p| p.as_ref()?.heatmap_shape())
    }

    /// The canvas's pixels per CSS pixel (a canvas drawn wider than it shows).
    fn ratio(&self) -> Option<f64> {
        let c = self.canvas.get_untracked()?;
        let rect = c.get_bounding_client_rect();
        Some(c.width() as f64 / rect.width().max(1.0))
    }

    /// The heatmap cell (display row, column) under a point of the canvas, in CSS pixels; with
    /// `clamp`, the nearest cell of a point outside the matrix.
    fn cell_at(&self, x: f64, y: f64, clamp: bool) -> Option<(usize, usize)> {
        let ((x0, x1), (y0, y1)) = self.area.get_untracked()?;
        let (n, w) = self.shown()?;
        let r = self.ratio()?;
        let (px, py) = (x * r, y * r);
        let inside = px >= x0 as f64 && px < x1 as f64 && py >= y0 as f64 && py < y1 as f64;
        if !inside && !clamp {
            return None;
        }
        let k = w.k as f64;
        let pos = |p: f64, a: i32, b: i32| {
            ((p - a as f64) / (b - a) as f64 * k).clamp(0.0, k - 1.0) as usize
        };
        let (i, j) = (w.r0 + pos(py, y0, y1), w.c0 + pos(px, x0, x1));
        Some((i.min(n - 1), j.min(n - 1)))
    }

    /// Cells' width in CSS pixels.
    fn cell_px(&self) -> f64 {
        match (self.area.get_untracked(), self.shown(), self.ratio()) {
            (Some(((x0, x1), _)), Some((_, w)), Some(r)) => (x1 - x0) as f64 / w.k as f64 / r,
            _ => 0.0,
        }
    }

    pub fn on_move(&self, e: web_sys::MouseEvent) {
        let text = self
            .cell_at(e.offset_x() as f64, e.offset_y() as f64, false)
            .map(|c| self.hooks.describe.run(c));
        self.hover.set(text);
    }

    pub fn on_click(&self, e: web_sys::MouseEvent) {
        if self.gesture.with_value(|g| g.dragged) {
            return;
        }
        if let Some(cell) = self.cell_at(e.offset_x() as f64, e.offset_y() as f64, false) {
            self.hooks.open.run(cell);
        }
    }

    pub fn on_key(&self, e: web_sys::KeyboardEvent) {
        if let Some((n, w)) = self.shown() {
            if input::key(self.hooks, n, w, &e) {
                e.prevent_default();
            }
        }
    }

    pub fn on_focus(&self) {
        if let Some((_, w)) = self.shown() {
            let c = self.hooks.cursor.get_untracked().unwrap_or((w.r0, w.c0));
            self.hooks.cursor.set(Some(c));
            self.hover.set(Some(self.hooks.describe.run(c)));
        }
    }

    pub fn on_wheel(&self, e: web_sys::WheelEvent) {
        let Some((n, w)) = self.shown() else { return };
        // A matrix that shows all its labels has nothing to zoom into: the page scrolls.
        if n <= MAX_LABELLED && w.is_full(n) && e.delta_y() > 0.0 {
            return;
        }
        let Some(at) = self.cell_at(e.offset_x() as f64, e.offset_y() as f64, true) else {
            return;
        };
        e.prevent_default();
        if let Some(nw) = self
            .gesture
            .try_update_value(|g| g.wheel(e.delta_y(), n, w, at))
            .flatten()
        {
            self.hooks.window.run(nw);
        }
    }

    pub fn on_down(&self, e: web_sys::PointerEvent) {
        if let Some((_, w)) = self.shown() {
            self.gesture.update_value(|g| {
                g.down(e.pointer_id(), e.offset_x() as f64, e.offset_y() as f64, w)
            });
            if let Some(c) = self.canvas.get_untracked() {
                let _ = c.set_pointer_capture(e.pointer_id());
            }
        }
    }

    pub fn on_pointer_move(&self, e: web_sys::PointerEvent) {
        let Some((n, w)) = self.shown() else { return };
        let cell = self.cell_px();
        let at = (e.offset_x() as f64, e.offset_y() as f64);
        let this = *self;
        let moved = self
            .gesture
            .try_update_value(|g| {
                g.moved(e.pointer_id(), at, n, w, cell, |x, y| {
                    this.cell_at(x, y, true).unwrap_or((w.r0, w.c0))
                })
            })
            .flatten();
        if let Some(nw) = moved {
            self.hooks.window.run(nw);
        }
    }

    pub fn on_up(&self, e: web_sys::PointerEvent) {
        self.gesture.update_value(|g| g.up(e.pointer_id()));
    }

    /// Effects: the overlay canvas `over` follows the focus cell, the found rows and every
    /// redraw; a screen reader hears the focus cell as it moves.
    pub fn follow(self, over: NodeRef<html::Canvas>, size: Memo<(u32, u32)>) {
        Effect::new(move |_| {
            let m = self.hooks;
            let (marked, cursor, a) = (m.marked.get(), m.cursor.get(), self.area.get());
            size.track();
            let (Some(c), Some(a), Some((_, w))) =
                (over.get(), a, self.plot.with(|_| self.shown()))
            else {
                return;
            };
            super::overlay::draw(&c, a, w, &marked, cursor);
        });
        Effect::new(move |_| {
            if let Some(c) = self.hooks.cursor.get() {
                let focused = self
                    .canvas
                    .get_untracked()
                    .and_then(|c| c.owner_document()?.active_element().map(|a| a == **c))
                    .unwrap_or(false);
                if focused {
                    self.hover.set(Some(self.hooks.describe.run(c)));
                }
            }
        });
    }
}
