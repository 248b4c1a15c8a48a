//! Average-linkage (UPGMA) hierarchical clustering of groups on their drift matrix, and the leaf
//! order it gives: similar groups side by side, so that a large heatmap shows blocks instead of
//! noise.
//!
//! The result is the one SciPy gives for `linkage(squareform(D), method="average")` followed by
//! `leaves_list`: the same nearest-neighbour-chain algorithm (average linkage is reducible, so
//! the chain finds the same merges as the naive O(n^3) search in O(n^2)), the same tie rule
//! (a strictly smaller distance replaces the chain's previous element), the merges stably
//! sorted by height and relabelled the same way (the smaller cluster id first, a merge of step
//! `k` named `n + k`), and the leaves listed left to right. The reference tests check it against
//! SciPy on the sample's and a synthetic site's comparisons.

/// One merge of two clusters: a row of SciPy's linkage matrix `Z`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Merge {
    /// The smaller of the two cluster ids: `< n` a group, `n + k` the cluster of merge `k`.
    pub a: usize,
    /// The larger cluster id.
    pub b: usize,
    /// The average drift between the two clusters' groups.
    pub height: f64,
    /// Groups in the merged cluster.
    pub size: usize,
}

/// The average-linkage merges of `n` groups whose pairwise drift is `d` (`n x n`, symmetric; the
/// diagonal is not read): `n - 1` merges, lowest first. Fewer than two groups have no merge.
///
/// ```
/// use filterscope_stats::{average_linkage, leaf_order};
/// // Groups 0 and 2 are close, 1 is far from both.
/// let d = vec![
///     vec![0.0, 5.0, 1.0],
///     vec![5.0, 0.0, 6.0],
///     vec![1.0, 6.0, 0.0],
/// ];
/// let z = average_linkage(&d);
/// assert_eq!((z[0].a, z[0].b, z[0].height, z[0].size), (0, 2, 1.0, 2));
/// assert_eq!((z[1].a, z[1].b, z[1].height, z[1].size), (1, 3, 5.5, 3));
/// assert_eq!(leaf_order(&z, 3), vec![1, 0, 2]);
/// ```
pub fn average_linkage(d: &[Vec<f64>]) -> Vec<Merge> {
    let n = d.len();
    if n < 2 {
        return vec![];
    }
    // A working copy: row/column `y` of a merge holds the merged cluster's distances.
    let mut dist: Vec<f64> = d.iter().flat_map(|r| r.iter().copied()).collect();
    let mut size = vec![1usize; n];
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut raw: Vec<(usize, usize, f64, usize)> = Vec::with_capacity(n - 1);
    for _ in 0..n - 1 {
        if chain.is_empty() {
            let first = (0..n).find(|&i| size[i] > 0).expect("an active cluster");
            chain.push(first);
        }
        let (x, y, height) = loop {
            let x = *chain.last().expect("a non-empty chain");
            let (mut y, mut best) = match chain.len() {
                1 => (usize::MAX, f64::INFINITY),
                k => (chain[k - 2], dist[x * n + chain[k - 2]]),
            };
            for i in 0..n {
                if size[i] == 0 || i == x {
                    continue;
                }
                if dist[x * n + i] < best {
                    best = dist[x * n + i];
                    y = i;
                }
            }
            if chain.len() > 1 && y == chain[chain.len() - 2] {
                break (x, y, best);
            }
            // Only a NaN distance leaves y unset; it merges with the first active group.
            if y == usize::MAX {
                y = (0..n)
                    .find(|&i| size[i] > 0 && i != x)
                    .expect("two clusters");
            }
            chain.push(y);
        };
        chain.truncate(chain.len() - 2);
        let (x, y) = (x.min(y), x.max(y));
        let (nx, ny) = (size[x], size[y]);
        raw.push((x, y, height, nx + ny));
        size[x] = 0;
        size[y] = nx + ny;
        for i in 0..n {
            if size[i] == 0 || i == y {
                continue;
            }
            let v = (nx as f64 * dist[i * n + x] + ny as f64 * dist[i * n + y]) / (nx + ny) as f64;
            dist[i * n + y] = v;
            dist[y * n + i] = v;
        }
    }
    // Stable, as SciPy's mergesort: equal heights keep the order they were found in.
    raw.sort_by(|p, q| p.2.total_cmp(&q.2));
    relabel(n, &raw)
}

/// Names each merge's clusters by the ids of the merges that made them (`n + k`), the smaller id
/// first, as SciPy's `label` does after sorting.
fn relabel(n: usize, raw: &[(usize, usize, f64, usize)]) -> Vec<Merge> {
    // parent[c] for every cluster id; a root points to itself.
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    let mut sizes = vec![1usize; 2 * n - 1];
    fn find(parent: &mut [usize], mut c: usize) -> usize {
        let mut root = c;
        while parent[root] != root {
            root = parent[root];
        }
        while parent[c] != root {
            let next = parent[c];
            parent[c] = root;
            c = next;
        }
        root
    }
    raw.iter()
        .enumerate()
        .map(|(k, &(x, y, height, _))| {
            let (rx, ry) = (find(&mut parent, x), find(&mut parent, y));
            let id = n + k;
            parent[rx] = id;
            parent[ry] = id;
            sizes[id] = sizes[rx] + sizes[ry];
            Merge {
                a: rx.min(ry),
                b: rx.max(ry),
                height,
                size: sizes[id],
            }
        })
        .collect()
}

/// The groups in dendrogram order (SciPy's `leaves_list`): the tree walked from its root, the
/// first-named child of every merge before the second. With no merges, the `n` (0 or 1) groups
/// as they are.
pub fn leaf_order(merges: &[Merge], n: usize) -> Vec<usize> {
    if merges.is_empty() {
        return (0..n).collect();
    }
    let mut out = Vec::with_capacity(n);
    let mut stack = vec![n + merges.len() - 1];
    while let Some(c) = stack.pop() {
        if c < n {
            out.push(c);
        } else {
            let m = merges[c - n];
            stack.push(m.b);
            stack.push(m.a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The naive O(n^3) average linkage: merge the closest pair, average the rest.
    fn naive(d: &[Vec<f64>]) -> Vec<(Vec<usize>, f64)> {
        let mut clusters: Vec<Vec<usize>> = (0..d.len()).map(|i| vec![i]).collect();
        let mut out = vec![];
        while clusters.len() > 1 {
            let avg = |a: &[usize], b: &[usize]| {
                let s: f64 = a
                    .iter()
                    .flat_map(|&i| b.iter().map(move |&j| d[i][j]))
                    .sum();
                s / (a.len() * b.len()) as f64
            };
            let (mut bi, mut bj, mut best) = (0, 1, f64::INFINITY);
            for i in 0..clusters.len() {
                for j in i + 1..clusters.len() {
                    let v = avg(&clusters[i], &clusters[j]);
                    if v < best {
                        (bi, bj, best) = (i, j, v);
                    }
                }
            }
            let b = clusters.remove(bj);
            clusters[bi].extend(b);
            let mut members = clusters[bi].clone();
            members.sort();
            out.push((members, best));
        }
        out
    }

    fn random_matrix(n: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = crate::SplitMix64::new(seed);
        let mut d = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in i + 1..n {
                let v = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                d[i][j] = v;
                d[j][i] = v;
            }
        }
        d
    }

    /// The members of every merge's cluster, from the relabelled merges.
    fn members(z: &[Merge], n: usize) -> Vec<(Vec<usize>, f64)> {
        let mut of: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
        z.iter()
            .map(|m| {
                let mut c = [of[m.a].clone(), of[m.b].clone()].concat();
                c.sort();
                of.push(c.clone());
                assert_eq!(c.len(), m.size);
                (c, m.height)
            })
            .collect()
    }

    #[test]
    fn chain_finds_the_naive_merges() {
        for seed in 0..20 {
            let d = random_matrix(2 + seed as usize * 3, seed);
            let z = average_linkage(&d);
            let got = members(&z, d.len());
            let mut want = naive(&d);
            want.sort_by(|p, q| p.1.total_cmp(&q.1));
            assert_eq!(got.len(), want.len());
            for ((gc, gh), (wc, wh)) in got.iter().zip(&want) {
                assert_eq!(gc, wc, "seed {seed}");
                assert!((gh - wh).abs() < 1e-12, "seed {seed}: {gh} vs {wh}");
            }
        }
    }

    #[test]
    fn leaves_are_a_permutation_keeping_clusters_contiguous() {
        let d = random_matrix(40, 7);
        let z = average_linkage(&d);
        let order = leaf_order(&z, 40);
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, (0..40).collect::<Vec<_>>());
        let pos: Vec<usize> = {
            let mut p = vec![0; 40];
            for (k, &g) in order.iter().enumerate() {
                p[g] = k;
            }
            p
        };
        for (c, _) in members(&z, 40) {
            let (lo, hi) = (
                c.iter().map(|&g| pos[g]).min().unwrap(),
                c.iter().map(|&g| pos[g]).max().unwrap(),
            );
            assert_eq!(hi - lo + 1, c.len(), "a cluster is one run of leaves");
        }
    }

    #[test]
    fn small_inputs() {
        assert!(average_linkage(&[]).is_empty());
        assert!(average_linkage(&[vec![0.0]]).is_empty());
        assert_eq!(leaf_order(&[], 1), vec![0]);
        assert_eq!(leaf_order(&[], 0), Vec::<usize>::new());
        let z = average_linkage(&[vec![0.0, 2.0], vec![2.0, 0.0]]);
        assert_eq!(
            z,
            vec![Merge {
                a: 0,
                b: 1,
                height: 2.0,
                size: 2
            }]
        );
    }
}
