//! The columns of a sketch, shared by every table of sketches. A table holds the histogram part
//! (counts, `max_abs`, `n_sparse`), the moments part (`scaled_sum`, `scaled_sxx`) or both, so that
//! a view fetches only the part it uses: a comparison needs counts, a subset PCA moments. Counts
//! are stored in the narrowest unsigned type that holds the table's largest count.

use std::sync::Arc;

use arrow_array::types::{Float64Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{Array, ArrayRef, Float64Array, UInt64Array};
use arrow_schema::DataType;
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

/// A fixed-size list of counts in the narrowest unsigned type that holds `max`.
fn narrow_counts(counts: Vec<u64>) -> ArrayRef {
    let max = counts.iter().copied().max().unwrap_or(0);
    let size = DIM * N_BINS;
    if max <= u8::MAX as u64 {
        fixed::<UInt8Type>(counts.into_iter().map(|c| c as u8).collect(), size)
    } else if max <= u16::MAX as u64 {
        fixed::<UInt16Type>(counts.into_iter().map(|c| c as u16).collect(), size)
    } else if max <= u32::MAX as u64 {
        fixed::<UInt32Type>(counts.into_iter().map(|c| c as u32).collect(), size)
    } else {
        fixed::<UInt64Type>(counts, size)
    }
}

/// The counts column widened to u64, whatever unsigned type it was stored in.
fn wide_counts(c: &Cols) -> Result<Vec<u64>, SiteError> {
    let size = DIM * N_BINS;
    let col = c.get("counts")?;
    let item = match col.data_type() {
        DataType::FixedSizeList(f, _) => f.data_type().clone(),
        other => return Err(c.err(format!("column \"counts\" is {other}, not a list"))),
    };
    Ok(match item {
        DataType::UInt8 => c
            .fixed::<UInt8Type>("counts", size)?
            .iter()
            .map(|&v| v as u64)
            .collect(),
        DataType::UInt16 => c
            .fixed::<UInt16Type>("counts", size)?
            .iter()
            .map(|&v| v as u64)
            .collect(),
        DataType::UInt32 => c
            .fixed::<UInt32Type>("counts", size)?
            .iter()
            .map(|&v| v as u64)
            .collect(),
        DataType::UInt64 => c.fixed::<UInt64Type>("counts", size)?.to_vec(),
        other => {
            return Err(c.err(format!(
                "column \"counts\" holds {other}, not unsigned integers"
            )))
        }
    })
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
        let counts = sketches
            .iter()
            .flat_map(|s| s.hist.counts().iter().copied())
            .collect();
        cols.push(("counts", narrow_counts(counts)));
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
        let counts = wide_counts(c)?;
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
    fn counts_take_the_narrowest_type_and_read_back_wide() {
        for (scale, want) in [
            (100u64, DataType::UInt8),
            (30_000, DataType::UInt16),
            (2_000_000_000, DataType::UInt32),
            (3_000_000_000, DataType::UInt64),
        ] {
            let s = sketch(scale);
            let b = batch(sketch_columns(&[&s], Has::ALL));
            let col = b.column_by_name("counts").unwrap();
            let DataType::FixedSizeList(f, _) = col.data_type() else {
                panic!()
            };
            assert_eq!(f.data_type(), &want, "scale {scale}");
            let back = decode_sketches(
                &Cols {
                    file: "t",
                    batch: &b,
                },
                Has::ALL,
            )
            .unwrap();
            assert_eq!(back[0], s);
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
