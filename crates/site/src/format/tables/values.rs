//! The per-value sketches of a column: each value's over every model (a grouping by the column);
//! of a layer-level column each (value, model)'s (the column crossed with model-level columns, or
//! weighed and resampled by model); of a model-level column each (value, depth bucket)'s (the
//! column crossed with depth); of a layer-level column each value's models' shares (weighed by
//! models). Counts add up exactly in any order, so these give the very numbers the per-layer path
//! does. A value's total holds its moments too (a pair's own PCA reads them, and
//! they are summed in the per-layer path's order); a cell holds counts only.

use arrow_array::types::{UInt32Type, UInt64Type, UInt8Type};
use arrow_array::RecordBatch;
use filterscope_stats::{Sketch, DIM, N_BINS};

use super::columns::{batch, dict, Cols};
use super::sketch_cols::{byte_planes, decode_sketches, joined_planes, sketch_columns, Has};
use super::*;
use crate::SiteError;

/// One value of a layer-level column over every model.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueTotal {
    /// The value, as text (as a filter or group label writes it).
    pub value: String,
    /// Models with a layer of this value.
    pub n_models: u64,
    /// Layers of this value.
    pub n_layers: u64,
    /// Their merged histograms and scaled moments.
    pub sketch: Sketch,
}

/// One model's layers of one value of a layer-level column.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueCell {
    /// The value, as text.
    pub value: String,
    /// Model index.
    pub model: u32,
    /// The model's layers of this value.
    pub n_layers: u64,
    /// Their merged histograms (no moments).
    pub sketch: Sketch,
}

/// A value-totals table: `value` (string), `n_models`, `n_layers`, then both parts.
pub(crate) fn encode_value_totals(rows: &[ValueTotal]) -> RecordBatch {
    let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
    let mut cols = vec![
        ("value", dict(rows.iter().map(|r| r.value.clone()))),
        ("n_models", u64s(rows.iter().map(|r| r.n_models))),
        ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
    ];
    cols.extend(sketch_columns(&sketches, Has::ALL));
    batch(cols)
}

/// Decodes a value-totals table.
pub(crate) fn decode_value_totals(
    file: &str,
    b: &RecordBatch,
) -> Result<Vec<ValueTotal>, SiteError> {
    let c = Cols { file, batch: b };
    let value = c.strings("value")?;
    let nm = c.prim::<UInt64Type>("n_models")?;
    let nl = c.prim::<UInt64Type>("n_layers")?;
    Ok(decode_sketches(&c, Has::ALL)?
        .into_iter()
        .zip(value)
        .enumerate()
        .map(|(i, (sketch, value))| ValueTotal {
            value,
            n_models: nm.value(i),
            n_layers: nl.value(i),
            sketch,
        })
        .collect())
}

/// A chunk of value cells: `value` (string), `model` (uint32), `n_layers`, then the counts part.
pub(crate) fn encode_value_cells(rows: &[ValueCell]) -> RecordBatch {
    let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
    let mut cols = vec![
        ("value", dict(rows.iter().map(|r| r.value.clone()))),
        ("model", u32s(rows.iter().map(|r| r.model))),
        ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
    ];
    cols.extend(sketch_columns(&sketches, Has::COUNTS));
    batch(cols)
}

/// Decodes a chunk of value cells.
pub(crate) fn decode_value_cells(file: &str, b: &RecordBatch) -> Result<Vec<ValueCell>, SiteError> {
    let c = Cols { file, batch: b };
    let value = c.strings("value")?;
    let model = c.prim::<UInt32Type>("model")?;
    let nl = c.prim::<UInt64Type>("n_layers")?;
    Ok(decode_sketches(&c, Has::COUNTS)?
        .into_iter()
        .zip(value)
        .enumerate()
        .map(|(i, (sketch, value))| ValueCell {
            value,
            model: model.value(i),
            n_layers: nl.value(i),
            sketch,
        })
        .collect())
}

/// One value of a model-level column within one depth bucket: its models' layers there.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueDepth {
    /// The value, as text.
    pub value: String,
    /// Depth bucket (0..10).
    pub bucket: u8,
    /// Models of this value with layers in the bucket.
    pub n_models: u64,
    /// Their layers in the bucket.
    pub n_layers: u64,
    /// Their merged histograms and scaled moments.
    pub sketch: Sketch,
}

/// A value-by-depth table: `value` (string), `bucket` (uint8), `n_models`, `n_layers`, then both
/// parts.
pub(crate) fn encode_value_depths(rows: &[ValueDepth]) -> RecordBatch {
    let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
    let mut cols = vec![
        ("value", dict(rows.iter().map(|r| r.value.clone()))),
        ("bucket", u8s(rows.iter().map(|r| r.bucket))),
        ("n_models", u64s(rows.iter().map(|r| r.n_models))),
        ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
    ];
    cols.extend(sketch_columns(&sketches, Has::ALL));
    batch(cols)
}

/// Decodes a value-by-depth table.
pub(crate) fn decode_value_depths(
    file: &str,
    b: &RecordBatch,
) -> Result<Vec<ValueDepth>, SiteError> {
    let c = Cols { file, batch: b };
    let value = c.strings("value")?;
    let bucket = c.prim::<UInt8Type>("bucket")?;
    let nm = c.prim::<UInt64Type>("n_models")?;
    let nl = c.prim::<UInt64Type>("n_layers")?;
    Ok(decode_sketches(&c, Has::ALL)?
        .into_iter()
        .zip(value)
        .enumerate()
        .map(|(i, (sketch, value))| ValueDepth {
            value,
            bucket: bucket.value(i),
            n_models: nm.value(i),
            n_layers: nl.value(i),
            sketch,
        })
        .collect())
}

/// One value of a layer-level column (or one depth bucket) with every model weighing the same:
/// what a comparison weighed by models reads instead of each model's counts (conv_depth's at the
/// full DB's shape: 930 KB, against 12.8 MB of its cells).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueShares {
    /// The value, as text.
    pub value: String,
    /// The depth bucket, in a table of a model-level column's (value, bucket) sums; none else.
    pub bucket: Option<u8>,
    /// Models with a layer of this value.
    pub n_models: u64,
    /// Layers of this value.
    pub n_layers: u64,
    /// Filters of this value.
    pub n_filters: u64,
    /// Each model's counts of this value over its filters of this value, summed in model order
    /// (9 x 70, component-major): a comparison weighed by models adds them in that order too, so
    /// these are its sums to the bit.
    pub shares: Vec<f64>,
}

/// The byte planes of the shares' bits, least significant first.
const SHARE_PLANES: [&str; 8] = [
    "shares_0", "shares_1", "shares_2", "shares_3", "shares_4", "shares_5", "shares_6", "shares_7",
];

/// A value-shares table: `value` (string), `bucket` (uint8) when the rows have one, `n_models`,
/// `n_layers`, `n`, then the shares' bits as eight byte planes (the exponents' planes compress,
/// the mantissas' low ones do not).
pub(crate) fn encode_value_shares(rows: &[ValueShares]) -> RecordBatch {
    let bits: Vec<u64> = rows
        .iter()
        .flat_map(|r| r.shares.iter().map(|v| v.to_bits()))
        .collect();
    let mut cols = vec![("value", dict(rows.iter().map(|r| r.value.clone())))];
    if rows.iter().any(|r| r.bucket.is_some()) {
        cols.push(("bucket", u8s(rows.iter().map(|r| r.bucket.unwrap_or(0)))));
    }
    cols.extend([
        ("n_models", u64s(rows.iter().map(|r| r.n_models))),
        ("n_layers", u64s(rows.iter().map(|r| r.n_layers))),
        ("n", u64s(rows.iter().map(|r| r.n_filters))),
    ]);
    cols.extend(byte_planes(&bits, &SHARE_PLANES));
    batch(cols)
}

/// Decodes a value-shares table: every share finite and not negative, each row's components
/// summing to its number of models (each model's shares of a component sum to 1, within
/// rounding).
pub(crate) fn decode_value_shares(
    file: &str,
    b: &RecordBatch,
) -> Result<Vec<ValueShares>, SiteError> {
    let c = Cols { file, batch: b };
    let value = c.strings("value")?;
    let bucket = match b.column_by_name("bucket") {
        Some(_) => Some(c.prim::<UInt8Type>("bucket")?),
        None => None,
    };
    let nm = c.prim::<UInt64Type>("n_models")?;
    let nl = c.prim::<UInt64Type>("n_layers")?;
    let n = c.prim::<UInt64Type>("n")?;
    let bits = joined_planes(&c, &SHARE_PLANES)?;
    let size = DIM * N_BINS;
    value
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let shares: Vec<f64> = bits[i * size..(i + 1) * size]
                .iter()
                .map(|&b| f64::from_bits(b))
                .collect();
            let models = nm.value(i) as f64;
            let off = shares.chunks(N_BINS).find_map(|comp| {
                let sum: f64 = comp.iter().sum();
                let bad = comp.iter().any(|v| !v.is_finite() || *v < 0.0)
                    || (sum - models).abs() > 1e-9 * models.max(1.0);
                bad.then_some(sum)
            });
            if let Some(sum) = off {
                return Err(c.err(format!(
                    "row {i} ({value:?}): a component's shares sum to {sum}, not its {models} models"
                )));
            }
            Ok(ValueShares {
                value,
                bucket: bucket.map(|b| b.value(i)),
                n_models: nm.value(i),
                n_layers: nl.value(i),
                n_filters: n.value(i),
                shares,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two models' shares of one value: each component's bins sum to 2.
    fn row(first: f64) -> ValueShares {
        let mut shares = vec![0.0; DIM * N_BINS];
        for c in 0..DIM {
            shares[c * N_BINS] = first;
            shares[c * N_BINS + 1] = 2.0 - first;
        }
        ValueShares {
            value: "3".into(),
            bucket: None,
            n_models: 2,
            n_layers: 5,
            n_filters: 40,
            shares,
        }
    }

    #[test]
    fn shares_read_back_to_the_bit_and_wrong_sums_are_refused() {
        // A sum whose last bits matter (0.1 + 0.2 is not 0.3).
        let good = row(0.1 + 0.2);
        let back =
            decode_value_shares("v.arrow", &encode_value_shares(std::slice::from_ref(&good)))
                .unwrap();
        assert_eq!(back, [good]);
        for bad in [row(f64::NAN), row(-0.5), row(0.1)] {
            let mut bad = bad;
            // Off by one model (a row for 0.1 sums to 2 as well: make it not).
            bad.n_models = if bad.shares[0] == 0.1 { 3 } else { 2 };
            let e = decode_value_shares("v.arrow", &encode_value_shares(&[bad]))
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("v.arrow") && e.contains("row 0 (\"3\")"),
                "{e}"
            );
        }
    }
}
