//! A resampling's sums: each member's histogram values under a weight, and the sum of a pick of
//! members (a member picked k times counts k times), built for a block of picks at once.

use filterscope_stats::Histograms;

use super::method::Weight;

/// One member's histogram values under a weight.
pub(crate) enum Values<'a> {
    /// Its counts, read where the group keeps them (weighed by filters): 108 MB for the 21,436
    /// members of 237 groups by conv_depth, not copied.
    Counts(&'a [u64]),
    /// Its counts over its number of filters, so that every member sums to 1 per component
    /// (weighed by models).
    Shares(Vec<f64>),
}

impl Values<'_> {
    pub(crate) fn of(h: &Histograms, weight: Weight) -> Values<'_> {
        match weight {
            Weight::Filters => Values::Counts(h.counts()),
            Weight::Models => Values::Shares(shares(h)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Counts(c) => c.len(),
            Values::Shares(v) => v.len(),
        }
    }

    /// Adds its values `k` times to `sum` (a count as the f64 it is: the same bits either way).
    fn add_to(&self, sum: &mut [f64], k: u32) {
        match (self, k) {
            (_, 0) => {}
            (Values::Counts(c), 1) => sum.iter_mut().zip(*c).for_each(|(a, &b)| *a += b as f64),
            (Values::Shares(v), 1) => sum.iter_mut().zip(v).for_each(|(a, b)| *a += b),
            (Values::Counts(c), k) => {
                let k = k as f64;
                sum.iter_mut()
                    .zip(*c)
                    .for_each(|(a, &b)| *a += k * b as f64);
            }
            (Values::Shares(v), k) => {
                let k = k as f64;
                sum.iter_mut().zip(v).for_each(|(a, b)| *a += k * b);
            }
        }
    }
}

/// A member's counts over its number of filters.
pub(crate) fn shares(h: &Histograms) -> Vec<f64> {
    let n = h.total() as f64;
    h.counts().iter().map(|&c| c as f64 / n).collect()
}

/// The sum of the picked members' values (a member picked k times counts k times).
pub(crate) fn summed(members: &[Values], picks: impl Iterator<Item = usize>) -> Vec<f64> {
    let picks: Vec<usize> = picks.collect();
    summed_block(members, std::iter::once(&picks[..]))
        .pop()
        .expect("one sum")
}

/// Replicates whose sums are built together (see [`summed_block`]): 8 x 630 sums are 40 KB,
/// within a core's L1 or L2 cache.
pub(crate) const BLOCK: usize = 8;

/// The sum of each pick list's members (a member picked k times counts k times). Summed member by
/// member, each once with its count per list: a bootstrap leaves about a third of the members
/// out, and every list reads a member's 630 values while they are in cache.
pub(crate) fn summed_block<'a>(
    members: &[Values],
    lists: impl Iterator<Item = &'a [usize]>,
) -> Vec<Vec<f64>> {
    let width = members.first().map_or(0, Values::len);
    let times: Vec<Vec<u32>> = lists
        .map(|picks| {
            let mut t = vec![0u32; members.len()];
            for &p in picks {
                t[p] += 1;
            }
            t
        })
        .collect();
    let mut sums = vec![vec![0.0; width]; times.len()];
    for (i, m) in members.iter().enumerate() {
        for (s, t) in sums.iter_mut().zip(&times) {
            m.add_to(s, t[i]);
        }
    }
    sums
}
