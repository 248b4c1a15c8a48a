//! A figure: a plot on a canvas with its controls: the numbers as an accessible table, CSV, PNG and
//! SVG downloads, and for heatmaps given [`MatrixHooks`], the value under the pointer, a click
//! that opens a pair, zoom and pan (wheel, drag, pinch), and a keyboard focus cell drawn on an
//! overlay canvas.

mod backend;
mod canvas;
mod download;
mod overlay;
mod pointer;
mod room;
mod table;

use leptos::html;
use leptos::prelude::*;

use crate::page::matrix::MatrixHooks;
use crate::page::plot::{PixelArea, Plot, Theme};
use canvas::{paint, prepare_cells, Cells};
use download::Downloads;
use pointer::{category_under, Pointer};
use room::fitted;
pub use room::Room;
use table::DataTable;

/// Runs its closure when dropped: at every exit of a draw.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

/// One plot with its controls. `matrix` makes a heatmap interactive.
// One function: the canvas's attributes and handlers are set where its node and signals are
// made; drawing (canvas.rs), pointer input (pointer.rs), downloads and the table have their files.
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
    // The canvas size follows the room `main` leaves (measured once for every figure, again on
    // resize), and the drawing follows the size only when it changes.
    let room = expect_context::<Room>();
    let size = Memo::new(move |_| fitted(room.0.get(), (width, height), keep_aspect));
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
    // The figure in one sentence (plot/summary.rs), written when it is drawn: computed in the
    // task that brought its data, a large matrix's summary lengthened that task.
    let summary = RwSignal::new(String::new());
    schedule_draws(plot, id, canvas, size, theme, area, (error, summary));
    let pointer = matrix.map(|hooks| Pointer {
        plot,
        canvas,
        area,
        hover,
        hooks,
        gesture: StoredValue::new(Default::default()),
    });
    if let Some(p) = pointer {
        p.follow(over, size);
    }
    // The figure's inside is built in a task of its own: a view of many figures built in one
    // task held the main thread for longer than a visitor's input may wait (50 ms).
    let built = RwSignal::new(false);
    set_timeout(move || built.set(true), std::time::Duration::ZERO);
    view! {
        <figure class="plot" id=id>
          {move || built.get().then(|| view! {
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
                    on:mousemove=move |e| match pointer {
                        Some(p) => p.on_move(e),
                        None => hover.set(category_under(plot, canvas, area.get_untracked(), &e)),
                    }
                    on:mouseleave=move |_| hover.set(None)
                    on:click=move |e| if let Some(p) = pointer { p.on_click(e) }
                    on:keydown=move |e| if let Some(p) = pointer { p.on_key(e) }
                    on:focus=move |_| if let Some(p) = pointer { p.on_focus() }
                    on:wheel=move |e| if let Some(p) = pointer { p.on_wheel(e) }
                    on:pointerdown=move |e| if let Some(p) = pointer { p.on_down(e) }
                    on:pointermove=move |e| if let Some(p) = pointer { p.on_pointer_move(e) }
                    on:pointerup=move |e| if let Some(p) = pointer { p.on_up(e) }
                    on:pointercancel=move |e| if let Some(p) = pointer { p.on_up(e) }
                ></canvas>
                {matrix.map(|_| view! { <canvas class="overlay" node_ref=over width=width height=height aria-hidden="true"></canvas> })}
            </div>
            <figcaption>
                // The figure in one sentence, from its data (plot/summary.rs).
                <p class="summary" id=format!("{id}-summary")>
                    {move || summary.get()}
                </p>
                <span class="hover" aria-live="polite">{move || hover.get().unwrap_or_default()}</span>
                <span class="controls">
                    <button aria-pressed=move || show_data.get().to_string() on:click=move |_| show_data.update(|s| *s = !*s)>"data"</button>
                    <Downloads plot=plot canvas=canvas id=id size=(width, height)/>
                </span>
            </figcaption>
            {move || error.get().map(|e| view! { <p class="error">"Could not draw: " {e}</p> })}
            <Show when=move || show_data.get()><DataTable plot=plot id=id/></Show>
          })}
        </figure>
    }
}

/// What one scheduled draw of a figure needs.
#[derive(Clone, Copy)]
struct Draw {
    id: &'static str,
    generation: StoredValue<u64>,
    this: u64,
    cells: StoredValue<Cells, LocalStorage>,
    area: RwSignal<Option<PixelArea>>,
    error: RwSignal<Option<String>>,
    summary: RwSignal<String>,
    drawing: crate::page::settled::Waiting,
    first_plot: Option<crate::page::timing::FirstPlot>,
}

impl Draw {
    /// Whether this is still the newest draw asked for, and the figure still there (its view
    /// left or was replaced before the timer fired: its values are disposed).
    fn current(&self) -> bool {
        self.generation.try_get_value() == Some(self.this)
    }

    /// A heatmap's cells first, in a task of their own when they had to be made; then the plot.
    fn run(self, c: web_sys::HtmlCanvasElement, p: Plot, theme: Theme) {
        if !self.current() {
            return;
        }
        match self
            .cells
            .try_update_value(|cells| prepare_cells(&p, cells))
        {
            Some(Ok(true)) => set_timeout(
                move || self.finish(&c, &p, theme),
                std::time::Duration::ZERO,
            ),
            Some(Ok(false)) => self.finish(&c, &p, theme),
            Some(Err(e)) => {
                self.drawing.done();
                self.error.set(Some(e.to_string()));
            }
            None => self.drawing.done(),
        }
    }

    fn finish(&self, c: &web_sys::HtmlCanvasElement, p: &Plot, theme: Theme) {
        if !self.current() {
            return;
        }
        // Only the newest draw gets here; the figure is drawn once it has run.
        let drawing = self.drawing;
        let _done = OnDrop(move || drawing.done());
        let drawn = crate::page::timing::measure(&format!("filterscope:draw:{}", self.id), || {
            self.cells
                .try_update_value(|cells| paint(c, p, theme, cells))
                .unwrap_or(Ok(None))
        });
        match drawn {
            Ok(a) => {
                if crate::page::timing::mark_once("filterscope:first-plot") {
                    // Keeping the app for offline use waits until the visitor has a plot, so
                    // that it never competes with the first payload.
                    crate::page::offline::register_service_worker();
                }
                if let Some(f) = self.first_plot {
                    f.drawn();
                }
                self.area.set(a);
                self.error.set(None);
                self.summary.set(p.summary());
            }
            Err(e) => self.error.set(Some(e.to_string())),
        }
    }
}

/// Redraws the figure whenever its plot, size or theme changes. Each figure draws in a task of
/// its own (a zero timeout after what changed), so that a view of several figures never holds
/// the main thread in one long task; a newer change drops an older pending draw.
fn schedule_draws(
    plot: Signal<Option<Plot>>,
    id: &'static str,
    canvas: NodeRef<html::Canvas>,
    size: Memo<(u32, u32)>,
    theme: RwSignal<Theme>,
    area: RwSignal<Option<PixelArea>>,
    (error, summary): (RwSignal<Option<String>>, RwSignal<String>),
) {
    let generation = StoredValue::new(0u64);
    let drawing = crate::page::settled::Waiting::new();
    let first_plot = use_context::<crate::page::timing::FirstPlot>();
    // A heatmap's cells as an offscreen bitmap, with what it was made from.
    let cells = StoredValue::new_local(None as Cells);
    Effect::new(move |_| {
        let Some(p) = plot.get() else {
            summary.set(String::new());
            return;
        };
        let Some(c) = canvas.get() else {
            return;
        };
        // A new size redraws (the canvas was resized, and so cleared, by the effect above).
        size.track();
        let theme = theme.get();
        let this = generation.get_value() + 1;
        generation.set_value(this);
        drawing.start();
        let draw = Draw {
            id,
            generation,
            this,
            cells,
            area,
            error,
            summary,
            drawing,
            first_plot,
        };
        set_timeout(move || draw.run(c, p, theme), std::time::Duration::ZERO);
    });
}
