//! A heatmap's input: what its figure needs from the view (open a pair, move the window, the
//! focus cell, the found rows, a cell's description) and the pointer gestures (drag to pan,
//! wheel and pinch to zoom) turned into [`Window`] changes. Keys go through [`nav::key`].

use leptos::prelude::*;

use super::nav::{self, Action, Window};

/// What a heatmap figure is given by its view. Indices are display positions (rows top down,
/// columns left to right, after ordering).
#[derive(Clone, Copy)]
pub struct MatrixHooks {
    /// Open the pair of a cell.
    pub open: Callback<(usize, usize)>,
    /// The visitor zoomed or panned to this window.
    pub window: Callback<Window>,
    /// The keyboard's focus cell, shared with the view (its row is the selected group).
    pub cursor: RwSignal<Option<(usize, usize)>>,
    /// Rows and columns to highlight (a search's matches).
    pub marked: Signal<Vec<bool>>,
    /// A cell in words, for the hover line and the screen reader.
    pub describe: Callback<(usize, usize), String>,
}

/// Wheel travel (in pixels, as `deltaY` reports it) per zoom step: one notch of a mouse wheel,
/// several flicks of a trackpad.
const WHEEL_STEP: f64 = 100.0;
/// Pixels a press must move before it is a drag rather than a click.
const DRAG_PX: f64 = 4.0;
/// Pinch distance ratio per zoom step.
const PINCH_STEP: f64 = 1.6;

/// The pointer's state between events.
#[derive(Debug, Default, Clone)]
pub struct Gesture {
    /// Pointers down: id and position.
    down: Vec<(i32, f64, f64)>,
    /// Where a one-pointer drag started, and the window then.
    start: Option<(f64, f64, Window)>,
    /// A press moved far enough to be a drag (its click is not a cell click).
    pub dragged: bool,
    /// Two-pointer distance at the last pinch step.
    pinch: Option<f64>,
    /// Wheel travel not yet spent on a step.
    wheel: f64,
}

impl Gesture {
    /// A pointer went down at `(x, y)` with the window `w`.
    pub fn down(&mut self, id: i32, x: f64, y: f64, w: Window) {
        self.down.retain(|p| p.0 != id);
        self.down.push((id, x, y));
        self.dragged = false;
        self.start = (self.down.len() == 1).then_some((x, y, w));
        self.pinch = (self.down.len() == 2).then(|| self.distance());
    }

    /// A pointer went up or was cancelled.
    pub fn up(&mut self, id: i32) {
        self.down.retain(|p| p.0 != id);
        self.start = None;
        self.pinch = None;
    }

    fn distance(&self) -> f64 {
        match self.down[..] {
            [(_, ax, ay), (_, bx, by)] => ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt(),
            _ => 0.0,
        }
    }

    /// A pointer moved to `(x, y)` over a matrix of `n` groups shown in `w`, with cells `cell`
    /// pixels wide (CSS pixels); returns the new window, if any. One pointer drags the window,
    /// two pinch it (zooming around `centre`).
    pub fn moved(
        &mut self,
        id: i32,
        (x, y): (f64, f64),
        n: usize,
        w: Window,
        cell: f64,
        centre: impl Fn(f64, f64) -> (usize, usize),
    ) -> Option<Window> {
        if let Some(p) = self.down.iter_mut().find(|p| p.0 == id) {
            (p.1, p.2) = (x, y);
        } else {
            return None;
        }
        if self.down.len() == 2 {
            let d = self.distance();
            let last = self.pinch?;
            let steps = if d > last * PINCH_STEP {
                1
            } else if d * PINCH_STEP < last {
                -1
            } else {
                return None;
            };
            self.pinch = Some(d);
            self.dragged = true;
            let (mx, my) = (
                (self.down[0].1 + self.down[1].1) / 2.0,
                (self.down[0].2 + self.down[1].2) / 2.0,
            );
            return Some(w.zoom(n, steps, centre(mx, my)));
        }
        let (sx, sy, sw) = self.start?;
        if !self.dragged && ((x - sx).abs().max((y - sy).abs())) < DRAG_PX {
            return None;
        }
        self.dragged = true;
        if sw.is_full(n) || cell <= 0.0 {
            return None;
        }
        let di = -((y - sy) / cell).round() as isize;
        let dj = -((x - sx) / cell).round() as isize;
        Some(sw.pan(n, di, dj)).filter(|nw| *nw != w)
    }

    /// Wheel travel `dy` over cell `at`: a zoom step once it adds up to [`WHEEL_STEP`].
    pub fn wheel(&mut self, dy: f64, n: usize, w: Window, at: (usize, usize)) -> Option<Window> {
        self.wheel += dy;
        let steps = (self.wheel / WHEEL_STEP).trunc();
        if steps == 0.0 {
            return None;
        }
        self.wheel -= steps * WHEEL_STEP;
        // Down (positive) zooms out, as on a map.
        Some(w.zoom(n, -steps as i32, at)).filter(|nw| *nw != w)
    }
}

/// Applies a key to the heatmap; returns whether it was one of its keys (and the browser's own
/// action should be prevented).
pub fn key(hooks: MatrixHooks, n: usize, window: Window, e: &web_sys::KeyboardEvent) -> bool {
    let mut cursor = hooks
        .cursor
        .get_untracked()
        .unwrap_or((window.r0, window.c0));
    let mut w = window;
    match nav::key(
        n,
        &e.key(),
        e.ctrl_key() || e.meta_key(),
        e.shift_key(),
        &mut cursor,
        &mut w,
    ) {
        Action::Ignored => false,
        Action::Open => {
            hooks.open.run(cursor);
            true
        }
        Action::Moved => {
            hooks.cursor.set(Some(cursor));
            if w != window {
                hooks.window.run(w);
            }
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_press_is_a_click_a_long_one_a_drag() {
        let n = 100;
        let w = Window {
            r0: 40,
            c0: 40,
            k: 20,
        };
        let mut g = Gesture::default();
        g.down(1, 100.0, 100.0, w);
        assert_eq!(g.moved(1, (102.0, 101.0), n, w, 10.0, |_, _| (0, 0)), None);
        assert!(!g.dragged);
        // 30 px right and 20 px down with 10 px cells: the window moves 3 left and 2 up.
        let moved = g.moved(1, (130.0, 120.0), n, w, 10.0, |_, _| (0, 0));
        assert!(g.dragged);
        assert_eq!(
            moved,
            Some(Window {
                r0: 38,
                c0: 37,
                k: 20
            })
        );
        g.up(1);
        assert_eq!(g.moved(1, (0.0, 0.0), n, w, 10.0, |_, _| (0, 0)), None);
    }

    #[test]
    fn the_full_matrix_does_not_pan() {
        let mut g = Gesture::default();
        let w = Window::full(50);
        g.down(1, 0.0, 0.0, w);
        assert_eq!(g.moved(1, (40.0, 40.0), 50, w, 2.0, |_, _| (0, 0)), None);
        assert!(g.dragged, "still a drag, not a click");
    }

    #[test]
    fn pinch_and_wheel_zoom_by_steps() {
        let n = 100;
        let w = Window::full(n);
        let mut g = Gesture::default();
        g.down(1, 100.0, 100.0, w);
        g.down(2, 120.0, 100.0, w);
        assert_eq!(g.moved(2, (125.0, 100.0), n, w, 1.0, |_, _| (50, 50)), None);
        let z = g
            .moved(2, (160.0, 100.0), n, w, 1.0, |_, _| (50, 50))
            .unwrap();
        assert_eq!(z.k, 50);
        let mut g = Gesture::default();
        assert_eq!(g.wheel(-40.0, n, w, (10, 10)), None);
        assert_eq!(g.wheel(-60.0, n, w, (10, 10)).map(|w| w.k), Some(50));
        assert_eq!(g.wheel(100.0, n, w, (10, 10)), None, "already whole");
    }
}
