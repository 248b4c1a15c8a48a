//! The pair view's density of a group's filters on its first two components: each lite sample's
//! cell of a [`DENSITY_CELLS`] x [`DENSITY_CELLS`] grid over the coefficient range, counted per
//! group. The cells are computed once, by data-prep (the `lite-cells` table), so a pair of large
//! groups reads a few bytes per sample instead of its weights; this file is the only place that
//! says which cell a filter falls in.

use filterscope_stats::{Basis, BinRule, Precision};

use crate::{Part, SiteData, SiteError};

/// Cells per side of the density.
pub const DENSITY_CELLS: usize = 40;

/// The cell (row-major: c1's cell x [`DENSITY_CELLS`] + c0's) of a raw filter, scaled and
/// projected as every filter of the site is.
pub(crate) fn density_cell(
    basis: &Basis,
    precision: Precision,
    rule: &BinRule,
    w: &[f32; 9],
) -> u16 {
    let c = basis.project(&precision.scale(&w.map(|v| v as f64)));
    let (lo, hi) = (rule.lo, rule.hi);
    let n = DENSITY_CELLS;
    let cell = |v: f64| (((v - lo) / (hi - lo) * n as f64).max(0.0) as usize).min(n - 1);
    (cell(c[1]) * n + cell(c[0])) as u16
}

impl SiteData {
    /// The density of `layers`' lite samples: how many there are, and the counts per cell (rows
    /// by c1, columns by c0). Needs [`Part::LiteCells`].
    pub fn lite_density(&self, layers: &[usize]) -> Result<(usize, Vec<Vec<u32>>), SiteError> {
        self.require(&[Part::LiteCells])?;
        let n = DENSITY_CELLS;
        let mut counts = vec![vec![0u32; n]; n];
        let mut total = 0;
        for &l in layers {
            for &c in self.lite_cells.get(l).map_or(&[][..], |v| v.as_slice()) {
                counts[c as usize / n][c as usize % n] += 1;
                total += 1;
            }
        }
        Ok((total, counts))
    }

    /// How many lite samples layer `layer` has (once [`Part::LiteCells`] is in: each has a cell),
    /// so that a view knows which lite chunks it reads before fetching them.
    pub fn lite_count(&self, layer: usize) -> usize {
        self.lite_cells.get(layer).map_or(0, |v| v.len())
    }
}
