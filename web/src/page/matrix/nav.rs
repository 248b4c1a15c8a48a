//! Moving around a large heatmap: the visible window (zoom and pan) and the keyboard's focus
//! cell. Pure state transitions, so that mouse, touch, keyboard and the URL all go through the
//! same rules, tested here without a browser.

use std::fmt;
use std::str::FromStr;

/// The visible part of an `n x n` matrix: rows `r0..r0 + k` and columns `c0..c0 + k` (in the
/// displayed order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub r0: usize,
    pub c0: usize,
    pub k: usize,
}

/// Zooming stops at this many rows and columns (or `n`, if smaller): cells are then large enough
/// for their labels and values.
pub const MIN_WINDOW: usize = 8;

impl Window {
    /// The whole matrix.
    pub fn full(n: usize) -> Window {
        Window { r0: 0, c0: 0, k: n }
    }

    /// Whether the window shows the whole matrix.
    pub fn is_full(&self, n: usize) -> bool {
        self.k >= n
    }

    /// The same window made valid for `n`: at least [`MIN_WINDOW`] wide, inside the matrix.
    pub fn clamped(self, n: usize) -> Window {
        let k = self.k.clamp(MIN_WINDOW.min(n), n);
        Window {
            r0: self.r0.min(n - k),
            c0: self.c0.min(n - k),
            k,
        }
    }

    /// Zoomed in (`steps` > 0) or out (< 0) by a factor of two a step, keeping the cell `(i, j)`
    /// at the same place in the window.
    pub fn zoom(self, n: usize, steps: i32, (i, j): (usize, usize)) -> Window {
        let k = if steps >= 0 {
            self.k >> steps.min(30)
        } else {
            self.k.saturating_mul(1 << (-steps).min(30))
        }
        .clamp(MIN_WINDOW.min(n), n);
        // Where (i, j) sits in the window now, as a fraction; the same fraction after.
        let keep = |p: usize, o: usize| {
            let f = (p.saturating_sub(o) as f64 + 0.5) / self.k.max(1) as f64;
            (p as f64 + 0.5 - f * k as f64).round().max(0.0) as usize
        };
        Window {
            r0: keep(i, self.r0),
            c0: keep(j, self.c0),
            k,
        }
        .clamped(n)
    }

    /// Moved by `di` rows and `dj` columns, inside the matrix.
    pub fn pan(self, n: usize, di: isize, dj: isize) -> Window {
        let shift = |o: usize, d: isize| (o as isize + d).max(0) as usize;
        Window {
            r0: shift(self.r0, di),
            c0: shift(self.c0, dj),
            k: self.k,
        }
        .clamped(n)
    }

    /// The smallest move that brings cell `(i, j)` into view.
    pub fn follow(self, n: usize, (i, j): (usize, usize)) -> Window {
        let bring = |p: usize, o: usize| {
            if p < o {
                p
            } else if p >= o + self.k {
                p + 1 - self.k
            } else {
                o
            }
        };
        Window {
            r0: bring(i, self.r0),
            c0: bring(j, self.c0),
            k: self.k,
        }
        .clamped(n)
    }
}

/// `r0,c0,k`, as the URL's `zoom=` holds it.
impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{}", self.r0, self.c0, self.k)
    }
}

impl FromStr for Window {
    type Err = ();

    fn from_str(s: &str) -> Result<Window, ()> {
        let v: Vec<usize> = s
            .split(',')
            .map(|p| p.trim().parse().map_err(|_| ()))
            .collect::<Result<_, _>>()?;
        match v[..] {
            [r0, c0, k] if k > 0 => Ok(Window { r0, c0, k }),
            _ => Err(()),
        }
    }
}

/// What a key does to the heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The focus cell moved (and the window with it, if needed).
    Moved,
    /// Open the pair of the focus cell.
    Open,
    /// Not a key of the heatmap: leave it to the browser.
    Ignored,
}

/// Rows a PageUp/PageDown moves: the window's rows while they are few enough to be labelled,
/// else a tenth of them.
pub fn page(k: usize) -> usize {
    if k <= 40 {
        k.max(1)
    } else {
        k.div_ceil(10)
    }
}

/// Applies a key (`KeyboardEvent.key`, with Ctrl/Cmd and Shift) to the focus cell and the
/// window of an `n x n` heatmap. Arrows move one cell, Home/End to the row's first and last
/// column (with Ctrl, the matrix's first and last cell), PageUp/PageDown by [`page`] rows,
/// `+`/`-` zoom in and out around the focus cell, `0` shows the whole matrix, Shift with an
/// arrow pans by a quarter window (the focus cell moves along), Enter or Space opens the pair.
pub fn key(
    n: usize,
    name: &str,
    ctrl: bool,
    shift: bool,
    cursor: &mut (usize, usize),
    window: &mut Window,
) -> Action {
    if n == 0 {
        return Action::Ignored;
    }
    let last = n - 1;
    let (i, j) = *cursor;
    let step = |p: usize, d: isize| (p as isize + d).clamp(0, last as isize) as usize;
    if shift && name.starts_with("Arrow") {
        let q = (window.k / 4).max(1) as isize;
        let (di, dj) = match name {
            "ArrowUp" => (-q, 0),
            "ArrowDown" => (q, 0),
            "ArrowLeft" => (0, -q),
            "ArrowRight" => (0, q),
            _ => return Action::Ignored,
        };
        let before = *window;
        *window = window.pan(n, di, dj);
        let (mi, mj) = (
            window.r0 as isize - before.r0 as isize,
            window.c0 as isize - before.c0 as isize,
        );
        *cursor = (step(i, mi), step(j, mj));
        *window = window.follow(n, *cursor);
        return Action::Moved;
    }
    let p = page(window.k) as isize;
    *cursor = match name {
        "ArrowUp" => (step(i, -1), j),
        "ArrowDown" => (step(i, 1), j),
        "ArrowLeft" => (i, step(j, -1)),
        "ArrowRight" => (i, step(j, 1)),
        "Home" if ctrl => (0, 0),
        "End" if ctrl => (last, last),
        "Home" => (i, 0),
        "End" => (i, last),
        "PageUp" => (step(i, -p), j),
        "PageDown" => (step(i, p), j),
        "+" | "=" => {
            *window = window.zoom(n, 1, *cursor);
            return Action::Moved;
        }
        "-" | "_" => {
            *window = window.zoom(n, -1, *cursor);
            return Action::Moved;
        }
        "0" => {
            *window = Window::full(n);
            return Action::Moved;
        }
        "Enter" | " " => return Action::Open,
        _ => return Action::Ignored,
    };
    *window = window.follow(n, *cursor);
    Action::Moved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(
        n: usize,
        keys: &[&str],
        start: (usize, usize),
        w: Window,
    ) -> ((usize, usize), Window) {
        let (mut c, mut w) = (start, w);
        for k in keys {
            let (ctrl, name) = match k.strip_prefix("Ctrl+") {
                Some(r) => (true, r),
                None => (false, *k),
            };
            let (shift, name) = match name.strip_prefix("Shift+") {
                Some(r) => (true, r),
                None => (false, name),
            };
            key(n, name, ctrl, shift, &mut c, &mut w);
        }
        (c, w)
    }

    #[test]
    fn arrows_stop_at_the_edges() {
        let full = Window::full(5);
        assert_eq!(press(5, &["ArrowUp", "ArrowLeft"], (0, 0), full).0, (0, 0));
        assert_eq!(press(5, &["ArrowDown"; 9], (0, 0), full).0, (4, 0));
        assert_eq!(
            press(5, &["ArrowRight", "ArrowRight"], (1, 1), full).0,
            (1, 3)
        );
        assert_eq!(press(5, &["End"], (2, 1), full).0, (2, 4));
        assert_eq!(press(5, &["Home"], (2, 3), full).0, (2, 0));
        assert_eq!(press(5, &["Ctrl+End"], (2, 3), full).0, (4, 4));
        assert_eq!(press(5, &["Ctrl+Home"], (2, 3), full).0, (0, 0));
    }

    #[test]
    fn page_keys_jump_and_the_window_follows() {
        let n = 647;
        let (c, w) = press(n, &["PageDown"], (0, 0), Window::full(n));
        assert_eq!(c, (65, 0));
        assert!(w.is_full(n));
        let small = Window {
            r0: 0,
            c0: 0,
            k: 20,
        };
        let (c, w) = press(n, &["PageDown", "PageDown"], (0, 0), small);
        assert_eq!(c, (40, 0));
        assert_eq!(
            w,
            Window {
                r0: 21,
                c0: 0,
                k: 20
            },
            "the focus row in view"
        );
        let (c, w) = press(n, &["ArrowRight"; 25], (0, 0), small);
        assert_eq!((c, w.c0), ((0, 25), 6));
    }

    #[test]
    fn zoom_keeps_the_focus_cell_in_view_and_stays_inside() {
        let n = 647;
        let mut w = Window::full(n);
        let cur = (600, 10);
        for _ in 0..10 {
            w = w.zoom(n, 1, cur);
            assert!(w.r0 <= cur.0 && cur.0 < w.r0 + w.k, "{w:?}");
            assert!(w.c0 <= cur.1 && cur.1 < w.c0 + w.k, "{w:?}");
            assert!(w.r0 + w.k <= n && w.c0 + w.k <= n);
        }
        assert_eq!(w.k, MIN_WINDOW);
        let (_, out) = press(n, &["-"; 12], cur, w);
        assert!(out.is_full(n));
        let (_, reset) = press(n, &["+", "+", "0"], cur, Window::full(n));
        assert!(reset.is_full(n));
        // A small matrix cannot zoom below its size.
        assert_eq!(Window::full(3).zoom(3, 2, (1, 1)), Window::full(3));
    }

    #[test]
    fn shift_arrows_pan_and_carry_the_focus() {
        let n = 100;
        let w = Window {
            r0: 0,
            c0: 0,
            k: 20,
        };
        let (c, w2) = press(n, &["Shift+ArrowDown", "Shift+ArrowRight"], (2, 3), w);
        assert_eq!(
            w2,
            Window {
                r0: 5,
                c0: 5,
                k: 20
            }
        );
        assert_eq!(c, (7, 8));
        let (c, w3) = press(n, &["Shift+ArrowUp"], (2, 3), w);
        assert_eq!((c, w3), ((2, 3), w), "nothing to pan at the top");
    }

    #[test]
    fn enter_opens_and_other_keys_are_left_alone() {
        let (mut c, mut w) = ((1, 2), Window::full(4));
        assert_eq!(key(4, "Enter", false, false, &mut c, &mut w), Action::Open);
        assert_eq!(key(4, " ", false, false, &mut c, &mut w), Action::Open);
        assert_eq!(key(4, "Tab", false, false, &mut c, &mut w), Action::Ignored);
        assert_eq!(key(4, "a", false, false, &mut c, &mut w), Action::Ignored);
        assert_eq!(c, (1, 2));
    }

    #[test]
    fn windows_parse_and_clamp() {
        let w: Window = "10,20,30".parse().unwrap();
        assert_eq!(
            w,
            Window {
                r0: 10,
                c0: 20,
                k: 30
            }
        );
        assert_eq!(w.to_string(), "10,20,30");
        for bad in ["", "1,2", "1,2,0", "a,b,c", "1,2,3,4"] {
            assert!(bad.parse::<Window>().is_err(), "{bad}");
        }
        assert_eq!(
            w.clamped(25),
            Window {
                r0: 0,
                c0: 0,
                k: 25
            }
        );
        assert_eq!(
            w.clamped(40),
            Window {
                r0: 10,
                c0: 10,
                k: 30
            }
        );
        assert_eq!(Window { r0: 0, c0: 0, k: 2 }.clamped(100).k, MIN_WINDOW);
    }
}
