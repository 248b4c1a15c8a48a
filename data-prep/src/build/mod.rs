//! A build: the three streaming passes that turn a source's filters into site content.
//! 1. per layer: moments of scaled and raw filters, max |w|, sparsity, quality -> global basis;
//! 2. per layer: coefficients -> global coefficient range;
//! 3. per layer: histograms over that range, and seeded samples.
//!
//! [`build_timed`] (in `passes.rs`, beside what each pass computes) is the entry point; `engine.rs`
//! is what the passes run on: a source read in batches of whole layers, a reader thread ahead of
//! the workers, results merged in layer order.

mod engine;
mod passes;

pub(crate) use engine::{batches, progress_bar};
pub use engine::{FilterSource, Options, PassTiming, Plan};
pub use passes::build_timed;
