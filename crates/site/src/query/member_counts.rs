//! One model's counts within a group (a resampling's member), held in half the memory while they
//! fit: the 21,436 members of 237 groups by conv_depth are 54 MB as u32 counts, against 108 MB as
//! the u64 counts a histogram holds, and the tab's budget is 300 MB.

use filterscope_stats::{Histograms, DIM, N_BINS};

/// A member's counts, 9 x [`N_BINS`], component-major.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberCounts {
    /// Every count under 2^32 (a model's filters of one group in one bin).
    Narrow(Vec<u32>),
    /// Once a count does not fit: as a histogram holds them.
    Wide(Vec<u64>),
}

impl Default for MemberCounts {
    fn default() -> Self {
        MemberCounts::Narrow(vec![0; DIM * N_BINS])
    }
}

impl MemberCounts {
    /// Adds a histogram's counts (widening first if a sum would not fit in 32 bits).
    pub fn merge(&mut self, h: &Histograms) {
        if let MemberCounts::Narrow(c) = self {
            let fits = c
                .iter()
                .zip(h.counts())
                .all(|(&a, &b)| a as u64 + b <= u32::MAX as u64);
            if fits {
                c.iter_mut()
                    .zip(h.counts())
                    .for_each(|(a, &b)| *a += b as u32);
                return;
            }
            *self = MemberCounts::Wide(c.iter().map(|&x| x as u64).collect());
        }
        if let MemberCounts::Wide(c) = self {
            c.iter_mut().zip(h.counts()).for_each(|(a, &b)| *a += b);
        }
    }

    /// The counts as u64.
    pub fn to_u64(&self) -> Vec<u64> {
        match self {
            MemberCounts::Narrow(c) => c.iter().map(|&x| x as u64).collect(),
            MemberCounts::Wide(c) => c.clone(),
        }
    }

    /// Filters counted (the total of component 0).
    pub fn total(&self) -> u64 {
        match self {
            MemberCounts::Narrow(c) => c[..N_BINS].iter().map(|&x| x as u64).sum(),
            MemberCounts::Wide(c) => c[..N_BINS].iter().sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(bin0: u64) -> Histograms {
        let mut c = vec![1u64; DIM * N_BINS];
        c[0] = bin0;
        Histograms::from_counts(c).unwrap()
    }

    #[test]
    fn counts_stay_narrow_while_they_fit_and_widen_exactly_when_not() {
        let mut m = MemberCounts::default();
        m.merge(&hist(u32::MAX as u64 - 1));
        assert!(matches!(m, MemberCounts::Narrow(_)));
        assert_eq!(m.total(), u32::MAX as u64 - 1 + (N_BINS as u64 - 1));
        // One more in bin 0 fits exactly; two more do not.
        m.merge(&hist(1));
        assert!(matches!(m, MemberCounts::Narrow(_)));
        m.merge(&hist(1));
        assert!(matches!(m, MemberCounts::Wide(_)));
        let c = m.to_u64();
        assert_eq!(c[0], u32::MAX as u64 + 1);
        assert!(c[1..].iter().all(|&x| x == 3));
        assert_eq!(m.total(), u32::MAX as u64 + 1 + 3 * (N_BINS as u64 - 1));
    }
}
