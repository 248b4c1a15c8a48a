//! A resampling's sums: each member's histogram values under a weight, and the sum of a pick of
//! members (a member picked k times counts k times), built for a block of picks at once.

use super::member_counts::MemberCounts;
use super::method::Weight;

/// One member's histogram values under a weight.
pub(crate) enum Values<'a> {
    /// Its counts, read where the group keeps them (weighed by filters), not copied.
    Narrow(&'a [u32]),
    Wide(&'a [u64]),
    /// Its counts over its number of filters, so that every member sums to 1 per component
    /// (weighed by models).
    Shares(Vec<f64>),
}

/// A count as the f64 it is, whatever its width.
trait Count: Copy {
    fn f64(self) -> f64;
}
impl Count for u32 {
    fn f64(self) -> f64 {
        self as f64
    }
}
impl Count for u64 {
    fn f64(self) -> f64 {
        self as f64
    }
}
impl Count for f64 {
    fn f64(self) -> f64 {
        self
    }
}

/// Adds `values` `k` times to `sum`: once as they are, more than once each times k.
fn add<T: Count>(sum: &mut [f64], values: &[T], k: u32) {
    match k {
        0 => {}
        1 => sum.iter_mut().zip(values).for_each(|(a, &b)| *a += b.f64()),
        k => {
            let k = k as f64;
            sum.iter_mut()
                .zip(values)
                .for_each(|(a, &b)| *a += k * b.f64());
        }
    }
}

impl Values<'_> {
    pub(crate) fn of(h: &MemberCounts, weight: Weight) -> Values<'_> {
        match (weight, h) {
            (Weight::Filters, MemberCounts::Narrow(c)) => Values::Narrow(c),
            (Weight::Filters, MemberCounts::Wide(c)) => Values::Wide(c),
            (Weight::Models, h) => Values::Shares(shares(h)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Narrow(c) => c.len(),
            Values::Wide(c) => c.len(),
            Values::Shares(v) => v.len(),
        }
    }

    /// Adds its values `k` times to `sum` (a count as the f64 it is: the same bits at any width).
    fn add_to(&self, sum: &mut [f64], k: u32) {
        match self {
            Values::Narrow(c) => add(sum, c, k),
            Values::Wide(c) => add(sum, c, k),
            Values::Shares(v) => add(sum, v, k),
        }
    }
}

/// A member's counts over its number of filters.
pub(crate) fn shares(h: &MemberCounts) -> Vec<f64> {
    let n = h.total() as f64;
    h.to_u64().iter().map(|&c| c as f64 / n).collect()
}

/// The sum of each member's shares, in their order: what a comparison weighed by models sums for
/// a group of these members (`Members::point`), for data-prep to store per value.
pub(crate) fn shares_summed(members: &[MemberCounts]) -> Vec<f64> {
    let values: Vec<Values> = members
        .iter()
        .map(|m| Values::of(m, Weight::Models))
        .collect();
    summed(&values, 0..values.len())
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
