//! The width `main` leaves a figure's canvas, read once for all figures: each figure reading it
//! for itself forced a layout per figure while a view was being built (a long main-thread task
//! on every first visit). One memo, provided by the app, re-read only when the window resizes.

use leptos::prelude::*;

/// Horizontal room around a figure's canvas inside `main`: main's padding (2 x 1.5rem) and the
/// figure's padding and border (2 x (0.5rem + 1px)).
const FRAME_PX: i32 = 48 + 18;
/// Narrower than this a canvas would be useless; it keeps its width and the page scrolls.
const MIN_CANVAS_PX: i32 = 240;

/// The canvas width `main` leaves (None before there is a `main` to measure).
#[derive(Clone, Copy)]
pub struct Room(pub Memo<Option<i32>>);

impl Room {
    /// The memo, and a window listener that makes it measure again on resize (for the app's
    /// lifetime).
    pub fn install() -> Self {
        let resized = RwSignal::new(0u32);
        let listener =
            window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
        on_cleanup(move || listener.remove());
        Room(Memo::new(move |_| {
            resized.track();
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("main").ok().flatten())
                .map(|m| m.client_width() - FRAME_PX)
        }))
    }
}

/// The canvas size for a plot designed at `width` x `height` given `avail` pixels: as designed
/// where it fits, else the width available, with the height kept (a phone has height to spare)
/// or, with `keep_aspect`, scaled alike (a matrix stays square). Drawing at the real size
/// (instead of letting CSS shrink a large canvas) keeps labels at their font size on a phone.
pub fn fitted(avail: Option<i32>, (width, height): (u32, u32), keep_aspect: bool) -> (u32, u32) {
    let avail = avail.unwrap_or(width as i32);
    if avail >= width as i32 || avail < MIN_CANVAS_PX {
        return (width, height);
    }
    let w = avail as u32;
    if keep_aspect {
        (w, (height as f64 * w as f64 / width as f64).round() as u32)
    } else {
        (w, height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canvas_fits_the_room_or_keeps_its_size() {
        assert_eq!(fitted(Some(1000), (640, 420), false), (640, 420));
        assert_eq!(fitted(None, (640, 420), true), (640, 420));
        // A phone: 390 px less the frame.
        assert_eq!(fitted(Some(324), (640, 420), false), (324, 420));
        assert_eq!(fitted(Some(324), (640, 640), true), (324, 324));
        // Too narrow to be of use: the page scrolls instead.
        assert_eq!(fitted(Some(200), (640, 420), true), (640, 420));
    }
}
