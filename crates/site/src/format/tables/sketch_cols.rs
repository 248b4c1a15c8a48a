//! The columns of a sketch, shared by every table of sketches. A table holds the histogram part
//! (counts, `max_abs`, `n_sparse`), the moments part (`scaled_sum`, `scaled_sxx`) or both, so that
//! a view fetches only the part it uses: a comparison needs counts, a subset PCA moments. Counts
//! are stored as byte planes (see [`count_planes`]).

use std::sync::Arc;

use arrow_array::types::{Float64Type, UInt64Type, UInt8Type};
use arrow_array::{ArrayRef, Float64Array, UInt64Array};
use filterscope_stats::{Histograms, Moments, Sketch, DIM, N_BINS, PACKED};

use super::columns::{fixed, Cols};
use crate::SiteError;

/// Which parts of a sketch a table holds. `n` is always there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Has {
    /// Histogram counts, `max_abs` and `n_sparse`.
    pub counts: bool,
    /// Sums and outer-product sums of the scaled filters.
    pub moments: bool,
}

impl Has {
    /// Both parts.
    pub const ALL: Has = Has {
        counts: true,
        moments: true,
    };
    /// Only the histogram part.
    pub const COUNTS: Has = Has {
        counts: true,
        moments: false,
    };
    /// Only the moments.
    pub const MOMENTS: Has = Has {
        counts: false,
        moments: true,
    };
}

/// The byte planes of counts: plane `b` holds byte `b` of every count (least significant
/// first), one fixed-size list of bytes a row, as many planes as the table's largest count
/// needs (at least one). Stored this way, each plane compresses on its own: the high bytes of
/// counts are mostly alike, the low ones noise. At the full DB's shape this halves the counts
/// tables (the per-model counts 1.25 to 0.65 MB, the per-(model, bucket) ones 8.3 to 4.3 MB);
/// a plain integer column mixed the two and LZ4 found little to compress.
fn count_planes(counts: &[u64]) -> Vec<(&'static str, ArrayRef)> {
    let max = counts.iter().copied().max().unwrap_or(0);
    let planes = ((u64::BITS - max.leading_zeros()).div_ceil(8)).max(1);
    byte_planes(counts, &PLANES[..planes as usize])
}

/// One plane per name: plane `b` holds byte `b` (least significant first) of every value, a
/// fixed-size list of [`DIM`] x [`N_BINS`] bytes a row.
pub(crate) fn byte_planes(values: &[u64], names: &[&'static str]) -> Vec<(&'static str, ArrayRef)> {
    byte_planes_of(values, names, DIM * N_BINS)
}

/// [`byte_planes`] with `size` bytes a row.
pub(crate) fn byte_planes_of(
    values: &[u64],
    names: &[&'static str],
    size: usize,
) -> Vec<(&'static str, ArrayRef)> {
    names
        .iter()
        .enumerate()
        .map(|(b, &name)| {
            let plane = values.iter().map(|&c| (c >> (8 * b)) as u8).collect();
            (name, fixed::<UInt8Type>(plane, size))
        })
        .collect()
}

/// The byte planes' column names.
const PLANES: [&str; 8] = [
    "counts_0", "counts_1", "counts_2", "counts_3", "counts_4", "counts_5", "counts_6", "counts_7",
];

/// The counts put back together from their byte planes (`counts_0`, `counts_1`, ... while
/// there are more).
fn joined_counts(c: &Cols) -> Result<Vec<u64>, SiteError> {
    let present = PLANES
        .iter()
        .take_while(|n| c.batch.column_by_name(n).is_some())
        .count()
        .max(1);
    joined_planes(c, &PLANES[..present])
}

/// The values put back together from the byte planes `names` (all required).
pub(crate) fn joined_planes(c: &Cols, names: &[&str]) -> Result<Vec<u64>, SiteError> {
    joined_planes_of(c, names, DIM * N_BINS)
}

/// [`joined_planes`] of `size` bytes a row.
pub(crate) fn joined_planes_of(
    c: &Cols,
    names: &[&str],
    size: usize,
) -> Result<Vec<u64>, SiteError> {
    let mut values = c
        .fixed::<UInt8Type>(names[0], size)?
        .iter()
        .map(|&v| v as u64)
        .collect::<Vec<u64>>();
    for (b, name) in names.iter().enumerate().skip(1) {
        for (n, &v) in values.iter_mut().zip(c.fixed::<UInt8Type>(name, size)?) {
            *n |= (v as u64) << (8 * b);
        }
    }
    Ok(values)
}

/// The columns of `sketches` that `has` names, after `n`.
pub(crate) fn sketch_columns(sketches: &[&Sketch], has: Has) -> Vec<(&'static str, ArrayRef)> {
    let mut cols = vec![(
        "n",
        Arc::new(UInt64Array::from_iter_values(
            sketches.iter().map(|s| s.n()),
        )) as ArrayRef,
    )];
    if has.counts {
        let counts: Vec<u64> = sketches
            .iter()
            .flat_map(|s| s.hist.counts().iter().copied())
            .collect();
        cols.extend(count_planes(&counts));
        cols.push((
            "max_abs",
            Arc::new(Float64Array::from_iter_values(
                sketches.iter().map(|s| s.max_abs),
            )),
        ));
        cols.push((
            "n_sparse",
            Arc::new(UInt64Array::from_iter_values(
                sketches.iter().map(|s| s.n_sparse),
            )),
        ));
    }
    if has.moments {
        let col = |f: &dyn Fn(&Sketch) -> Vec<f64>, size| {
            fixed::<Float64Type>(sketches.iter().flat_map(|s| f(s)).collect(), size)
        };
        cols.push(("scaled_sum", col(&|s| s.scaled.sum.to_vec(), DIM)));
        cols.push(("scaled_sxx", col(&|s| s.scaled.sxx.to_vec(), PACKED)));
    }
    cols
}

/// Decodes the sketches of a table with the parts `has` names; the parts it lacks stay empty
/// (zero counts or zero sums) and `n` is set either way. Raw-weight moments are not stored in a
/// site (layer quality, their only use, is computed by data-prep), so they stay empty.
pub(crate) fn decode_sketches(c: &Cols, has: Has) -> Result<Vec<Sketch>, SiteError> {
    let n = c.prim::<UInt64Type>("n")?;
    let rows = n.len();
    let mut out: Vec<Sketch> = (0..rows)
        .map(|i| {
            let mut s = Sketch::default();
            s.scaled.n = n.value(i);
            s
        })
        .collect();
    if has.counts {
        let counts = joined_counts(c)?;
        let max_abs = c.prim::<Float64Type>("max_abs")?;
        let n_sparse = c.prim::<UInt64Type>("n_sparse")?;
        for (i, s) in out.iter_mut().enumerate() {
            let size = DIM * N_BINS;
            s.hist = Histograms::from_counts(counts[i * size..(i + 1) * size].to_vec())
                .expect("630 counts");
            if s.hist.total() != n.value(i) {
                return Err(c.err(format!(
                    "row {i}: histogram holds {} filters, n says {}",
                    s.hist.total(),
                    n.value(i)
                )));
            }
            if n_sparse.value(i) > n.value(i) {
                return Err(c.err(format!("row {i}: more sparse filters than filters")));
            }
            s.max_abs = max_abs.value(i);
            s.n_sparse = n_sparse.value(i);
        }
    }
    if has.moments {
        let ss = c.fixed::<Float64Type>("scaled_sum", DIM)?;
        let sx = c.fixed::<Float64Type>("scaled_sxx", PACKED)?;
        for (i, s) in out.iter_mut().enumerate() {
            s.scaled = Moments {
                n: n.value(i),
                sum: ss[i * DIM..(i + 1) * DIM].try_into().expect("9 sums"),
                sxx: sx[i * PACKED..(i + 1) * PACKED]
                    .try_into()
                    .expect("PACKED sums"),
            };
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::tables::columns::batch;

    fn sketch(scale: u64) -> Sketch {
        let mut counts = vec![0u64; DIM * N_BINS];
        for c in 0..DIM {
            counts[c * N_BINS + 3] = scale;
            counts[c * N_BINS + 40] = 2 * scale;
        }
        let mut s = Sketch {
            hist: Histograms::from_counts(counts).unwrap(),
            ..Default::default()
        };
        s.scaled.n = 3 * scale;
        s.scaled.sum[0] = 1.5;
        s.max_abs = 0.25;
        s.n_sparse = 1;
        s
    }

    #[test]
    fn counts_take_the_byte_planes_the_largest_needs_and_read_back_whole() {
        for (scale, planes) in [
            (1u64, 1),
            (100, 1),
            (30_000, 2),
            (2_000_000_000, 4),
            (3_000_000_000, 5),
            (u64::MAX / 3, 8),
        ] {
            let s = sketch(scale);
            let b = batch(sketch_columns(&[&s, &sketch(1)], Has::ALL));
            let names: Vec<String> = b
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .filter(|n| n.starts_with("counts"))
                .collect();
            let want: Vec<String> = (0..planes).map(|p| format!("counts_{p}")).collect();
            assert_eq!(names, want, "scale {scale}");
            let back = decode_sketches(
                &Cols {
                    file: "t",
                    batch: &b,
                },
                Has::ALL,
            )
            .unwrap();
            assert_eq!(back, [s, sketch(1)], "scale {scale}");
        }
    }

    #[test]
    fn a_part_left_out_reads_back_empty_with_n_kept() {
        let s = sketch(7);
        let b = batch(sketch_columns(&[&s], Has::COUNTS));
        assert!(b.column_by_name("scaled_sum").is_none());
        let back = decode_sketches(
            &Cols {
                file: "t",
                batch: &b,
            },
            Has::COUNTS,
        )
        .unwrap();
        assert_eq!((back[0].n(), &back[0].hist), (21, &s.hist));
        assert_eq!(back[0].scaled.sum, [0.0; DIM]);
        let m = batch(sketch_columns(&[&s], Has::MOMENTS));
        let back = decode_sketches(
            &Cols {
                file: "t",
                batch: &m,
            },
            Has::MOMENTS,
        )
        .unwrap();
        assert_eq!((back[0].n(), back[0].scaled.sum[0]), (21, 1.5));
        assert_eq!(back[0].hist.total(), 0);
        // Asking for a part the table lacks names the column.
        let e = decode_sketches(
            &Cols {
                file: "t",
                batch: &m,
            },
            Has::COUNTS,
        )
        .unwrap_err();
        assert!(e.to_string().contains("counts"), "{e}");
    }

    #[test]
    fn counts_that_disagree_with_n_are_refused() {
        let mut s = sketch(5);
        s.scaled.n = 16;
        let b = batch(sketch_columns(&[&s], Has::COUNTS));
        let e = decode_sketches(
            &Cols {
                file: "t.arrow",
                batch: &b,
            },
            Has::COUNTS,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("t.arrow: row 0"), "{e}");
    }
}
