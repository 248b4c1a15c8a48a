//! A grouping's bootstrap intervals and noise floors as data-prep computed them for one
//! resampling (`values-K-spread`): what a comparison by a layer-level column with intervals reads
//! instead of every (value, model)'s counts (10.7 MB of them for conv_depth at the full DB's
//! shape). The numbers are [`crate::Comparison`]'s `ci` and `floor` to the bit: the writer runs the
//! very comparison a reader would run on the cells (`format/spread_files.rs`).

use arrow_array::types::{Float64Type, UInt64Type};
use arrow_array::{Array, Float64Array, RecordBatch};
use std::sync::Arc;

use super::columns::{batch, dict, Cols};
use super::sketch_cols::{byte_planes_of, joined_planes_of};
use super::u64s;
use crate::SiteError;

/// One grouping's intervals and floors, its groups in the comparison's order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredSpread {
    /// The group labels (the column's values, in byte order).
    pub(crate) groups: Vec<String>,
    /// Each group's models: a reader checks them against the groups it compares.
    pub(crate) n_models: Vec<u64>,
    /// The 2.5th percentile of each D (symmetric, zero on the diagonal).
    pub(crate) low: Vec<Vec<f64>>,
    /// The 97.5th percentile.
    pub(crate) high: Vec<Vec<f64>>,
    /// Each group's noise floor (none under four models).
    pub(crate) floor: Vec<Option<f64>>,
}

const LOW_PLANES: [&str; 8] = [
    "low_0", "low_1", "low_2", "low_3", "low_4", "low_5", "low_6", "low_7",
];
const HIGH_PLANES: [&str; 8] = [
    "high_0", "high_1", "high_2", "high_3", "high_4", "high_5", "high_6", "high_7",
];

/// Row `i` holds the matrix's row `i` right of the diagonal, the rest zero: the lower half
/// repeats the upper one, and zeros cost LZ4 next to nothing. Float bits in byte planes, as
/// the sums of shares are (the exponents' planes compress, the mantissas' low ones do not).
fn upper_bits(m: &[Vec<f64>]) -> Vec<u64> {
    let n = m.len();
    (0..n)
        .flat_map(|i| (0..n).map(move |j| if j > i { m[i][j].to_bits() } else { 0 }))
        .collect()
}

/// The table: `value` (string), `n_models` (uint64), `floor` (float64, null where none), then
/// the intervals' bits as byte planes `low_0..7` and `high_0..7` (each a fixed-size list of one
/// byte per group).
pub(crate) fn encode_spread(s: &StoredSpread) -> RecordBatch {
    let n = s.groups.len();
    let mut cols = vec![
        ("value", dict(s.groups.iter().cloned())),
        ("n_models", u64s(s.n_models.iter().copied())),
        (
            "floor",
            Arc::new(Float64Array::from_iter(s.floor.iter().copied())) as _,
        ),
    ];
    cols.extend(byte_planes_of(&upper_bits(&s.low), &LOW_PLANES, n));
    cols.extend(byte_planes_of(&upper_bits(&s.high), &HIGH_PLANES, n));
    batch(cols)
}

/// Decodes the table: at least two groups in byte order, each with models; every bound right
/// of the diagonal finite, not negative and the low one not above the high one, nothing stored
/// left of it; every floor finite and not negative.
pub(crate) fn decode_spread(file: &str, b: &RecordBatch) -> Result<StoredSpread, SiteError> {
    let c = Cols { file, batch: b };
    let groups = c.strings("value")?;
    let n = groups.len();
    if n < 2 {
        return Err(c.err(format!("{n} groups: intervals are stored for two or more")));
    }
    if let Some(w) = groups.windows(2).find(|w| w[0] >= w[1]) {
        return Err(c.err(format!("{:?} after {:?}: not in byte order", w[1], w[0])));
    }
    let nm = c.prim::<UInt64Type>("n_models")?;
    if let Some(i) = (0..n).find(|&i| nm.value(i) == 0) {
        return Err(c.err(format!("row {i} ({:?}): no models", groups[i])));
    }
    let fl = c.prim::<Float64Type>("floor")?;
    let floor: Vec<Option<f64>> = (0..n)
        .map(|i| fl.is_valid(i).then(|| fl.value(i)))
        .collect();
    if let Some((i, f)) = floor
        .iter()
        .enumerate()
        .find_map(|(i, f)| f.filter(|f| !(f.is_finite() && *f >= 0.0)).map(|f| (i, f)))
    {
        return Err(c.err(format!("row {i}: floor {f} is not a D")));
    }
    let low = joined_planes_of(&c, &LOW_PLANES, n)?;
    let high = joined_planes_of(&c, &HIGH_PLANES, n)?;
    let (mut lo, mut hi) = (vec![vec![0.0; n]; n], vec![vec![0.0; n]; n]);
    for i in 0..n {
        for j in 0..n {
            let (l, h) = (low[i * n + j], high[i * n + j]);
            if j <= i {
                if l != 0 || h != 0 {
                    return Err(c.err(format!(
                        "row {i}: a bound stored at {j}, left of the diagonal"
                    )));
                }
                continue;
            }
            let (l, h) = (f64::from_bits(l), f64::from_bits(h));
            if !(l.is_finite() && h.is_finite() && 0.0 <= l && l <= h) {
                return Err(c.err(format!(
                    "row {i}, group {j}: interval [{l}, {h}] is not one of D"
                )));
            }
            (lo[i][j], hi[i][j], lo[j][i], hi[j][i]) = (l, h, l, h);
        }
    }
    Ok(StoredSpread {
        groups,
        n_models: nm.values().to_vec(),
        low: lo,
        high: hi,
        floor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread() -> StoredSpread {
        StoredSpread {
            groups: vec!["0".into(), "1".into(), "2".into()],
            n_models: vec![5, 3, 1],
            low: vec![
                vec![0.0, 0.125, 0.3],
                vec![0.125, 0.0, 1e-9],
                vec![0.3, 1e-9, 0.0],
            ],
            high: vec![
                vec![0.0, 0.5, 0.31],
                vec![0.5, 0.0, 2.0],
                vec![0.31, 2.0, 0.0],
            ],
            floor: vec![Some(0.01), None, None],
        }
    }

    fn round(s: &StoredSpread) -> Result<StoredSpread, SiteError> {
        decode_spread("values-0-spread", &encode_spread(s))
    }

    #[test]
    fn intervals_and_floors_read_back_to_the_bit() {
        let s = spread();
        assert_eq!(round(&s).unwrap(), s);
    }

    #[test]
    fn what_no_comparison_gives_is_refused() {
        type Spoil = fn(&mut StoredSpread);
        let cases: [(&str, Spoil); 6] = [
            ("low above high", |s| {
                (s.low[0][1], s.low[1][0]) = (0.9, 0.9);
            }),
            ("a negative bound", |s| {
                (s.low[0][2], s.low[2][0]) = (-0.1, -0.1);
            }),
            ("a bound that is no number", |s| {
                (s.high[1][2], s.high[2][1]) = (f64::NAN, f64::NAN);
            }),
            ("a negative floor", |s| s.floor[1] = Some(-1.0)),
            ("groups out of order", |s| s.groups.swap(0, 1)),
            ("a group without models", |s| s.n_models[2] = 0),
        ];
        for (what, spoil) in cases {
            let mut s = spread();
            spoil(&mut s);
            let e = round(&s).expect_err(what).to_string();
            assert!(e.contains("values-0-spread"), "{what}: {e}");
        }
        let one = StoredSpread {
            groups: vec!["0".into()],
            n_models: vec![1],
            low: vec![vec![0.0]],
            high: vec![vec![0.0]],
            floor: vec![None],
        };
        assert!(round(&one).unwrap_err().to_string().contains("1 groups"));
    }

    /// Only the upper half is stored: the bits left of the diagonal must be zero.
    #[test]
    fn a_bound_left_of_the_diagonal_is_refused() {
        let s = spread();
        let mut b = encode_spread(&s);
        let mut cols: Vec<(String, arrow_array::ArrayRef)> = b
            .schema()
            .fields()
            .iter()
            .zip(b.columns())
            .map(|(f, a)| (f.name().clone(), a.clone()))
            .collect();
        // Row 1's first byte of low_7 (left of the diagonal) set.
        let mut plane = vec![0u8; 9];
        for (i, v) in upper_bits(&s.low).iter().enumerate() {
            plane[i] = (v >> 56) as u8;
        }
        plane[3] = 1;
        let at = cols.iter().position(|(n, _)| n == "low_7").unwrap();
        cols[at].1 = super::super::columns::fixed::<arrow_array::types::UInt8Type>(plane, 3);
        b = batch(cols.iter().map(|(n, a)| (n.as_str(), a.clone())).collect());
        let e = decode_spread("values-0-spread", &b);
        assert!(e.unwrap_err().to_string().contains("left of the diagonal"));
    }
}
