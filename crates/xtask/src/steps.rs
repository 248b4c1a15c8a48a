//! Named, timed steps: each prints its duration when it ends and `report` lists them all, so the
//! next slowdown of `cargo xtask test` shows which step it is in.

use std::time::Instant;

use anyhow::Result;

/// The steps run so far, with their seconds.
#[derive(Default)]
pub struct Steps {
    done: Vec<(String, f64)>,
    started: Option<Instant>,
}

impl Steps {
    /// Runs `f` as the step `name`, timing it (also when it fails).
    pub fn run<T>(&mut self, name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let t0 = Instant::now();
        self.started.get_or_insert(t0);
        eprintln!("xtask: == {name}");
        let out = f();
        let secs = t0.elapsed().as_secs_f64();
        let state = if out.is_ok() { "done" } else { "FAILED" };
        eprintln!("xtask: == {name}: {state} in {secs:.1} s");
        self.done.push((name.to_string(), secs));
        out
    }

    /// Prints every step's duration and the total.
    pub fn report(&self) {
        eprintln!("xtask: step durations");
        for (name, secs) in &self.done {
            eprintln!("xtask:   {secs:>7.1} s  {name}");
        }
        if let Some(t0) = self.started {
            eprintln!("xtask:   {:>7.1} s  in all", t0.elapsed().as_secs_f64());
        }
    }
}
