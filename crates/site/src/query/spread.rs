//! How sure a D is: each group's distribution weighted by filters or by models, bootstrap
//! intervals (every group's models drawn with replacement, D recomputed, the 2.5 and 97.5
//! percentiles kept) and each group's noise floor (the median D between two random halves of its
//! models). docs/method.md states the method; tests/reference replays it from the [`Trace`].

use filterscope_stats::{drift_matrix_of, seed_of, BinRule, LogDist, SplitMix64, DIM};
use serde::{Deserialize, Serialize};

use super::grouping::Group;
use super::member_sums::{summed, summed_block, Values, BLOCK};
use super::method::{Resampling, Weight, FLOOR_MIN_MODELS, FLOOR_SPLITS};
use super::tails::Tails;

/// Bootstrap intervals of every D of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// 2.5th percentile of each D over the replicates (numpy's linear percentile).
    pub low: Vec<Vec<f64>>,
    /// 97.5th percentile.
    pub high: Vec<Vec<f64>>,
    /// Replicates drawn.
    pub replicates: u32,
    /// The generator's seed.
    pub seed: u64,
}

/// What a resampled comparison drew, for tests/reference to replay: each group's members (model
/// indices and histograms), the picks of every replicate, each group's splits (a permutation of
/// its members: the first half is the first `n / 2`) and the D of every replicate and split.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    /// Per group, its members' model indices.
    pub models: Vec<Vec<u32>>,
    /// Per group, its members' histogram counts (9 x 70, component-major).
    pub counts: Vec<Vec<Vec<u64>>>,
    /// Per replicate, per group: the members drawn.
    pub replicates: Vec<Vec<Vec<usize>>>,
    /// Per replicate: the D matrix.
    pub d: Vec<Vec<Vec<f64>>>,
    /// Per group: its splits' permutations (none for a group too small for a floor).
    pub splits: Vec<Vec<Vec<usize>>>,
    /// Per group: D between the halves of each split.
    pub split_d: Vec<Vec<f64>>,
}

/// What watches a resampling: the trace it fills, if any, and whom it tells how far it is
/// (replicates and splits done, of all it will do).
pub struct Watch<'a> {
    trace: Option<&'a mut Trace>,
    progress: &'a mut dyn FnMut(u64, u64),
    done: u64,
    total: u64,
}

impl<'a> Watch<'a> {
    /// Reports to `progress`, fills `trace` when given.
    pub fn new(trace: Option<&'a mut Trace>, progress: &'a mut dyn FnMut(u64, u64)) -> Self {
        Watch {
            trace,
            progress,
            done: 0,
            total: 0,
        }
    }

    pub(crate) fn trace(&mut self) -> Option<&mut Trace> {
        self.trace.as_deref_mut()
    }

    fn advance(&mut self, n: u64) {
        self.done += n;
        (self.progress)(self.done, self.total);
    }
}

/// The groups' members as values under a weight: what every replicate sums.
pub(crate) struct Members<'a>(Vec<Vec<Values<'a>>>);

impl<'a> Members<'a> {
    pub(crate) fn of(groups: &[&'a Group], weight: Weight) -> Members<'a> {
        Members(
            groups
                .iter()
                .map(|g| {
                    g.members
                        .iter()
                        .map(|(_, h)| Values::of(h, weight))
                        .collect()
                })
                .collect(),
        )
    }

    /// Each group's distributions with every member once: the point estimate. Weighted by
    /// filters this is the group's own histogram (bit-identical: whole numbers add exactly).
    pub(crate) fn point(&self, rule: &BinRule) -> Vec<LogDist> {
        self.0
            .iter()
            .map(|m| LogDist::of_values(&summed(m, 0..m.len()), rule))
            .collect()
    }

    /// Bootstrap intervals over `r.replicates` replicates.
    pub(crate) fn bootstrap(
        &self,
        rule: &BinRule,
        evr: &[f64; DIM],
        r: Resampling,
        watch: &mut Watch,
    ) -> Interval {
        let n = self.0.len();
        let floored = self
            .0
            .iter()
            .filter(|m| m.len() >= FLOOR_MIN_MODELS)
            .count() as u64;
        watch.total = r.replicates as u64 + floored * FLOOR_SPLITS as u64;
        let mut rng = SplitMix64::new(r.seed);
        // Per pair (i < j, row by row), the replicates' D as far as the percentiles read them.
        let mut per_pair: Vec<Tails> = (0..n * n.saturating_sub(1) / 2)
            .map(|_| Tails::new(r.replicates as usize, LOW_Q, HIGH_Q))
            .collect();
        let mut done = 0;
        while done < r.replicates {
            let block = BLOCK.min((r.replicates - done) as usize);
            done += block as u32;
            // Drawn replicate by replicate, group by group: the order the seed promises.
            let picks: Vec<Vec<Vec<usize>>> = (0..block)
                .map(|_| {
                    self.0
                        .iter()
                        .map(|m| {
                            (0..m.len())
                                .map(|_| rng.below(m.len() as u64) as usize)
                                .collect()
                        })
                        .collect()
                })
                .collect();
            // Each group's sums for the whole block at once, member by member: a member's
            // values are read from memory once per block instead of once per replicate (the
            // members of the full DB by depth are 31 MB; the block's sums stay in cache).
            let mut logs: Vec<Vec<LogDist>> = vec![Vec::with_capacity(n); block];
            for (g, m) in self.0.iter().enumerate() {
                let sums = summed_block(m, picks.iter().map(|p| &p[g][..]));
                for (l, s) in logs.iter_mut().zip(sums) {
                    l.push(LogDist::of_values(&s, rule));
                }
            }
            watch.advance(block as u64);
            for (logs, picked) in logs.iter().zip(picks) {
                let mut k = 0;
                for i in 0..n {
                    for j in i + 1..n {
                        per_pair[k].push(logs[i].drift_to(&logs[j], evr));
                        k += 1;
                    }
                }
                if let Some(t) = watch.trace.as_deref_mut() {
                    t.replicates.push(picked);
                    t.d.push(drift_matrix_of(logs, evr));
                }
            }
        }
        let (mut low, mut high) = (vec![vec![0.0; n]; n], vec![vec![0.0; n]; n]);
        let mut k = 0;
        for i in 0..n {
            for j in i + 1..n {
                let v = &per_pair[k];
                (low[i][j], high[i][j]) = (v.percentile(LOW_Q), v.percentile(HIGH_Q));
                (low[j][i], high[j][i]) = (low[i][j], high[i][j]);
                k += 1;
            }
        }
        Interval {
            low,
            high,
            replicates: r.replicates,
            seed: r.seed,
        }
    }

    /// Each group's noise floor: the median D between two random halves of its members over
    /// [`FLOOR_SPLITS`] splits (halves of `n / 2` and the rest); none under
    /// [`FLOOR_MIN_MODELS`] members. Drawn from a stream of its own, so that asking for floors
    /// never changes an interval.
    pub(crate) fn floors(
        &self,
        rule: &BinRule,
        evr: &[f64; DIM],
        r: Resampling,
        watch: &mut Watch,
    ) -> Vec<Option<f64>> {
        let mut rng = SplitMix64::new(seed_of(r.seed, 1));
        self.0
            .iter()
            .map(|m| {
                let (mut perms, mut ds) = (vec![], vec![]);
                let floor = (m.len() >= FLOOR_MIN_MODELS).then(|| {
                    let half = m.len() / 2;
                    let shuffled = |rng: &mut SplitMix64| {
                        let mut p: Vec<usize> = (0..m.len()).collect();
                        for i in (1..p.len()).rev() {
                            p.swap(i, rng.below(i as u64 + 1) as usize);
                        }
                        p
                    };
                    // Splits in blocks of first halves summed in one pass over the members; the
                    // second half is the whole group less the first (exact for counts, within
                    // rounding for weighted models).
                    let whole = summed(m, 0..m.len());
                    for start in (0..FLOOR_SPLITS as usize).step_by(BLOCK) {
                        let block = BLOCK.min(FLOOR_SPLITS as usize - start);
                        let split: Vec<Vec<usize>> =
                            (0..block).map(|_| shuffled(&mut rng)).collect();
                        let firsts = summed_block(m, split.iter().map(|p| &p[..half]));
                        for a in firsts {
                            let b: Vec<f64> = whole.iter().zip(&a).map(|(w, a)| w - a).collect();
                            let a = LogDist::of_values(&a, rule);
                            ds.push(a.drift_to(&LogDist::of_values(&b, rule), evr));
                        }
                        perms.extend(split);
                        watch.advance(block as u64);
                    }
                    let mut sorted = ds.clone();
                    sorted.sort_by(f64::total_cmp);
                    median(&sorted)
                });
                if let Some(t) = watch.trace.as_deref_mut() {
                    t.splits.push(perms);
                    t.split_d.push(ds);
                }
                floor
            })
            .collect()
    }
}

/// The interval's percentiles.
const LOW_Q: f64 = 2.5;
const HIGH_Q: f64 = 97.5;

/// numpy's `median` of sorted `v` (not empty).
fn median(v: &[f64]) -> f64 {
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::member_counts::MemberCounts;
    use crate::query::member_sums::shares;
    use filterscope_stats::Histograms;

    #[test]
    fn medians_follow_numpy() {
        assert_eq!(median(&[1.0, 2.0, 3.0, 4.0]), 2.5);
        assert_eq!(median(&[1.0, 2.0, 9.0]), 2.0);
    }

    fn members(k: &[&[u64]]) -> Members<'static> {
        let rows = k
            .iter()
            .map(|counts| {
                let mut h = vec![0u64; 630];
                for c in 0..9 {
                    h[c * 70..c * 70 + counts.len()].copy_from_slice(counts);
                }
                let mut m = MemberCounts::default();
                m.merge(&Histograms::from_counts(h).unwrap());
                Values::Shares(shares(&m))
            })
            .collect();
        Members(vec![rows])
    }

    #[test]
    fn weighting_by_models_gives_each_model_the_same_mass() {
        // A model of 100 filters in bin 0 and one of 1 filter in bin 1: by models, half each.
        let m = members(&[&[100], &[0, 1]]);
        let s = summed(&m.0[0], 0..2);
        assert_eq!((s[0], s[1], s[70], s[71]), (1.0, 1.0, 1.0, 1.0));
    }

    #[test]
    fn a_group_of_one_model_has_no_floor_and_resamples_to_itself() {
        let rule = BinRule::new(-1.0, 1.0);
        let evr = [1.0 / 9.0; 9];
        let r = Resampling {
            replicates: 20,
            seed: 3,
        };
        let one = members(&[&[4, 5]]);
        let mut quiet = |_: u64, _: u64| {};
        assert_eq!(
            one.floors(&rule, &evr, r, &mut Watch::new(None, &mut quiet)),
            vec![None]
        );
        let four = members(&[&[4, 5], &[9], &[0, 0, 3], &[1, 1, 1]]);
        let f = four.floors(&rule, &evr, r, &mut Watch::new(None, &mut quiet))[0].unwrap();
        assert!(f > 0.0);
        // The same seed gives the same splits and bits; another seed other splits.
        let (mut t1, mut t2, mut t3) = (Trace::default(), Trace::default(), Trace::default());
        let floors = |r: Resampling, t: &mut Trace| {
            four.floors(&rule, &evr, r, &mut Watch::new(Some(t), &mut |_, _| {}))[0]
        };
        assert_eq!(floors(r, &mut t1), Some(f));
        assert_eq!(floors(r, &mut t2), Some(f));
        let other = Resampling { seed: 4, ..r };
        floors(other, &mut t3);
        assert_eq!(t1.splits, t2.splits);
        assert_ne!(t1.splits, t3.splits);
        // The floor is the median of the splits' D.
        let mut d = t1.split_d[0].clone();
        d.sort_by(f64::total_cmp);
        let h = FLOOR_SPLITS as usize / 2;
        assert_eq!(f, (d[h - 1] + d[h]) / 2.0);
    }
}
