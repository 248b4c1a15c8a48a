//! Warming the D kernel while the first files download.
//!
//! A browser runs a wasm function first in baseline code and optimises it only once it is hot,
//! for its later calls. The first comparison of a visit is one long call of the D kernel: for
//! 647 groups it ran 450 ms in baseline code in Chrome, against 110 ms optimised (measured with
//! `--js-flags=--no-liftoff`). Running the kernel on a few made-up groups while the manifest is
//! on the way makes it hot before any real comparison needs it.

use filterscope_stats::{drift_matrix, BinRule, Histograms, DIM, N_BINS};

/// Made-up groups: each a different spread of counts over the bins, so that no entry is 0.
const GROUPS: usize = 48;
/// Calls of the kernel: each a few milliseconds in baseline code.
const ROUNDS: usize = 4;

/// Runs the D kernel on made-up groups; returns the sum of their D (so that nothing is optimised
/// away).
pub fn warm() -> f64 {
    let rule = BinRule::new(-1.0, 1.0);
    let groups: Vec<Histograms> = (0..GROUPS)
        .map(|g| {
            let counts = (0..DIM * N_BINS).map(|k| ((k * 7 + g * 13) % 31) as u64 + 1);
            Histograms::from_counts(counts.collect()).expect("9 x N_BINS counts")
        })
        .collect();
    let evr = [1.0 / DIM as f64; DIM];
    (0..ROUNDS)
        .map(|_| drift_matrix(&groups, &evr, &rule)[0].iter().sum::<f64>())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_made_up_groups_differ() {
        // Groups that were all alike would give D = 0 and run a kernel with no real work.
        let d = warm();
        assert!(d.is_finite() && d > 0.0, "{d}");
    }
}
