//! A figure: a plot on a canvas with its controls: the numbers as an accessible table, CSV, PNG and
//! SVG downloads, and for heatmaps given [`MatrixHooks`], the value under the pointer, a click
//! that opens a pair, zoom and pan (wheel, drag, pinch), and a keyboard focus cell drawn on an
//! overlay canvas.

use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

use crate::matrix::nav::Window;
use crate::matrix::{input, overlay, MatrixHooks};
use crate::plot::{PixelArea, Plot, Theme};

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn download_url(name: &str, url: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = doc.create_element("a") else {
        return;
    };
    let a: web_sys::HtmlAnchorElement = a.unchecked_into();
    a.set_href(url);
    a.set_download(name);
    a.click();
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
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
fn bitmap(n: usize, rgba: &[u8]) -> Result<web_sys::HtmlCanvasElement, wasm_bindgen::JsValue> {
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

/// Runs its closure when dropped: at every exit of a draw.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

/// Horizontal room around a figure's canvas inside `main`: main's padding (2 x 1.5rem) and the
/// figure's padding and border (2 x (0.5rem + 1px)).
const FRAME_PX: i32 = 48 + 18;
/// Narrower than this a canvas would be useless; it keeps its width and the page scrolls.
const MIN_CANVAS_PX: i32 = 240;

/// The canvas size for a plot designed at `width` x `height`: as designed where it fits, else
/// the width `main` leaves, with the height kept (a phone has height to spare) or, with
/// `keep_aspect`, scaled alike (a matrix stays square). Drawing at the real size (instead of
/// letting CSS shrink a large canvas) keeps labels at their font size on a phone.
fn fitted((width, height): (u32, u32), keep_aspect: bool) -> (u32, u32) {
    let avail = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("main").ok().flatten())
        .map(|m| m.client_width() - FRAME_PX)
        .unwrap_or(width as i32);
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

/// One plot with its controls. `matrix` makes a heatmap interactive.
#[component]
pub fn Figure(
    #[prop(into)] plot: Signal<Option<Plot>>,
    id: &'static str,
    #[prop(default = 640)] width: u32,
    #[prop(default = 420)] height: u32,
    #[prop(optional)] matrix: Option<MatrixHooks>,
    /// Scale the height with the width on narrow screens (heatmaps).
    #[prop(optional)]
    keep_aspect: bool,
) -> impl IntoView {
    let theme = expect_context::<RwSignal<Theme>>();
    let canvas = NodeRef::<html::Canvas>::new();
    let over = NodeRef::<html::Canvas>::new();
    let show_data = RwSignal::new(false);
    let area = RwSignal::new(None::<PixelArea>);
    let hover = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // Bumped when the window is resized; the canvas size follows it, and the drawing follows
    // the size only when it changes (not on every resize event while a window is dragged).
    let resized = RwSignal::new(0u32);
    let listener = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    on_cleanup(move || listener.remove());
    let size = Memo::new(move |_| {
        resized.track();
        fitted((width, height), keep_aspect)
    });

    // Each figure draws in a task of its own (a zero timeout after what changed), so that a view
    // of several figures never holds the main thread in one long task; a newer change drops an
    // older pending draw.
    let generation = StoredValue::new(0u64);
    let drawing = crate::settled::Waiting::new();
    // A heatmap's cells as an offscreen bitmap, with what it was made from.
    let cells = StoredValue::new_local(None::<((usize, usize), web_sys::HtmlCanvasElement)>);
    // The canvas takes its fitted size at once, drawn or not (a figure whose data is still on
    // its way is not a large canvas shrunk by CSS meanwhile).
    Effect::new(move |_| {
        let (w, h) = size.get();
        for c in [canvas.get(), over.get()].into_iter().flatten() {
            if (c.width(), c.height()) != (w, h) {
                c.set_width(w);
                c.set_height(h);
            }
        }
    });
    Effect::new(move |_| {
        let (Some(c), Some(p)) = (canvas.get(), plot.get()) else {
            return;
        };
        // A new size redraws (the canvas was resized, and so cleared, by the effect above).
        size.track();
        let theme = theme.get();
        let this = generation.get_value() + 1;
        generation.set_value(this);
        drawing.start();
        set_timeout(
            move || {
                if generation.get_value() != this {
                    return;
                }
                // Only the newest draw gets here; the figure is drawn once it has run.
                let _done = OnDrop(move || drawing.done());
                let el: web_sys::HtmlCanvasElement = c.clone();
                let Some(backend) = CanvasBackend::with_canvas_object(el) else {
                    return;
                };
                let root = backend.into_drawing_area();
                let bitmap = p.heatmap_bitmap();
                let c_canvas = c.clone();
                let drawn = crate::timing::measure(&format!("filterscope:draw:{id}"), || {
                    let a = p
                        .render(&root, theme, !bitmap)
                        .and_then(|a| root.present().map(|_| a).map_err(|e| format!("{e:?}")))?;
                    if let (true, Some(area), Some(key), Some((_, w))) =
                        (bitmap, a, p.heatmap_key(), p.heatmap_shape())
                    {
                        // The matrix's bitmap is made once; zooming and panning only move the
                        // window drawn from it.
                        if cells.with_value(|c| c.as_ref().map(|c| c.0)) != Some(key) {
                            let (n, px) = p.heatmap_pixels().expect("a heatmap");
                            let made = self::bitmap(n, &px).map_err(|e| format!("{e:?}"))?;
                            cells.set_value(Some((key, made)));
                        }
                        cells
                            .with_value(|c| {
                                let (_, b) = c.as_ref().expect("made above");
                                blit(&c_canvas, area, b, w)
                            })
                            .map_err(|e| format!("{e:?}"))?;
                    }
                    Ok(a)
                });
                match drawn {
                    Ok(a) => {
                        if crate::timing::mark_once("filterscope:first-plot") {
                            // Keeping the app for offline use waits until the visitor has a
                            // plot, so that it never competes with the first payload.
                            filterscope_web::cache::register_service_worker();
                        }
                        area.set(a);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            },
            std::time::Duration::ZERO,
        );
    });

    // A heatmap's size and window, untracked (for event handlers).
    let shown =
        move || -> Option<(usize, Window)> { plot.with_untracked(|p| p.as_ref()?.heatmap_shape()) };
    // The canvas's pixels per CSS pixel (a canvas drawn wider than it shows).
    let ratio = move || -> Option<f64> {
        let c = canvas.get_untracked()?;
        let rect = c.get_bounding_client_rect();
        Some(c.width() as f64 / rect.width().max(1.0))
    };
    // The heatmap cell (display row, column) under a point of the canvas, in CSS pixels; with
    // `clamp`, the nearest cell of a point outside the matrix.
    let cell_at = move |x: f64, y: f64, clamp: bool| -> Option<(usize, usize)> {
        let ((x0, x1), (y0, y1)) = area.get_untracked()?;
        let (n, w) = shown()?;
        let r = ratio()?;
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
    };
    // Cells' width in CSS pixels.
    let cell_px = move || -> f64 {
        match (area.get_untracked(), shown(), ratio()) {
            (Some(((x0, x1), _)), Some((_, w)), Some(r)) => (x1 - x0) as f64 / w.k as f64 / r,
            _ => 0.0,
        }
    };
    let gesture = StoredValue::new(input::Gesture::default());
    let on_move = move |e: web_sys::MouseEvent| {
        let text = matrix.and_then(|m| {
            cell_at(e.offset_x() as f64, e.offset_y() as f64, false).map(|c| m.describe.run(c))
        });
        hover.set(text);
    };
    let on_click = move |e: web_sys::MouseEvent| {
        if gesture.with_value(|g| g.dragged) {
            return;
        }
        if let (Some(m), Some(cell)) = (
            matrix,
            cell_at(e.offset_x() as f64, e.offset_y() as f64, false),
        ) {
            m.open.run(cell);
        }
    };
    let on_key = move |e: web_sys::KeyboardEvent| {
        let (Some(m), Some((n, w))) = (matrix, shown()) else {
            return;
        };
        if input::key(m, n, w, &e) {
            e.prevent_default();
        }
    };
    let on_focus = move |_| {
        if let (Some(m), Some((_, w))) = (matrix, shown()) {
            let c = m.cursor.get_untracked().unwrap_or((w.r0, w.c0));
            m.cursor.set(Some(c));
            hover.set(Some(m.describe.run(c)));
        }
    };
    let on_wheel = move |e: web_sys::WheelEvent| {
        let (Some(m), Some((n, w))) = (matrix, shown()) else {
            return;
        };
        // A matrix that shows all its labels has nothing to zoom into: the page scrolls.
        if n <= crate::plot::MAX_LABELLED && w.is_full(n) && e.delta_y() > 0.0 {
            return;
        }
        let Some(at) = cell_at(e.offset_x() as f64, e.offset_y() as f64, true) else {
            return;
        };
        e.prevent_default();
        if let Some(nw) = gesture
            .try_update_value(|g| g.wheel(e.delta_y(), n, w, at))
            .flatten()
        {
            m.window.run(nw);
        }
    };
    let on_down = move |e: web_sys::PointerEvent| {
        if let Some((_, w)) = shown() {
            gesture.update_value(|g| {
                g.down(e.pointer_id(), e.offset_x() as f64, e.offset_y() as f64, w)
            });
            if let Some(c) = canvas.get_untracked() {
                let _ = c.set_pointer_capture(e.pointer_id());
            }
        }
    };
    let on_pointer_move = move |e: web_sys::PointerEvent| {
        let (Some(m), Some((n, w))) = (matrix, shown()) else {
            return;
        };
        let cell = cell_px();
        let at = (e.offset_x() as f64, e.offset_y() as f64);
        let moved = gesture
            .try_update_value(|g| {
                g.moved(e.pointer_id(), at, n, w, cell, |x, y| {
                    cell_at(x, y, true).unwrap_or((w.r0, w.c0))
                })
            })
            .flatten();
        if let Some(nw) = moved {
            m.window.run(nw);
        }
    };
    let on_up = move |e: web_sys::PointerEvent| gesture.update_value(|g| g.up(e.pointer_id()));
    // The overlay follows the focus cell, the found rows and every redraw.
    Effect::new(move |_| {
        let Some(m) = matrix else { return };
        let (marked, cursor, a) = (m.marked.get(), m.cursor.get(), area.get());
        size.track();
        let (Some(c), Some(a), Some((_, w))) = (over.get(), a, plot.with(|_| shown())) else {
            return;
        };
        overlay::draw(&c, a, w, &marked, cursor);
    });
    // A screen reader hears the focus cell as it moves.
    Effect::new(move |_| {
        let Some(m) = matrix else { return };
        if let Some(c) = m.cursor.get() {
            let focused = canvas
                .get_untracked()
                .and_then(|c| c.owner_document()?.active_element().map(|a| a == **c))
                .unwrap_or(false);
            if focused {
                hover.set(Some(m.describe.run(c)));
            }
        }
    });
    let name = move || {
        plot.with(|p| {
            p.as_ref()
                .map(|p| slug(p.title()))
                .unwrap_or_else(|| id.to_string())
        })
    };
    let csv = move |_| {
        if let Some(p) = plot.get_untracked() {
            download(&format!("{}.csv", name()), "text/csv", &p.csv());
        }
    };
    let svg = move |_| {
        if let Some(p) = plot.get_untracked() {
            if let Ok(s) = p.svg((width, height), theme.get_untracked()) {
                download(&format!("{}.svg", name()), "image/svg+xml", &s);
            }
        }
    };
    let png = move |_| {
        if let Some(url) = canvas.get_untracked().and_then(|c| c.to_data_url().ok()) {
            download_url(&format!("{}.png", name()), &url);
        }
    };
    let title = move || {
        plot.with(|p| {
            p.as_ref()
                .map(|p| p.title().to_string())
                .unwrap_or_default()
        })
    };
    let table = move || {
        plot.with(|p| p.as_ref().map(|p| p.table())).map(|(head, rows)| {
            view! {
                // Focusable, so that a keyboard can scroll a long table.
                <table class="data" id=format!("{id}-data") tabindex="0">
                    <caption>{title()}</caption>
                    <thead><tr>{head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }).collect_view()}
                    </tbody>
                </table>
            }
        })
    };
    view! {
        <figure class="plot" id=id>
            <div class="canvas-wrap">
                <canvas
                    node_ref=canvas
                    width=width
                    height=height
                    role=if matrix.is_some() { "application" } else { "img" }
                    tabindex=matrix.map(|_| "0")
                    aria-label=move || {
                        let name = plot.with(|p| p.as_ref().map(|p| p.heading())).unwrap_or_default();
                        match matrix {
                            Some(_) => format!("{name}. Arrow keys move between cells, Enter opens the pair, plus and minus zoom, 0 shows the whole matrix, Shift with an arrow pans."),
                            None => name,
                        }
                    }
                    aria-describedby=format!("{id}-summary")
                    // The matrix's extent in canvas pixels, for tests and tools that point at a cell.
                    data-area=move || area.get().map(|((a, b), (c, d))| format!("{a},{b},{c},{d}"))
                    class:clickable=matrix.is_some()
                    class:zoomed=move || plot.with(|p| p.as_ref().and_then(Plot::heatmap_shape).is_some_and(|(n, w)| !w.is_full(n)))
                    on:mousemove=on_move
                    on:mouseleave=move |_| hover.set(None)
                    on:click=on_click
                    on:keydown=on_key
                    on:focus=on_focus
                    on:wheel=on_wheel
                    on:pointerdown=on_down
                    on:pointermove=on_pointer_move
                    on:pointerup=on_up
                    on:pointercancel=on_up
                ></canvas>
                {matrix.map(|_| view! { <canvas class="overlay" node_ref=over width=width height=height aria-hidden="true"></canvas> })}
            </div>
            <figcaption>
                // The figure in one sentence, from its data (plot/summary.rs).
                <p class="summary" id=format!("{id}-summary")>
                    {move || plot.with(|p| p.as_ref().map(|p| p.summary())).unwrap_or_default()}
                </p>
                <span class="hover" aria-live="polite">{move || hover.get().unwrap_or_default()}</span>
                <span class="controls">
                    <button aria-pressed=move || show_data.get().to_string() on:click=move |_| show_data.update(|s| *s = !*s)>"data"</button>
                    <button on:click=csv>"CSV"</button>
                    <button on:click=png>"PNG"</button>
                    <button on:click=svg>"SVG"</button>
                </span>
            </figcaption>
            {move || error.get().map(|e| view! { <p class="error">"Could not draw: " {e}</p> })}
            <Show when=move || show_data.get()>{table}</Show>
        </figure>
    }
}
