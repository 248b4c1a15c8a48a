//! Seeded uniform sampling, identical on every platform, so the same input always gives the same
//! site data.

/// 2^64 divided by the golden ratio, odd: SplitMix64's step, and the multiplier that spreads
/// small indices (layer 0, 1, 2, ...) over the whole 64-bit seed space.
pub const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The seed of item `index` of a stream seeded `seed` (a layer's sample, say): neighbouring
/// indices get unrelated seeds.
pub fn seed_of(seed: u64, index: u64) -> u64 {
    seed ^ index.wrapping_mul(GOLDEN_GAMMA)
}

/// SplitMix64: a tiny, well-mixed, seedable generator (no dependency, same on wasm32).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0), by rejection so that no value is favoured.
    pub fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let v = self.next_u64();
            if v < zone {
                return v % n;
            }
        }
    }
}

/// `k` distinct indices drawn uniformly from 0..n (all of them when k >= n), sorted ascending.
/// Floyd's algorithm: k draws, whatever n is.
pub fn sample_indices(n: u64, k: u64, seed: u64) -> Vec<u64> {
    if k >= n {
        return (0..n).collect();
    }
    let mut rng = SplitMix64::new(seed);
    let mut chosen = std::collections::BTreeSet::new();
    for j in n - k..n {
        let t = rng.below(j + 1);
        if !chosen.insert(t) {
            chosen.insert(j);
        }
    }
    chosen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_distinct_sorted_and_seeded() {
        let a = sample_indices(1000, 50, 7);
        assert_eq!(a.len(), 50);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert!(a.iter().all(|&i| i < 1000));
        assert_eq!(a, sample_indices(1000, 50, 7));
        assert_ne!(a, sample_indices(1000, 50, 8));
        assert_eq!(sample_indices(3, 10, 1), vec![0, 1, 2]);
    }

    #[test]
    fn every_index_is_reachable() {
        let mut seen = [0u32; 10];
        for seed in 0..2000 {
            for i in sample_indices(10, 3, seed) {
                seen[i as usize] += 1;
            }
        }
        // 2000 * 3 / 10 = 600 expected each.
        assert!(seen.iter().all(|&c| (500..700).contains(&c)), "{seen:?}");
    }
}
